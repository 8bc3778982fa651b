#include "engine/units.hpp"

#include <deque>
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
    values.next_link = "https://client.mx3pid.invalid/validated/\x01next_link";  // an absolute URI, as engine/fixtures makes it
    values.send_attempt = 1;
    return values;
}

/// Everything a unit sends for `selected` in `edition`, the server aside: equal strings, one unit
/// (on one server); and the bodies, for a server that answers some bodies alike across editions.
struct Asked {
    std::string key;
    std::vector<std::string> bodies;
};

Asked asked_for(const suite::SelectedCase& selected, const EditionCases& edition, const net::Url& homeserver,
                const suite::Profile& profile, const RequestBasis& basis) {
    const auto& instance = selected.instance;
    const auto context = request_context(edition.edition, homeserver, basis);
    const auto values = stand_ins(instance, profile);
    Asked asked;
    asked.key = homeserver.path + '\x1f';
    asked.key += std::to_string(static_cast<int>(suite::resolve_address(instance.source->address, *instance.endpoint))) + '\x1f';
    for (const auto& step : instance.source->steps) {
        const auto request = build_request(*instance.endpoint, step.request, values, context);
        asked.key += request.method + ' ' + request.target + '\x1e';
        for (const auto& [name, value] : request.headers) asked.key += name + ": " + value + '\x1e';
        asked.key += request.body + '\x1f';
        asked.bodies.push_back(request.body);
    }
    if (instance.source->side_channel.follow_link) {
        const auto rules = follow_up_rules(edition.edition);
        asked.key += "follow " + std::to_string(rules.link_names_session) + std::to_string(rules.probe_submit_url_refusals);
    }
    return asked;
}

bool same_server(const net::Url& a, const net::Url& b) { return a.origin() == b.origin() && a.path == b.path; }

/// asked_for, built once for the editions of one case that would build it alike: the same template
/// and server, requests spelt alike, the same follow-up rules.
class AskedOfCase {
public:
    const Asked& get(const suite::SelectedCase& selected, const EditionCases& edition, const net::Url& homeserver,
                     const suite::Profile& profile, const RequestBasis& basis) {
        const auto rules = follow_up_rules(edition.edition);
        const auto spelling = spelling_of(edition.edition);
        for (const auto& [alike, asked] : built_)
            if (alike.source == selected.instance.source && same_server(alike.server, homeserver) && alike.spelling == spelling &&
                alike.rules == rules)
                return asked;
        built_.emplace_back(Alike{selected.instance.source, homeserver, spelling, rules},
                            asked_for(selected, edition, homeserver, profile, basis));
        return built_.back().second;
    }

private:
    struct Alike {
        const suite::CaseTemplate* source;
        net::Url server;
        RequestSpelling spelling;
        FollowUpRules rules;
    };
    std::deque<std::pair<Alike, Asked>> built_;  ///< a deque: what get() returned stays put as it grows
};

/// Among the units of one case asking `asked`: one on `server`, else one whose server answers as
/// `edition`'s would; none when neither is.
std::optional<std::size_t> unit_to_join(const std::vector<std::size_t>& candidates, const UnitPlan& plan, const net::Url& server,
                                        const Asked& asked, const EditionCases& edition, const std::vector<EditionCases>& editions) {
    for (auto id : candidates)
        if (same_server(plan.units[id].homeserver, server)) return id;
    if (!edition.answers_as) return std::nullopt;
    for (auto id : candidates)
        if (edition.answers_as(editions[plan.units[id].editions.front()].edition, asked.bodies)) return id;
    return std::nullopt;
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
        std::map<std::string, std::vector<std::size_t>> by_key;
        AskedOfCase asked_of_case;
        for (std::size_t e = 0; e < editions.size(); ++e) {
            const auto& selected = editions[e].cases[index];
            if (selected.skip_reason || selected.not_run_reason) continue;
            const auto& server = editions[e].homeserver ? *editions[e].homeserver : homeserver;
            const auto& asked = asked_of_case.get(selected, editions[e], server, profile, basis);
            auto& candidates = by_key[asked.key];
            auto id = unit_to_join(candidates, plan, server, asked, editions[e], editions);
            if (!id) {
                const bool first = plan.of_case[index].empty();
                id = first ? index : plan.units.size();
                if (!first) plan.units.emplace_back();
                plan.units[*id] = Unit{*id, index, plan.of_case[index].size(), {}, server};
                plan.of_case[index].push_back(*id);
                candidates.push_back(*id);
            }
            plan.units[*id].editions.push_back(e);
        }
    }
    return plan;
}

}  // namespace mx3pid::engine
