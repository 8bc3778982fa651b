#include "proof/mutation.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "suite/config_error.hpp"
#include "engine/fixtures.hpp"
#include "engine/runner.hpp"
#include "suite/selection.hpp"
#include "targets/fixture_setup.hpp"
#include "targets/target.hpp"

namespace mx3pid::proof {

using reference_homeserver::Behaviour;
using reports::Verdict;

namespace {

std::string proof_key(const suite::SelectedCase& selected) {
    const auto& source = *selected.instance.source;
    return selected.instance.id + "@" + source.file + ":" + std::to_string(source.line);
}

std::string check_key(const suite::SelectedCase& selected, const reports::CheckResult& check) {
    const auto& source = *selected.instance.source;
    const auto file = source.file.substr(source.file.find_last_of('/') + 1);
    return file + ":" + std::to_string(source.line) + " " + source.kind + ": " + check.name;
}

bool is_failure(Verdict verdict) { return verdict == Verdict::fail || verdict == Verdict::not_implemented; }

/// The results of `selected` against the variant, after the run's fixtures are made and checked as
/// a command-line run makes and checks them; `refused` says why no case could run.
struct Outcome {
    std::vector<reports::CaseResult> results;
    std::string refused;
};

Outcome run_against(const reference_homeserver::Variant& variant, std::vector<suite::SelectedCase> selected,
                    suite::Profile profile, const spec::Edition& edition) {
    targets::TargetChoice choice;
    choice.name = std::string(variant.name);
    choice.text = "builtin:" + choice.name;
    choice.variant = &variant;
    targets::Target target(choice, profile, edition);
    engine::FixtureFactory fixtures(1, profile);
    const auto grace = profile.side_channel_grace.value_or(target.side_channel_grace());
    targets::FixtureContext context{target.homeserver_url(), edition, target.identity(), target.decoy(), target.mailbox(),
                                    fixtures, target.id_server(profile), net::ClientOptions{}, grace,
                                    // A built-in acts within its declared grace: a token later than that is none.
                                    grace + std::chrono::milliseconds(1000)};
    auto setup = targets::set_up_fixtures(context, profile, selected);
    if (!setup.refused.empty()) return {{}, setup.refused};
    engine::Environment environment{target.homeserver_url(), edition, profile, target.identity(), target.decoy(),
                            target.mailbox(), net::Client(), fixtures};
    environment.grace = grace;
    return {engine::run_cases(selected, environment), ""};
}

/// Does `result` end as the variant's behaviour allows, for a case outside any kill set?
bool allowed_outside_kill_set(Behaviour behaviour, Verdict verdict) {
    if (behaviour == Behaviour::hostile) return !is_failure(verdict) && verdict != Verdict::warn && verdict != Verdict::xpass;
    return verdict == Verdict::pass || verdict == Verdict::skip;
}

}  // namespace

std::string MutationSummary::line() const {
    return "mutation score: " + std::to_string(detected) + "/" + std::to_string(faulty) + " faulty variants detected, " +
           std::to_string(conformant_passed) + "/" + std::to_string(conformant) + " conformant variants passed, " +
           std::to_string(collateral) + " collateral failures, " + std::to_string(checks_never_failed.size()) +
           " checks never seen failing";
}

VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<suite::CaseTemplate>& templates,
                           const suite::Profile& profile, const spec::Edition& edition) {
    const auto selected = suite::select_cases(templates, edition, targets::as_planned(profile), {});
    const auto outcome = run_against(variant, selected, profile, edition);
    const auto& results = outcome.results;

    VariantScore score;
    score.variant = std::string(variant.name);
    score.profile = profile.path;
    if (!outcome.refused.empty()) score.collateral.push_back("no case could run: " + outcome.refused);
    const auto profile_name = std::filesystem::path(profile.path).stem().string();
    std::vector<const reference_homeserver::Kill*> kills;
    for (const auto& kill : variant.kills)
        if (spec::EditionRange::parse(kill.editions)->contains(edition) && suite::glob_match(std::string(kill.profiles), profile_name))
            kills.push_back(&kill);
    auto in_kill_set = [&](const std::string& id) {
        return std::any_of(kills.begin(), kills.end(), [&](const reference_homeserver::Kill* kill) {
            return suite::glob_match(std::string(kill->cases), id) &&
                   (kill->except.empty() || !suite::glob_match(std::string(kill->except), id));
        });
    };
    bool any_unjudged = false;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        any_unjudged = any_unjudged || result.verdict == Verdict::error || result.not_run;
        if (result.verdict == Verdict::skip) continue;
        ++score.cases_run;
        for (const auto& check : result.checks) {
            score.checks_run.insert(check_key(selected[i], check));
            if (check.verdict != Verdict::pass) score.checks_failed.insert(check_key(selected[i], check));
        }
        if (is_failure(result.verdict) || result.verdict == Verdict::warn) score.proven.push_back(proof_key(selected[i]));
        auto described = result.id + " (" + reports::to_string(result.verdict) + ")" +
                         (result.message.empty() ? "" : ": " + result.message);
        if (variant.behaviour == Behaviour::faulty && in_kill_set(result.id)) {
            const bool should = selected[i].instance.source->level == suite::Level::should;
            const bool caught = should ? result.verdict == Verdict::warn || is_failure(result.verdict) : is_failure(result.verdict);
            (caught ? score.killed : score.missed).push_back(caught ? result.id : described);
        } else if (!allowed_outside_kill_set(variant.behaviour, result.verdict)) {
            score.collateral.push_back(described);
        }
    }
    if (variant.behaviour == Behaviour::hostile && !any_unjudged)
        score.collateral.push_back("no case ended in an error or not run: the target was judged as if it could be");
    for (const auto* kill : kills) {
        std::string glob(kill->cases);
        bool used = std::any_of(results.begin(), results.end(), [&](const auto& result) {
            return result.verdict != Verdict::skip && suite::glob_match(glob, result.id);
        });
        if (!used) score.stale_globs.push_back(glob);
    }
    return score;
}

