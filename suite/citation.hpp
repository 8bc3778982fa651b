#pragma once
// Citations users can open: a case's `spec:` entries become links to the public, rendered spec of the
// edition that says it, and to the same place in the edition judged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suite/case_model.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::suite {

/// Why a case file's citation cannot be made a link (an unknown section, one its edition does not
/// have), or nothing when it can.
std::optional<std::string> citation_problem(const Citation& citation);

/// One citation for `endpoint`: `edition`, `section`, `url` where the rule comes from; `judged_edition`
/// and `judged_url` the same place in `judged` (empty when it is the same edition, or `judged` has no
/// such section).
reports::SpecRef cite(const Citation& citation, const spec::Endpoint& endpoint, const spec::Edition& judged);

/// Every citation of the case, in the case file's order. The runner calls it when it starts a case.
std::vector<reports::SpecRef> cite(const Case& instance, const spec::Edition& judged);

}  // namespace mx3pid::suite
