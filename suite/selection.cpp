#include "suite/selection.hpp"

#include <algorithm>
#include <map>

namespace mx3pid::suite {
namespace {

std::size_t endpoint_index(const spec::Endpoint* endpoint) {
    return static_cast<std::size_t>(endpoint - spec::endpoints().data());
}

bool passes_filters(const std::string& id, const std::vector<std::string>& filters) {
    if (filters.empty()) return true;
    return std::any_of(filters.begin(), filters.end(), [&](const std::string& glob) { return glob_match(glob, id); });
}

}  // namespace

std::optional<std::string> legacy_api_skip_reason(const Case& instance, const Profile& profile, const spec::Edition& edition) {
    const bool legacy_endpoint = instance.endpoint->purpose != spec::Purpose::add_threepid;
    const bool offered = profile.legacy_api || !legacy_endpoint || edition < *spec::Edition::parse("v1.15");
    const bool wants_offered = instance.source->requires_profile.legacy_api.value_or(true);
    if (offered == wants_offered) return std::nullopt;
    if (wants_offered)
        return "the profile says the server offers only the OAuth 2.0 API (legacy_api: false): from v1.15 it need not serve "
               "registration or password reset";
    return std::string("for servers without the legacy API (legacy_api: false) on registration and password reset, from v1.15");
}

std::optional<std::string> profile_skip_reason(const Case& instance, const Profile& profile) {
    const auto& endpoint = *instance.endpoint;
    const bool email = endpoint.medium == spec::Medium::email;
    const auto& requirements = instance.source->requires_profile;
    const auto validation = profile.validation_for(endpoint.medium);
    if (!requirements.validation.empty() &&
        std::find(requirements.validation.begin(), requirements.validation.end(), validation) == requirements.validation.end()) {
        std::string wanted;
        for (auto v : requirements.validation) wanted += (wanted.empty() ? "" : " or ") + std::string(spec::to_string(v));
        return "for servers that validate " + std::string(spec::medium_name(endpoint.medium)) + " by " + wanted +
               "; the profile says " + std::string(spec::to_string(validation));
    }
    if (requirements.enumeration_protection && *requirements.enumeration_protection != profile.enumeration_protection)
        return std::string("for servers ") + (*requirements.enumeration_protection ? "with" : "without") +
               " enumeration protection; the profile says enumeration_protection: " +
               (profile.enumeration_protection ? "true" : "false");
    const bool unsupported = endpoint.purpose == spec::Purpose::add_threepid && !profile.supports_3pid_medium(endpoint.medium);
    if (requirements.medium_unsupported.value_or(false) != unsupported)
        return unsupported ? "the profile says the server does not support " + std::string(spec::medium_name(endpoint.medium)) +
                                 " on /account/3pid (unsupported_3pid_media)"
                           : std::string("for a medium the server does not support on /account/3pid (unsupported_3pid_media)");
    switch (resolve_address(instance.source->address, endpoint)) {
        case AddressChoice::bound:
            if (email ? !profile.bound_email : !profile.bound_msisdn)
                return std::string("the profile names no bound ") + (email ? "email (bound.email)" : "msisdn (bound.msisdn)");
            break;
        case AddressChoice::denied:
            if (email ? !profile.denied_email : !profile.denied_msisdn)
                return std::string("the profile names no denied ") + (email ? "email (denied.email)" : "msisdn (denied.msisdn)");
            break;
        default: break;
    }
    return std::nullopt;
}

std::vector<SelectedCase> select_cases(const std::vector<CaseTemplate>& templates, const spec::Edition& edition,
                                       const Profile& profile, const std::vector<std::string>& filters) {
    // One case per ID: the first template that applies to this edition and profile, else the first one, skipped.
    std::vector<SelectedCase> selected;
    std::map<std::string, std::size_t> position;
    auto skip_reason = [&](const Case& instance) -> std::optional<std::string> {
        if (!instance.endpoint->documented_in(edition))
            return std::string(instance.endpoint->key) + " is not in " + edition.name() + " (documented from " +
                   std::string(instance.endpoint->first_edition()) + ")";
        if (!instance.source->editions.contains(edition))
            return "applies to editions " + instance.source->editions.text() + ", not " + edition.name();
        if (auto reason = legacy_api_skip_reason(instance, profile, edition)) return reason;
        return profile_skip_reason(instance, profile);
    };
    for (const auto& instance : expand(templates)) {
        if (!passes_filters(instance.id, filters)) continue;
        auto reason = skip_reason(instance);
        auto found = position.find(instance.id);
        if (found == position.end()) {
            position.emplace(instance.id, selected.size());
            selected.push_back({instance, reason, std::nullopt});
        } else if (!reason && selected[found->second].skip_reason) {
            selected[found->second] = {instance, std::nullopt, std::nullopt};
        }
    }
    std::stable_sort(selected.begin(), selected.end(), [](const SelectedCase& a, const SelectedCase& b) {
        return endpoint_index(a.instance.endpoint) < endpoint_index(b.instance.endpoint);
    });
    return selected;
}

}  // namespace mx3pid::suite
