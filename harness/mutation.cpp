#include "harness/mutation.hpp"

#include <algorithm>

#include "harness/fixtures.hpp"
#include "harness/runner.hpp"
#include "harness/selection.hpp"
#include "harness/target.hpp"

namespace mx3pid::harness {

VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<CaseTemplate>& templates,
                           const Profile& profile, const spec::Edition& edition) {
    TargetChoice choice;
    choice.variant = std::string(variant.name);
    choice.text = "builtin:" + choice.variant;
    Target target(choice, profile, edition);
    FixtureFactory fixtures(1, profile);
    Environment environment{target.homeserver_url(), edition, profile, target.identity(), target.decoy(), {}, fixtures};
    auto results = run_cases(select_cases(templates, edition, profile, {}), environment);

    VariantScore score;
    score.variant = choice.variant;
    score.cases_run = results.size();
    std::vector<std::string> globs;
    for (const auto& kill : variant.kills)
        if (spec::EditionRange::parse(kill.editions)->contains(edition)) globs.emplace_back(kill.cases);
    auto in_kill_set = [&](const std::string& id) {
        return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) { return glob_match(glob, id); });
    };
    for (const auto& result : results) {
        if (result.verdict == reports::Verdict::skip) continue;
        const bool failed = result.verdict == reports::Verdict::fail;
        auto described = result.id + " (" + reports::to_string(result.verdict) + ")";
        if (in_kill_set(result.id))
            (failed ? score.killed : score.missed).push_back(failed ? result.id : described);
        else if (result.verdict == reports::Verdict::warn)
            score.warned.push_back(result.id);
        else if (reports::is_unexpected(result.verdict))
            score.collateral.push_back(described + (result.message.empty() ? "" : ": " + result.message));
    }
    for (const auto& glob : globs) {
        bool used = std::any_of(results.begin(), results.end(), [&](const auto& result) {
            return result.verdict != reports::Verdict::skip && glob_match(glob, result.id);
        });
        if (!used) score.stale_globs.push_back(glob);
    }
    return score;
}

}  // namespace mx3pid::harness
