#include "harness/mutation.hpp"

#include <algorithm>
#include <map>

#include "harness/config_error.hpp"
#include "harness/fixtures.hpp"
#include "harness/runner.hpp"
#include "harness/selection.hpp"
#include "harness/target.hpp"

namespace mx3pid::harness {

using reference_homeserver::Behaviour;
using reports::Verdict;

namespace {

std::string proof_key(const SelectedCase& selected) {
    const auto& source = *selected.instance.source;
    return selected.instance.id + "@" + source.file + ":" + std::to_string(source.line);
}

}  // namespace

VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<CaseTemplate>& templates,
                           const Profile& profile, const spec::Edition& edition) {
    TargetChoice choice;
    choice.name = std::string(variant.name);
    choice.text = "builtin:" + choice.name;
    choice.variant = &variant;
    Target target(choice, profile, edition);
    FixtureFactory fixtures(1, profile);
    Environment environment{target.homeserver_url(), edition, profile, target.identity(), target.decoy(),
                            target.mailbox(), net::Client(), fixtures};
    environment.grace = profile.side_channel_grace.value_or(target.side_channel_grace());
    const auto selected = select_cases(templates, edition, profile, {});
    auto results = run_cases(selected, environment);

    VariantScore score;
    score.variant = choice.name;
    score.profile = profile.path;
    std::vector<const reference_homeserver::Kill*> kills;
    std::vector<std::string> globs;
    for (const auto& kill : variant.kills)
        if (spec::EditionRange::parse(kill.editions)->contains(edition)) {
            kills.push_back(&kill);
            globs.emplace_back(kill.cases);
        }
    auto in_kill_set = [&](const std::string& id) {
        return std::any_of(kills.begin(), kills.end(), [&](const reference_homeserver::Kill* kill) {
            return glob_match(std::string(kill->cases), id) &&
                   (kill->except.empty() || !glob_match(std::string(kill->except), id));
        });
    };
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        if (result.verdict == Verdict::skip) continue;
        const bool failed = result.verdict == Verdict::fail || result.verdict == Verdict::not_implemented;
        if (failed || result.verdict == Verdict::warn) score.proven.push_back(proof_key(selected[i]));
        ++score.cases_run;
        auto described = result.id + " (" + reports::to_string(result.verdict) + ")" +
                         (result.message.empty() ? "" : ": " + result.message);
        if (variant.behaviour == Behaviour::hostile) {
            if (result.verdict != Verdict::error) score.collateral.push_back(described);
        } else if (in_kill_set(result.id)) {
            const bool should = selected[i].instance.source->level == Level::should;
            if (should ? result.verdict == Verdict::warn : failed)
                score.killed.push_back(result.id);
            else
                score.missed.push_back(described);
        } else if (result.verdict == Verdict::warn) {
            score.warned.push_back(result.id);
        } else if (reports::is_unexpected(result.verdict)) {
            score.collateral.push_back(described);
        }
    }
    for (const auto& glob : globs) {
        bool used = std::any_of(results.begin(), results.end(), [&](const auto& result) {
            return result.verdict != Verdict::skip && glob_match(glob, result.id);
        });
        if (!used) score.stale_globs.push_back(glob);
    }
    return score;
}

const std::vector<std::string>& builtin_profiles() {
    static const std::vector<std::string> names{"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration"};
    return names;
}

MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report) {
    const auto templates = load_cases(cases_dir);
    std::map<std::string, Profile> profiles;
    for (const auto& name : builtin_profiles()) profiles.emplace(name, load_profile(cases_dir + "/profiles/" + name + ".yaml"));

    MutationSummary summary;
    std::set<std::string> caught;  // proof keys
    for (const auto& variant : reference_homeserver::variants()) {
        std::vector<std::string> run_under(variant.profiles.begin(), variant.profiles.end());
        const auto judged_in = spec::EditionRange::parse(variant.editions);
        bool exact_everywhere = true, caught_somewhere = false;
        std::string tally;
        for (const auto& profile_name : run_under) {
            const auto found = profiles.find(profile_name);
            if (found == profiles.end()) throw ConfigError(cases_dir + "/profiles/" + profile_name + ".yaml", 0, "no such built-in profile");
            for (const auto& edition : editions) {
                if (!judged_in || !judged_in->contains(edition)) continue;
                auto score = score_variant(variant, templates, found->second, edition);
                summary.collateral += score.collateral.size();
                caught.insert(score.proven.begin(), score.proven.end());
                exact_everywhere = exact_everywhere && score.exact();
                caught_somewhere = caught_somewhere || !score.killed.empty();
                tally += " " + edition.name() + (run_under.size() > 1 ? "/" + profile_name : "") + ":" +
                         std::to_string(score.killed.size()) + "/" + std::to_string(score.cases_run);
                auto where = "    " + edition.name() + " " + profile_name + " ";
                for (const auto& id : score.missed) report(where + "missed: " + id);
                for (const auto& id : score.collateral) report(where + "wrong for this variant: " + id);
                for (const auto& glob : score.stale_globs) report(where + "kill-set glob matches no case: " + glob);
            }
        }
        bool ok = exact_everywhere;
        if (variant.behaviour == Behaviour::faulty) {
            ++summary.variants;
            ok = ok && caught_somewhere;
            if (ok) ++summary.detected;
        } else if (!ok) {
            ++summary.not_proven;
        }
        report(std::string(ok ? "ok      " : "FINDING ") + std::string(variant.name) + " (failed/run:" + tally + ")" +
               (variant.behaviour == Behaviour::faulty && !caught_somewhere ? ": no case catches it" : ""));
    }
    // Every case (and every template behind an ID) that runs somewhere must be failed, or warned, somewhere.
    std::set<std::string> runs;
    for (const auto& edition : editions)
        for (const auto& [profile_name, profile] : profiles)
            for (const auto& selected : select_cases(templates, edition, profile, {}))
                if (!selected.skip_reason) runs.insert(proof_key(selected));
    for (const auto& key : runs)
        if (!caught.count(key)) summary.unkilled.push_back(key);
    return summary;
}

}  // namespace mx3pid::harness
