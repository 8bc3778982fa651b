#include "reference_homeserver/epochs.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "reference_homeserver/variants.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver {
namespace {

/// Stages::next_link_valid is the one place that consults next_link_uri, and only for a body it
/// read (as here) as a JSON object whose next_link is a string. A body that does not read so is
/// taken to reach it: a variant's parser may read it otherwise.
bool next_link_not_an_absolute_uri(std::string_view body) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_object()) return true;
    const auto link = parsed.find("next_link");
    return link != parsed.end() && (!link->is_string() || !spec::is_absolute_uri(link->get<std::string>()));
}

/// Whether the reference's own checks (Stages::parse_body, check_fields, check_address) may let a
/// request with this body through to be served, on some endpoint in some edition: false only for a
/// body they refuse whatever the endpoint's medium and the edition. Only a served request meets
/// submit_url (Stages::validate_by_mail) and the identity service's version (Stages::identity_api).
bool reference_may_serve(std::string_view body) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_object()) return false;
    auto string_at = [&](const char* key) -> const std::string* {
        const auto found = parsed.find(key);
        return found != parsed.end() && found->is_string() ? found->get_ptr<const std::string*>() : nullptr;
    };
    for (const char* key : {"next_link", "id_server", "id_access_token"})
        if (parsed.contains(key) && !string_at(key)) return false;
    const auto* secret = string_at("client_secret");
    if (!secret || !spec::is_valid_client_secret(*secret)) return false;
    const auto send_attempt = parsed.find("send_attempt");
    if (send_attempt == parsed.end() || !send_attempt->is_number_integer()) return false;
    const auto* email = string_at("email");
    const auto* country = string_at("country");
    const auto* phone_number = string_at("phone_number");
    const bool email_passes = email && spec::is_plausible_email(*email);
    const bool msisdn_passes =
        country && phone_number && spec::is_country_code(*country) && spec::is_plausible_phone_number(*phone_number);
    return email_passes || msisdn_passes;
}

/// The reference consults id_access_token where it asks for id_server (Stages::id_server_required,
/// which differs only for a body without a string id_server) and where it serves.
bool reference_reaches_id_access_token(std::string_view body) {
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (!parsed.is_object()) return false;
    const auto id_server = parsed.find("id_server");
    return id_server == parsed.end() || !id_server->is_string() || reference_may_serve(body);
}

}  // namespace

const std::vector<EpochInfo>& epochs() {
    static const std::vector<EpochInfo> list{
        {Epoch::submit_url, "r0.5.0", true, "submit_url in the answer of a server that validates", false, nullptr,
         reference_may_serve},
        {Epoch::id_access_token, "r0.6.0", true, "id_server optional; id_access_token for the identity service's v2", false,
         nullptr, reference_reaches_id_access_token},
        // The reference's own stages no longer change here, but the client-server paths move from r0 to
        // v3, so every case's execution units split at v1.1 anyway: a server on each side keeps two
        // units of one case (a shared address, a literal client secret) from being one session.
        {Epoch::identity_v1_removed, "v1.1", true, "the identity service's v1 API removed; password/msisdn documents id_server"},
        {Epoch::json_content_type, "v1.4", false, "a request body is JSON whatever its Content-Type says"},
        {Epoch::retry_after_header, "v1.10", false, "a 429's wait in Retry-After; retry_after_ms deprecated"},
        {Epoch::add_threepid_errors, "v1.13", false, "/account/3pid names M_INVALID_PARAM and M_THREEPID_MEDIUM_NOT_SUPPORTED"},
        {Epoch::next_link_uri, "v1.14", true, "next_link must be an absolute URI", false, next_link_not_an_absolute_uri},
        {Epoch::oauth_only, "v1.15", true, "a server offering only the OAuth 2.0 API serves no registration or password reset", true},
    };
    return list;
}

const EpochInfo& info(Epoch epoch) {
    const auto& list = epochs();
    auto found = std::find_if(list.begin(), list.end(), [&](const EpochInfo& entry) { return entry.epoch == epoch; });
    if (found == list.end()) throw std::logic_error("an epoch missing from reference_homeserver::epochs()");
    return *found;
}

std::vector<Epoch> epochs_of(const Variant* variant, bool legacy_api) {
    std::vector<Epoch> consulted;
    for (const auto& entry : epochs()) {
        if (legacy_api && entry.without_legacy_api_only) continue;
        const bool declared =
            entry.reference || (variant && std::find(variant->epochs.begin(), variant->epochs.end(), entry.epoch) != variant->epochs.end());
        if (declared) consulted.push_back(entry.epoch);
    }
    return consulted;
}

bool answers_alike(const spec::Edition& earlier, const spec::Edition& later, const std::vector<std::string>& bodies,
                   const Variant* variant, bool legacy_api) {
    const bool runs_reference_stages = !variant || !variant->make;
    for (auto epoch : epochs_of(variant, legacy_api)) {
        const auto& entry = info(epoch);
        const auto start = *spec::Edition::parse(entry.edition);
        if (!(earlier < start) || later < start) continue;
        const auto reached_by = runs_reference_stages && entry.reference_reached_by ? entry.reference_reached_by : entry.reached_by;
        if (!reached_by) return false;
        if (std::any_of(bodies.begin(), bodies.end(), [&](const std::string& body) { return reached_by(body); })) return false;
    }
    return true;
}

std::vector<std::vector<spec::Edition>> answered_alike(const std::vector<spec::Edition>& editions, const Variant* variant,
                                                       bool legacy_api) {
    std::vector<spec::Edition> starts;
    for (auto epoch : epochs_of(variant, legacy_api)) starts.push_back(*spec::Edition::parse(info(epoch).edition));
    std::vector<std::vector<spec::Edition>> stretches;
    for (const auto& edition : editions) {
        const bool split = stretches.empty() || std::any_of(starts.begin(), starts.end(), [&](const spec::Edition& start) {
                               return stretches.back().back() < start && !(edition < start);
                           });
        if (split) stretches.emplace_back();
        stretches.back().push_back(edition);
    }
    return stretches;
}

}  // namespace mx3pid::reference_homeserver
