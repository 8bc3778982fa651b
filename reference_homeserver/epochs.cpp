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

}  // namespace

const std::vector<EpochInfo>& epochs() {
    static const std::vector<EpochInfo> list{
        {Epoch::submit_url, "r0.5.0", true, "submit_url in the answer of a server that validates"},
        {Epoch::id_access_token, "r0.6.0", true, "id_server optional; id_access_token for the identity service's v2"},
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
    for (auto epoch : epochs_of(variant, legacy_api)) {
        const auto& entry = info(epoch);
        const auto start = *spec::Edition::parse(entry.edition);
        if (!(earlier < start) || later < start) continue;
        if (!entry.reached_by) return false;
        if (std::any_of(bodies.begin(), bodies.end(), [&](const std::string& body) { return entry.reached_by(body); })) return false;
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
