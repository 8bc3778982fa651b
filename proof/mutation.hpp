#pragma once
// The proof of mx3pid's verdicts: the suite against each built-in variant. A faulty variant
// declares the sentences it breaks, and where (reference_homeserver/variants.hpp): every check that
// fails against it must name one of them (its kill set is the cases whose failures they explain),
// each case must end at the level of the sentences it breaks, and each declared sentence that some
// check cites in a run must be named by a failed check there.
// A conformant variant (a freedom the spec gives, which it names) must pass everything; a hostile
// one must end in errors, never in failures. Every case, and every check in every case template,
// must be seen failing against some faulty variant; every testable MUST sentence must be broken by
// one, and every freedom used by a conformant one.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "suite/case_model.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"
#include "reference_homeserver/variants.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::proof {

struct VariantScore {
    std::string variant;
    std::string profile;
    std::size_t cases_run = 0;            ///< not skipped
    std::vector<std::string> killed;      ///< cases whose failures the declared sentences explain, at their level
    std::vector<std::string> missed;      ///< declared sentences cited in the run that no failed check named
    std::vector<std::string> collateral;  ///< a failed check naming no declared sentence, a wrong level, a stray failure
    std::vector<std::string> proven;      ///< "case@file:line" of every case it failed or warned
    std::set<std::string> checks_run;     ///< "file:line kind: check" of every check judged that tests an obligation
    std::set<std::string> checks_failed;  ///< the same, for every check that did not pass
    std::set<std::string> sentences_broken;  ///< declared sentences a failed check named
    std::set<std::string> freedoms_cited;    ///< freedoms the run's checks cited
    std::set<std::size_t> kills_used;        ///< kill entries that put some case in the kill set

    bool exact() const { return missed.empty() && collateral.empty(); }
};

/// The reference's results for the same cases, profile and edition: which checks a conformant
/// server's answers lead to.
using Baseline = std::vector<reports::CaseResult>;

/// Runs `selected` in-process against `variant` under `profile` and `edition`, after the run's
/// fixtures are made and checked as a command-line run makes and checks them. No results when the
/// fixtures could not be set up; `refused` (when given) then says why.
std::vector<reports::CaseResult> run_variant(const reference_homeserver::Variant& variant, const std::vector<suite::SelectedCase>& selected,
                                             const suite::Profile& profile, const spec::Edition& edition,
                                             const suite::Catalogue& catalogue, std::string* refused = nullptr);

/// Scores one variant under one profile and edition against the reference's `baseline` there.
VariantScore score_variant(const reference_homeserver::Variant& variant, const suite::Suite& suite, const suite::Profile& profile,
                           const spec::Edition& edition, const Baseline& baseline);

struct MutationSummary {
    std::size_t faulty = 0;            ///< faulty variants scored
    std::size_t detected = 0;          ///< of them, those that broke exactly what they declare everywhere, and something somewhere
    std::size_t conformant = 0;        ///< conformant variants scored (the reference among them)
    std::size_t conformant_passed = 0; ///< of them, those that passed everything everywhere
    std::size_t hostile = 0;
    std::size_t hostile_proven = 0;    ///< of them, those that ended in errors and no failure
    std::size_t collateral = 0;        ///< cases that ended wrongly for their variant, over all runs
    /// "case@file:line": runs under some built-in profile and scored edition, yet no variant makes it fail or warn.
    std::vector<std::string> unkilled;
    /// "file:line kind: check": judged in some run, yet failed by no faulty variant.
    std::vector<std::string> checks_never_failed;
    std::size_t freedoms = 0;          ///< MAY sentences and freedoms holding in a scored edition
    std::vector<std::string> freedoms_unused;  ///< of them, those no conformant variant that passed uses
    std::size_t must_sentences = 0;    ///< testable MUST and schema sentences holding in a scored edition
    std::vector<std::string> must_unbroken;    ///< of them, those no detected faulty variant breaks
    /// Testable MUST and schema sentences holding in no scored edition: the score cannot see them.
    std::vector<std::string> must_unscored;
    std::vector<std::string> stale_kills;      ///< "variant: sentences": kill entries that never named a case

    bool perfect() const {
        return detected == faulty && conformant_passed == conformant && hostile_proven == hostile && collateral == 0 &&
               unkilled.empty() && checks_never_failed.empty() && freedoms_unused.empty() && must_unbroken.empty() &&
               must_unscored.empty() && stale_kills.empty();
    }
    /// "mutation score: K/K faulty variants detected, C/C conformant variants passed, N collateral failures,
    /// M checks never seen failing, F/F freedoms used by a conformant variant, S/S MUST sentences broken by a faulty variant"
    std::string line() const;
};

/// The built-in profiles, each a mode of the reference homeserver; the reference runs under all.
const std::vector<std::string>& builtin_profiles();

/// The editions scored when none are given: every edition a sentence's range starts or ends at is
/// represented, so that each testable MUST sentence holds in one of them.
const std::vector<std::string>& default_editions();

/// Scores every variant in every edition it is judged in; `report` gets one line per finding and
/// one per variant. Throws ConfigError when the cases or a profile cannot be read.
/// `only`, when not empty, is a glob over variant names: the others are not scored (nor are the
/// whole-suite findings, which need them all, then made).
MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report, const std::string& only = "");

}  // namespace mx3pid::proof
