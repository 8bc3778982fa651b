#include "proof/mutation.hpp"

#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <map>

#include "suite/check_plan.hpp"
#include "suite/config_error.hpp"
#include "engine/fixtures.hpp"
#include "engine/runner.hpp"
#include "proof/detail/kill_sets.hpp"
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

std::string joined(const std::set<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
}

/// What one variant's run shows, case by case, against the reference's.
class Scorer {
public:
    Scorer(const reference_homeserver::Variant& variant, const suite::Suite& suite, const suite::Profile& profile,
           const spec::Edition& edition)
        : variant_(variant), suite_(suite), profile_(profile), edition_(edition) {
        score_.variant = std::string(variant.name);
        score_.profile = profile.path;
    }

    VariantScore score(const std::vector<suite::SelectedCase>& selected, const std::vector<reports::CaseResult>& results,
                       const Baseline& baseline) {
        bool any_unjudged = false;
        for (std::size_t i = 0; i < results.size() && i < selected.size(); ++i) {
            const auto& result = results[i];
            any_unjudged = any_unjudged || result.verdict == Verdict::error || result.not_run;
            if (result.verdict == Verdict::skip) continue;
            ++score_.cases_run;
            tally_checks(selected[i], result);
            if (is_failure(result.verdict) || result.verdict == Verdict::warn) score_.proven.push_back(proof_key(selected[i]));
            const auto described = result.id + " (" + reports::to_string(result.verdict) + ")" +
                                   (result.message.empty() ? "" : ": " + result.message);
            switch (variant_.behaviour) {
                case Behaviour::faulty: judge_faulty(selected[i], result, i < baseline.size() ? &baseline[i] : nullptr, described); break;
                case Behaviour::conformant:
                    // One that declares sentences it misses misses SHOULDs only (checked in score_all): it is judged as a faulty one.
                    if (!variant_.kills.empty()) judge_faulty(selected[i], result, i < baseline.size() ? &baseline[i] : nullptr, described);
                    else if (result.verdict != Verdict::pass) score_.collateral.push_back(described);
                    break;
                case Behaviour::hostile:
                    if (is_failure(result.verdict) || result.verdict == Verdict::warn || result.verdict == Verdict::xpass)
                        score_.collateral.push_back(described);
                    break;
            }
        }
        if (variant_.behaviour == Behaviour::hostile && !any_unjudged)
            score_.collateral.push_back("no case ended in an error or not run: the target was judged as if it could be");
        if (!variant_.kills.empty()) find_unbroken_declarations();
        return score_;
    }

private:
    void tally_checks(const suite::SelectedCase& selected, const reports::CaseResult& result) {
        // The freedoms the case's checks cite where it runs, made or not (a check citing only freedoms is not made).
        const auto& endpoint = *selected.instance.endpoint;
        const suite::JudgedIn where{edition_, &endpoint, profile_.validation_for(endpoint.medium)};
        for (const auto& planned : suite::planned_checks(*selected.instance.source, edition_)) {
            auto resolved = suite_.catalogue.resolve(planned.cited, where);
            score_.freedoms_cited.insert(resolved.freedoms.begin(), resolved.freedoms.end());
            for (const auto& id : resolved.obligations)  // a sentence that binds and also frees (a freedom it states)
                if (suite_.catalogue.find(id)->is_freedom()) score_.freedoms_cited.insert(id);
        }
        for (const auto& check : result.checks) {
            if (check.level.empty()) continue;  // freed here: it cannot fail
            score_.checks_run.insert(check_key(selected, check));
            if (check.verdict != Verdict::pass) score_.checks_failed.insert(check_key(selected, check));
        }
    }