const std::vector<std::string>& builtin_profiles() {
    static const std::vector<std::string> names{"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration",
                                                  "builtin-no-3pid-msisdn"};
    return names;
}

MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report) {
    const auto templates = suite::load_cases(cases_dir);
    std::map<std::string, suite::Profile> profiles;
    auto profile_named = [&](const std::string& name) -> const suite::Profile& {
        auto found = profiles.find(name);
        if (found == profiles.end()) found = profiles.emplace(name, suite::load_profile(cases_dir + "/profiles/" + name + ".yaml")).first;
        return found->second;
    };
    for (const auto& name : builtin_profiles()) profile_named(name);

    MutationSummary summary;
    std::set<std::string> caught, checks_run, checks_failed;
    for (const auto& variant : reference_homeserver::variants()) {
        const auto judged_in = spec::EditionRange::parse(variant.editions);
        if (!judged_in) throw suite::ConfigError("reference_homeserver/variants", 0, "variant " + std::string(variant.name) +
                                                                                  " has an unreadable edition range");
        bool exact_everywhere = true, caught_somewhere = false;
        std::string tally;
        for (const auto& profile_view : variant.profiles) {
            const std::string profile_name(profile_view);
            const auto& profile = profile_named(profile_name);
            for (const auto& edition : editions) {
                if (!judged_in->contains(edition)) continue;
                auto score = score_variant(variant, templates, profile, edition);
                summary.collateral += score.collateral.size();
                caught.insert(score.proven.begin(), score.proven.end());
                checks_run.insert(score.checks_run.begin(), score.checks_run.end());
                if (variant.behaviour == Behaviour::faulty)
                    checks_failed.insert(score.checks_failed.begin(), score.checks_failed.end());
                exact_everywhere = exact_everywhere && score.exact();
                caught_somewhere = caught_somewhere || !score.killed.empty();
                tally += " " + edition.name() + (variant.profiles.size() > 1 ? "/" + profile_name : "") + ":" +
                         std::to_string(score.killed.size()) + "/" + std::to_string(score.cases_run);
                auto where = "    " + edition.name() + " " + profile_name + " ";
                for (const auto& id : score.missed) report(where + "missed: " + id);
                for (const auto& id : score.collateral) report(where + "wrong for this variant: " + id);
                for (const auto& glob : score.stale_globs) report(where + "kill-set glob matches no case: " + glob);
            }
        }
        bool ok = exact_everywhere;
        switch (variant.behaviour) {
            case Behaviour::faulty:
                ++summary.faulty;
                ok = ok && caught_somewhere;
                summary.detected += ok;
                break;
            case Behaviour::conformant:
                ++summary.conformant;
                summary.conformant_passed += ok;
                break;
            case Behaviour::hostile:
                ++summary.hostile;
                summary.hostile_proven += ok;
                break;
        }
        report(std::string(ok ? "ok      " : "FINDING ") + reference_homeserver::listed_name(variant) + " (failed/run:" + tally +
               ")" + (variant.behaviour == Behaviour::faulty && !caught_somewhere ? ": no case catches it" : ""));
    }
    // Every case (and every template behind an ID) that runs somewhere must be failed, or warned, somewhere.
    std::set<std::string> runs;
    for (const auto& edition : editions)
        for (const auto& [profile_name, profile] : profiles)
            for (const auto& selected : suite::select_cases(templates, edition, targets::as_planned(profile), {}))
                if (!selected.skip_reason) runs.insert(proof_key(selected));
    for (const auto& key : runs)
        if (!caught.count(key)) summary.unkilled.push_back(key);
    for (const auto& key : checks_run)
        if (!checks_failed.count(key)) summary.checks_never_failed.push_back(key);
    return summary;
}

}  // namespace mx3pid::proof
