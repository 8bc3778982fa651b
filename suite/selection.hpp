#pragma once
#include <optional>
#include <string>
#include <vector>

#include "suite/case_model.hpp"
#include "suite/profile.hpp"

namespace mx3pid::suite {

struct SelectedCase {
    Case instance;
    std::optional<std::string> skip_reason;  ///< set when the case cannot apply
    /// Set before the run when the case applies but cannot be asked (a fixture error): it is
    /// reported as not run, for this reason.
    std::optional<std::string> not_run_reason;
};

/// The cases a run executes, in endpoint order: one per case ID, the template whose editions
/// contain `edition` (or, when none does, a skip saying why), narrowed by `filters` (globs on IDs;
/// empty means all).
std::vector<SelectedCase> select_cases(const std::vector<CaseTemplate>& templates, const spec::Edition& edition,
                                       const Profile& profile, const std::vector<std::string>& filters);

/// Why `instance` does not run in `edition` because of the profile's legacy_api, if it does not.
std::optional<std::string> legacy_api_skip_reason(const Case& instance, const Profile& profile, const spec::Edition& edition);

/// Why `instance` cannot run against this profile, if it cannot.
std::optional<std::string> profile_skip_reason(const Case& instance, const Profile& profile);

}  // namespace mx3pid::suite
