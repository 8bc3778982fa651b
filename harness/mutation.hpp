#pragma once
// The proof of mx3pid's verdicts: the suite against each built-in variant must fail exactly the
// variant's kill set, the reference must pass everything in every mode, and every case must be
// failed by some variant.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "harness/case_model.hpp"
#include "harness/profile.hpp"
#include "reference_homeserver/variants.hpp"
#include "spec/edition.hpp"

namespace mx3pid::harness {

struct VariantScore {
    std::string variant;
    std::string profile;
    std::size_t cases_run = 0;            ///< not skipped
    std::vector<std::string> killed;      ///< kill-set cases that failed, as they must
    std::vector<std::string> missed;      ///< kill-set cases that did not fail (with their verdict)
    std::vector<std::string> collateral;  ///< cases that ended as the variant's behaviour forbids
    std::vector<std::string> warned;      ///< SHOULD-level cases the variant broke (a warning, not a failure)
    std::vector<std::string> stale_globs; ///< kill-set globs that match no case run in this edition
    std::vector<std::string> proven;      ///< "case@file:line" of every case (and template) it failed or warned

    bool exact() const { return missed.empty() && stale_globs.empty() && collateral.empty(); }
};

/// Runs the whole suite in-process against one built-in variant under `profile` and `edition`.
VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<CaseTemplate>& templates,
                           const Profile& profile, const spec::Edition& edition);

struct MutationSummary {
    std::size_t variants = 0;    ///< faulty variants scored
    std::size_t detected = 0;    ///< faulty variants that failed exactly their kill set in every edition, and something somewhere
    std::size_t collateral = 0;  ///< cases that ended wrongly for their variant, over all runs
    std::size_t not_proven = 0;  ///< conformant or hostile variants that did not behave so
    /// "case@file:line": runs under some built-in profile and scored edition, yet no variant makes it fail or warn.
    std::vector<std::string> unkilled;

    bool perfect() const { return detected == variants && collateral == 0 && not_proven == 0 && unkilled.empty(); }
};

/// The built-in profiles, each a mode of the reference homeserver; the reference runs under all.
const std::vector<std::string>& builtin_profiles();

/// Scores every variant in every edition; `report` gets one line per finding and one per variant.
/// Throws ConfigError when the cases or a profile cannot be read.
MutationSummary score_all(const std::string& cases_dir, const std::vector<spec::Edition>& editions,
                          const std::function<void(const std::string&)>& report);

}  // namespace mx3pid::harness