    /// A faulty variant's case: every failed check names a sentence the variant declares broken there,
    /// and the verdict is the level of those sentences. The declared sentences the case's checks cite
    /// (here or against the reference) are noted, to find those no check failed on.
    void judge_faulty(const suite::SelectedCase& selected, const reports::CaseResult& result, const reports::CaseResult* base,
                      const std::string& described) {
        const auto& endpoint = *selected.instance.endpoint;
        const suite::JudgedIn where{edition_, &endpoint, profile_.validation_for(endpoint.medium)};
        std::vector<std::size_t> entries;
        const auto declared = detail::declared_broken(variant_, suite_.catalogue, where, &entries);
        auto cited = detail::cited_by(result);
        if (base) {
            auto more = detail::cited_by(*base);
            cited.insert(more.begin(), more.end());
        }
        // A declaration of every sentence ("*", an endpoint the variant lacks) names no sentence in particular.
        const bool everything = std::any_of(entries.begin(), entries.end(), [&](std::size_t i) {
            const auto& names = variant_.kills[i].sentences;
            return std::find(names.begin(), names.end(), "*") != names.end();
        });
        if (!everything && result.verdict != Verdict::not_implemented)
            for (const auto& id : declared)
                if (cited.count(id)) cited_declared_.emplace(id, result.id);
        std::set<std::string> explained;
        bool failed_check = false;
        for (const auto& check : result.checks) {
            if (check.verdict == Verdict::pass || check.level == reports::advice_level) continue;
            failed_check = true;
            std::set<std::string> named;
            for (const auto& id : check.sentences)
                if (declared.count(id)) named.insert(id);
            if (named.empty()) {
                score_.collateral.push_back(result.id + ": " + check.name + " fails, breaking " +
                                            joined({check.sentences.begin(), check.sentences.end()}) +
                                            ", which the variant does not declare");
                continue;
            }
            explained.insert(named.begin(), named.end());
        }
        score_.sentences_broken.insert(explained.begin(), explained.end());
        note_kills_used(entries, explained);
        const bool failing = is_failure(result.verdict) || result.verdict == Verdict::warn;
        if (!failing) {
            if (result.verdict != Verdict::pass) score_.collateral.push_back(described);
            return;
        }
        // A case the endpoint's absence makes NOIMP before it is asked has no checks, and a 5xx fails a
        // case whose checks all passed: either way the variant must declare something broken there.
        const bool server_error = std::any_of(result.exchanges.begin(), result.exchanges.end(),
                                              [](const reports::HttpExchange& e) { return e.status && *e.status >= 500; });
        const bool unexplained = !(result.verdict == Verdict::not_implemented || server_error) || declared.empty();
        if (!failed_check && unexplained) {
            score_.collateral.push_back(described + " [no failed check names a declared sentence]");
            return;
        }
        auto expected = detail::expected_verdict(explained, explained, suite_.catalogue);
        // The judge fails a case that got a 5xx whatever the level of the checks it broke.
        if (!failed_check || server_error) expected = detail::Expected::fail;
        if (detail::meets(expected, result.verdict)) score_.killed.push_back(result.id);
        else score_.collateral.push_back(described + " [the sentences it breaks ask for " + detail::to_string(expected) + "]");
    }

    /// Declared sentences some check of the run cited, yet no failed check named: a declaration (or
    /// a check) that does not hold. Call once the run's cases are judged.
    void find_unbroken_declarations() {
        std::map<std::string, std::vector<std::string>> unbroken;
        for (const auto& [id, case_id] : cited_declared_)
            if (!score_.sentences_broken.count(id)) unbroken[id].push_back(case_id);
        for (const auto& [id, cases] : unbroken) {
            std::string where;
            for (std::size_t i = 0; i < cases.size() && i < 3; ++i) where += (i ? ", " : "") + cases[i];
            score_.missed.push_back(id + " (declared broken; cited by " + where + (cases.size() > 3 ? ", …" : "") +
                                    "; no check failed on it)");
        }
    }

    void note_kills_used(const std::vector<std::size_t>& entries, const std::set<std::string>& broken) {
        for (auto index : entries)
            for (auto pattern : variant_.kills[index].sentences)
                for (const auto* sentence : suite_.catalogue.matching(pattern))
                    if (broken.count(sentence->id)) score_.kills_used.insert(index);
    }

    std::multimap<std::string, std::string> cited_declared_;  ///< declared sentence → a case whose checks cite it
    const reference_homeserver::Variant& variant_;
    const suite::Suite& suite_;
    const suite::Profile& profile_;
    const spec::Edition& edition_;
    VariantScore score_;
};

