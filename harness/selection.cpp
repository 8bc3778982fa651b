#include "harness/selection.hpp"

#include <algorithm>
#include <map>

namespace mx3pid::harness {
namespace {

std::size_t endpoint_index(const spec::Endpoint* endpoint) {
    return static_cast<std::size_t>(endpoint - spec::endpoints().data());
}

bool passes_filters(const std::string& id, const std::vector<std::string>& filters) {
    if (filters.empty()) return true;
    return std::any_of(filters.begin(), filters.end(), [&](const std::string& glob) { return glob_match(glob, id); });
}

}  // namespace

std::optional<std::string> profile_skip_reason(const Case& instance, const Profile& profile) {
    const auto& endpoint = *instance.endpoint;
    const bool email = endpoint.medium == spec::Medium::email;
    if (const auto& wanted = instance.source->requires_validation) {
        auto actual = to_string(profile.validation_for(endpoint.medium));
        if (*wanted != actual)
            return "needs a server that validates " + std::string(spec::medium_name(endpoint.medium)) + " by " +
                   *wanted + "; the profile says " + actual;
    }
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
    std::vector<SelectedCase> selected;
    std::map<std::string, std::size_t> position;
    for (const auto& instance : expand(templates)) {
        if (!passes_filters(instance.id, filters)) continue;
        const bool applies = instance.source->editions.contains(edition);
        auto found = position.find(instance.id);
        if (found != position.end()) {
            // Another template already claimed this ID; this one wins only if it applies and that one does not.
            auto& existing = selected[found->second];
            if (applies && !existing.instance.source->editions.contains(edition)) existing = {instance, std::nullopt};
        } else {
            position.emplace(instance.id, selected.size());
            selected.push_back({instance, std::nullopt});
        }
    }
    for (auto& entry : selected) {
        if (!entry.instance.source->editions.contains(edition))
            entry.skip_reason = "applies to editions " + entry.instance.source->editions.text() + ", not " + edition.name();
        else
            entry.skip_reason = profile_skip_reason(entry.instance, profile);
    }
    std::stable_sort(selected.begin(), selected.end(), [](const SelectedCase& a, const SelectedCase& b) {
        return endpoint_index(a.instance.endpoint) < endpoint_index(b.instance.endpoint);
    });
    return selected;
}

}  // namespace mx3pid::harness
