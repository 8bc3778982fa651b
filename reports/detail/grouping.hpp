#pragma once
// The shape shared by the JUnit suites and the Markdown matrix: endpoints and kinds in order of
// first appearance, which is the order the runner selected the cases in.
#include <string>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports::detail {

/// The case's endpoint key; when the runner left it empty, the id without its last segment.
std::string endpoint_of(const CaseResult& result);
/// The case's kind; when the runner left it empty, the id's last segment (never empty).
std::string kind_of(const CaseResult& result);

struct EndpointGroup {
    std::string endpoint;
    std::vector<const CaseResult*> cases;
};

std::vector<EndpointGroup> group_by_endpoint(const std::vector<CaseResult>& cases);
std::vector<std::string> kinds_in_order(const std::vector<CaseResult>& cases);

Counts tally(const std::vector<const CaseResult*>& cases);
double total_seconds(const std::vector<const CaseResult*>& cases);

}  // namespace mx3pid::reports::detail