/// The findings and tallies of one variant over every profile and edition it is judged in.
struct VariantTally {
    bool exact = true;
    bool caught = false;
    std::set<std::string> sentences_broken, freedoms_cited;
    std::set<std::size_t> kills_used;
    std::vector<spec::Edition> editions;
    std::string text;
};

/// The editions named, and the built-in profiles read once.
class Scoring {
public:
    Scoring(const std::string& cases_dir, std::vector<spec::Edition> editions)
        : cases_dir_(cases_dir), suite_(suite::load_suite(cases_dir)), editions_(std::move(editions)) {
        for (const auto& name : builtin_profiles()) profile(name);
    }

    const suite::Suite& suite() const { return suite_; }
    const std::vector<spec::Edition>& editions() const { return editions_; }
    const std::map<std::string, suite::Profile>& profiles() const { return profiles_; }

    const suite::Profile& profile(const std::string& name) {
        auto found = profiles_.find(name);
        if (found == profiles_.end())
            found = profiles_.emplace(name, suite::load_profile(cases_dir_ + "/profiles/" + name + ".yaml")).first;
        return found->second;
    }

    /// The reference's results under this profile and edition, run once.
    const Baseline& baseline(const std::string& profile_name, const spec::Edition& edition) {
        auto key = profile_name + "@" + edition.name();
        auto found = baselines_.find(key);
        if (found != baselines_.end()) return found->second;
        const auto& chosen = profile(profile_name);
        auto selected = suite::select_cases(suite_.templates, edition, targets::as_planned(chosen), {});
        return baselines_.emplace(key, run_variant(reference_homeserver::reference(), selected, chosen, edition, suite_.catalogue))
            .first->second;
    }

private:
    std::string cases_dir_;
    suite::Suite suite_;
    std::vector<spec::Edition> editions_;
    std::map<std::string, suite::Profile> profiles_;
    std::map<std::string, Baseline> baselines_;
};

VariantTally tally_variant(const reference_homeserver::Variant& variant, Scoring& scoring, MutationSummary& summary,
                           std::set<std::string>& caught, std::set<std::string>& checks_run, std::set<std::string>& checks_failed,
                           const std::function<void(const std::string&)>& report) {
    const auto judged_in = spec::EditionRange::parse(variant.editions);
    if (!judged_in)
        throw suite::ConfigError("reference_homeserver/variants", 0,
                                 "variant " + std::string(variant.name) + " has an unreadable edition range");
    VariantTally tally;
    for (const auto& profile_view : variant.profiles) {
        const std::string profile_name(profile_view);
        const auto& profile = scoring.profile(profile_name);
        for (const auto& edition : scoring.editions()) {
            if (!judged_in->contains(edition)) continue;
            const auto& baseline = scoring.baseline(profile_name, edition);
            const auto selected = suite::select_cases(scoring.suite().templates, edition, targets::as_planned(profile), {});
            std::string refused;
            const auto results = &variant == &reference_homeserver::reference()
                                     ? baseline
                                     : run_variant(variant, selected, profile, edition, scoring.suite().catalogue, &refused);
            auto score = Scorer(variant, scoring.suite(), profile, edition).score(selected, results, baseline);
            if (!refused.empty()) score.collateral.push_back("no case could run: " + refused);
            summary.collateral += score.collateral.size();
            caught.insert(score.proven.begin(), score.proven.end());
            checks_run.insert(score.checks_run.begin(), score.checks_run.end());
            if (variant.behaviour == Behaviour::faulty) checks_failed.insert(score.checks_failed.begin(), score.checks_failed.end());
            tally.exact = tally.exact && score.exact();
            tally.caught = tally.caught || !score.killed.empty();
            tally.sentences_broken.insert(score.sentences_broken.begin(), score.sentences_broken.end());
            tally.freedoms_cited.insert(score.freedoms_cited.begin(), score.freedoms_cited.end());
            tally.kills_used.insert(score.kills_used.begin(), score.kills_used.end());
            if (std::find(tally.editions.begin(), tally.editions.end(), edition) == tally.editions.end()) tally.editions.push_back(edition);
            tally.text += " " + edition.name() + (variant.profiles.size() > 1 ? "/" + profile_name : "") + ":" +
                          std::to_string(score.killed.size()) + "/" + std::to_string(score.cases_run);
            const auto where = "    " + edition.name() + " " + profile_name + " ";
            for (const auto& id : score.missed) report(where + "missed: " + id);
            for (const auto& id : score.collateral) report(where + "wrong for this variant: " + id);
        }
    }
    return tally;
}

