#include "engine/units.hpp"

#include <map>

#include "engine/follow_up.hpp"

namespace mx3pid::engine {
namespace {

/// Stand-ins for a case's generated values: whatever they become, they are the same in every
/// edition of one unit, so requests built with these compare as the real ones will.
CaseValues stand_ins(const suite::Case& instance, const suite::Profile& profile) {
    CaseValues values;
    values.address.medium = instance.endpoint->medium;
    const bool email = instance.endpoint->medium == spec::Medium::email;
    const auto choice = suite::resolve_address(instance.source->address, *instance.endpoint);
    const bool bound = choice == suite::AddressChoice::bound, denied = choice == suite::AddressChoice::denied;
    if (email) {
        values.address.email = bound && profile.bound_email ? *profile.bound_email
                               : denied && profile.denied_email ? *profile.denied_email
                                                                : "\x01" "fresh";
    } else {
        values.address.msisdn = bound && profile.bound_msisdn ? *profile.bound_msisdn
                                : denied && profile.denied_msisdn ? *profile.denied_msisdn
                                                                  : suite::Msisdn{"\x01", "fresh"};
    }
    values.client_secret = "\x01" "secret";
    values.next_link = "\x01" "next_link";
    values.send_attempt = 1;
    return values;
}

/// Everything a unit sends for `selected` in `edition`, as one string: equal strings, one unit.
std::string unit_key(const suite::SelectedCase& selected, const EditionCases& edition, const net::Url& homeserver,
                     const suite::Profile& profile, const RequestBasis& basis) {
    const auto& instance = selected.instance;
    const auto context = request_context(edition.edition, homeserver, basis);
    const auto values = stand_ins(instance, profile);
    std::string key = homeserver.origin() + homeserver.path + '\x1f';
    key += std::to_string(static_cast<int>(suite::resolve_address(instance.source->address, *instance.endpoint))) + '\x1f';
    for (const auto& step : instance.source->steps) {
        const auto request = build_request(*instance.endpoint, step.request, values, context);
        key += request.method + ' ' + request.target + '\x1e';
        for (const auto& [name, value] : request.headers) key += name + ": " + value + '\x1e';
        key += request.body + '\x1f';
    }
    if (instance.source->side_channel.follow_link) {
        const auto rules = follow_up_rules(edition.edition);
        key += "follow " + std::to_string(rules.link_names_session) + std::to_string(rules.probe_submit_url_refusals);
    }
    return key;
}

}  // namespace

RequestContext request_context(const spec::Edition& edition, const net::Url& homeserver, const RequestBasis& basis) {
    return {homeserver.path, edition, basis.trusted, basis.untrusted};
}

UnitPlan plan_units(const std::vector<EditionCases>& editions, const net::Url& homeserver, const suite::Profile& profile,
                    const RequestBasis& basis) {
    UnitPlan plan;  // units[i] for i < cases is case i's first unit, or unused when the case is asked in no edition
    const std::size_t cases = editions.empty() ? 0 : editions.front().cases.size();
    plan.units.resize(cases);
    plan.of_case.resize(cases);
    for (std::size_t index = 0; index < cases; ++index) {
        std::map<std::string, std::size_t> by_key;
        for (std::size_t e = 0; e < editions.size(); ++e) {
            const auto& selected = editions[e].cases[index];
            if (selected.skip_reason || selected.not_run_reason) continue;
            const auto& server = editions[e].homeserver ? *editions[e].homeserver : homeserver;
            auto [found, added] = by_key.try_emplace(unit_key(selected, editions[e], server, profile, basis), 0);
            if (added) {
                const bool first = plan.of_case[index].empty();
                found->second = first ? index : plan.units.size();
                if (!first) plan.units.emplace_back();
                auto& unit = plan.units[found->second];
                unit = Unit{found->second, index, plan.of_case[index].size(), {}, server};
                plan.of_case[index].push_back(found->second);
            }
            plan.units[found->second].editions.push_back(e);
        }
    }
    return plan;
}

}  // namespace mx3pid::engine
