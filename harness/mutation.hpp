#pragma once
// The proof of mx3pid's verdicts: the suite against each built-in variant must fail exactly the
// variant's kill set, and pass everything against the reference.
#include <string>
#include <vector>

#include "harness/case_model.hpp"
#include "harness/profile.hpp"
#include "reference_homeserver/variants.hpp"
#include "spec/edition.hpp"

namespace mx3pid::harness {

struct VariantScore {
    std::string variant;
    std::size_t cases_run = 0;
    std::vector<std::string> killed;      ///< kill-set cases that failed, as they must
    std::vector<std::string> missed;      ///< kill-set cases that did not fail (with their verdict)
    std::vector<std::string> collateral;  ///< cases outside the kill set that failed or erred
    std::vector<std::string> warned;      ///< SHOULD-level cases the variant broke (a warning, not a failure)
    std::vector<std::string> stale_globs; ///< kill-set globs that match no case run in this edition

    /// This edition gives the variant something to fail.
    bool has_kills() const { return !killed.empty() || !missed.empty(); }
    /// Every kill-set case failed, and every kill-set glob matched a case run.
    bool exact() const { return missed.empty() && stale_globs.empty() && collateral.empty(); }
};

/// Runs the whole suite in-process against one built-in variant, judged under `edition`.
VariantScore score_variant(const reference_homeserver::Variant& variant, const std::vector<CaseTemplate>& templates,
                           const Profile& profile, const spec::Edition& edition);

}  // namespace mx3pid::harness