void note_stale_kills(const reference_homeserver::Variant& variant, const VariantTally& tally, MutationSummary& summary,
                      const std::function<void(const std::string&)>& report) {
    if (variant.kills.empty() || tally.editions.empty()) return;
    for (std::size_t i = 0; i < variant.kills.size(); ++i) {
        if (tally.kills_used.count(i)) continue;
        std::string names;
        for (auto pattern : variant.kills[i].sentences) names += (names.empty() ? "" : ", ") + std::string(pattern);
        summary.stale_kills.push_back(std::string(variant.name) + ": " + names);
        report("    kill entry names no case judged in any scored edition: " + std::string(variant.name) + ": " + names);
    }
}

/// A conformant variant may declare sentences it misses only when none is a MUST: its cases then warn.
bool misses_shoulds_only(const reference_homeserver::Variant& variant, const suite::Catalogue& catalogue,
                         const std::function<void(const std::string&)>& report) {
    bool ok = true;
    for (const auto& kill : variant.kills)
        for (auto pattern : kill.sentences)
            for (const auto* sentence : catalogue.matching(pattern))
                if (sentence->binds()) {
                    report("    a conformant variant declares a MUST it misses: " + std::string(variant.name) + ": " + sentence->id);
                    ok = false;
                }
    return ok;
}

bool holds_in_any(const suite::SentenceRecord& sentence, const std::vector<spec::Edition>& editions) {
    return std::any_of(editions.begin(), editions.end(), [&](const spec::Edition& e) { return sentence.holds_in(e); });
}

/// Which freedoms some conformant variant that passed uses, and which MUST sentences a detected
/// faulty variant broke.
void tally_sentences(const Scoring& scoring, const std::set<std::string>& broken,
                     const std::vector<std::pair<const reference_homeserver::Variant*, VariantTally>>& passed_conformant,
                     MutationSummary& summary) {
    for (const auto& sentence : scoring.suite().catalogue.sentences()) {
        const bool scored = holds_in_any(sentence, scoring.editions());
        if (sentence.is_obligation() && sentence.binds()) {
            if (!scored) summary.must_unscored.push_back(sentence.id);
            else if (++summary.must_sentences, !broken.count(sentence.id)) summary.must_unbroken.push_back(sentence.id);
        }
        if (!sentence.is_freedom() || !scored) continue;
        ++summary.freedoms;
        bool used = std::any_of(passed_conformant.begin(), passed_conformant.end(), [&](const auto& entry) {
            const auto& [variant, tally] = entry;
            bool named = std::any_of(variant->uses.begin(), variant->uses.end(), [&](std::string_view pattern) {
                return fnmatch(std::string(pattern).c_str(), sentence.id.c_str(), 0) == 0;
            });
            bool there = holds_in_any(sentence, tally.editions);
            return named && there && (!sentence.untestable.empty() || tally.freedoms_cited.count(sentence.id));
        });
        if (!used) summary.freedoms_unused.push_back(sentence.id);
    }
}

}  // namespace

std::string MutationSummary::line() const {
    return "mutation score: " + std::to_string(detected) + "/" + std::to_string(faulty) + " faulty variants detected, " +
           std::to_string(conformant_passed) + "/" + std::to_string(conformant) + " conformant variants passed, " +
           std::to_string(collateral) + " collateral failures, " + std::to_string(checks_never_failed.size()) +
           " checks never seen failing, " + std::to_string(freedoms - freedoms_unused.size()) + "/" + std::to_string(freedoms) +
           " freedoms used by a conformant variant, " + std::to_string(must_sentences - must_unbroken.size()) + "/" +
           std::to_string(must_sentences) + " MUST sentences broken by a faulty variant";
}

