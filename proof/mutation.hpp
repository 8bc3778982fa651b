#pragma once
// The proof of mx3pid's verdicts: the suite against each built-in variant. A faulty variant must
// fail exactly its kill set; a conformant one (a freedom the spec gives) must pass everything; a
// hostile one must end in errors, never in failures. Every case, and every check in every case
// template, must be seen failing against some faulty variant.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "suite/case_model.hpp"
#include "suite/profile.hpp"
#include "reference_homeserver/variants.hpp"
#include "spec/edition.hpp"

namespace mx3pid::proof {

struct VariantScore {
    std::string variant;
    std::string profile;
    std::size_t cases_run = 0;            ///< not skipped
    std::vector<std::string> killed;      ///< kill-set cases that failed (or warned, or were NOIMP), as they must
    std::vector<std::string> missed;      ///< kill-set cases that did not fail (with their verdict)
    std::vector<std::string> collateral;  ///< cases that ended as the variant's behaviour forbids (a stray WARN too)
    std::vector<std::string> stale_globs; ///< kill-set globs that match no case run in this edition
    std::vector<std::string> proven;      ///< "case@file:line" of every case it failed or warned
    std::set<std::string> checks_run;     ///< "file:line kind: check" of every check judged
    std::set<std::string> checks_failed;  ///< the same, for every check that did not pass

    bool exact() const { return missed.empty() && stale_globs.empty() && collateral.empty(); }
};

/// Runs the whole suite in-process against one built-in variant under `profile` and `edition`.
VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<suite::CaseTemplate>& templates,
                           const suite::Profile& profile, const spec::Edition& edition);

struct MutationSummary {
    std::size_t faulty = 0;            ///< faulty variants scored
    std::size_t detected = 0;          ///< of them, those that failed exactly their kill set everywhere, and something somewhere
    std::size_t conformant = 0;        ///< conformant variants scored (the reference among them)
    std::size_t conformant_passed = 0; ///< of them, those that passed everything everywhere
    std::size_t hostile = 0;
    std::size_t hostile_proven = 0;    ///< of them, those that ended in errors and no failure
    std::size_t collateral = 0;        ///< cases that ended wrongly for their variant, over all runs
    /// "case@file:line": runs under some built-in profile and scored edition, yet no variant makes it fail or warn.
    std::vector<std::string> unkilled;
    /// "file:line kind: check": judged in some run, yet failed by no faulty variant.
    std::vector<std::string> checks_never_failed;

    bool perfect() const {
        return detected == faulty && conformant_passed == conformant && hostile_proven == hostile && collateral == 0 &&
               unkilled.empty() && checks_never_failed.empty();
    }
    /// "mutation score: K/K faulty variants detected, C/C conformant variants passed, N collateral failures, M checks never seen failing"
    std::string line() const;
};

/// The built-in profiles, each a mode of the reference homeserver; the reference runs under all.
const std::vector<std::string>& builtin_profiles();

/// Scores every variant in every edition it is judged in; `report` gets one line per finding and
/// one per variant. Throws ConfigError when the cases or a profile cannot be read.
MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report);

}  // namespace mx3pid::proof