std::vector<reports::CaseResult> run_variant(const reference_homeserver::Variant& variant, const std::vector<suite::SelectedCase>& selected,
                                             const suite::Profile& profile, const spec::Edition& edition,
                                             const suite::Catalogue& catalogue, std::string* refused) {
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
    auto prepared = profile;
    auto cases = selected;
    auto setup = targets::set_up_fixtures(context, prepared, cases);
    if (!setup.refused.empty()) {
        if (refused) *refused = setup.refused;
        return {};
    }
    engine::Environment environment{target.homeserver_url(), edition, prepared, catalogue, target.identity(), target.decoy(),
                                    target.mailbox(), net::Client(), fixtures};
    environment.grace = grace;
    return engine::run_cases(cases, environment);
}

VariantScore score_variant(const reference_homeserver::Variant& variant, const suite::Suite& suite, const suite::Profile& profile,
                           const spec::Edition& edition, const Baseline& baseline) {
    const auto selected = suite::select_cases(suite.templates, edition, targets::as_planned(profile), {});
    std::string refused;
    const auto results = run_variant(variant, selected, profile, edition, suite.catalogue, &refused);
    auto score = Scorer(variant, suite, profile, edition).score(selected, results, baseline);
    if (!refused.empty()) score.collateral.push_back("no case could run: " + refused);
    return score;
}

const std::vector<std::string>& builtin_profiles() {
    static const std::vector<std::string> names{"builtin",        "builtin-delegate",       "builtin-self",
                                                "builtin-enumeration", "builtin-no-3pid-msisdn", "builtin-oauth-only"};
    return names;
}

const std::vector<std::string>& default_editions() {
    static const std::vector<std::string> names{"r0.3.0", "r0.4.0", "r0.5.0", "r0.6.1", "v1.11", "v1.13", "v1.19"};
    return names;
}

MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report, const std::string& only) {
    Scoring scoring(cases_dir, editions);
    MutationSummary summary;
    std::set<std::string> caught, checks_run, checks_failed, broken;
    std::vector<std::pair<const reference_homeserver::Variant*, VariantTally>> passed_conformant;
    for (const auto& variant : reference_homeserver::variants()) {
        if (!only.empty() && fnmatch(only.c_str(), std::string(variant.name).c_str(), 0) != 0) continue;
        auto tally = tally_variant(variant, scoring, summary, caught, checks_run, checks_failed, report);
        note_stale_kills(variant, tally, summary, report);
        bool ok = tally.exact;
        switch (variant.behaviour) {
            case Behaviour::faulty:
                ++summary.faulty;
                ok = ok && tally.caught;
                summary.detected += ok;
                if (ok) broken.insert(tally.sentences_broken.begin(), tally.sentences_broken.end());
                break;
            case Behaviour::conformant:
                ++summary.conformant;
                ok = ok && misses_shoulds_only(variant, scoring.suite().catalogue, report);
                summary.conformant_passed += ok;
                if (ok) passed_conformant.emplace_back(&variant, tally);
                break;
            case Behaviour::hostile:
                ++summary.hostile;
                summary.hostile_proven += ok;
                break;
        }
        report(std::string(ok ? "ok      " : "FINDING ") + reference_homeserver::listed_name(variant) + " (failed/run:" + tally.text +
               ")" + (variant.behaviour == Behaviour::faulty && !tally.caught ? ": no case catches it" : ""));
    }
    if (!only.empty()) return summary;
    // Every case (and every template behind an ID) that runs somewhere must be failed, or warned, somewhere.
    std::set<std::string> runs;
    for (const auto& edition : editions)
        for (const auto& [profile_name, profile] : scoring.profiles())
            for (const auto& selected : suite::select_cases(scoring.suite().templates, edition, targets::as_planned(profile), {}))
                if (!selected.skip_reason) runs.insert(proof_key(selected));
    for (const auto& key : runs)
        if (!caught.count(key)) summary.unkilled.push_back(key);
    for (const auto& key : checks_run)
        if (!checks_failed.count(key)) summary.checks_never_failed.push_back(key);
    tally_sentences(scoring, broken, passed_conformant, summary);
    return summary;
}

}  // namespace mx3pid::proof
