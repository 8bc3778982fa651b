#include "reports/detail/grouping.hpp"

#include <algorithm>

namespace mx3pid::reports::detail {

std::string endpoint_of(const CaseResult& result) {
    if (!result.endpoint.empty()) return result.endpoint;
    const auto slash = result.id.rfind('/');
    if (slash == std::string::npos || slash == 0) return "other";
    return result.id.substr(0, slash);
}

std::string kind_of(const CaseResult& result) {
    if (!result.kind.empty()) return result.kind;
    const auto slash = result.id.rfind('/');
    std::string kind = slash == std::string::npos ? result.id : result.id.substr(slash + 1);
    return kind.empty() ? "unnamed" : kind;
}

std::vector<EndpointGroup> group_by_endpoint(const std::vector<CaseResult>& cases) {
    std::vector<EndpointGroup> groups;
    for (const auto& result : cases) {
        auto endpoint = endpoint_of(result);
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const EndpointGroup& g) { return g.endpoint == endpoint; });
        if (group == groups.end()) {
            groups.push_back({std::move(endpoint), {}});
            group = std::prev(groups.end());
        }
        group->cases.push_back(&result);
    }
    return groups;
}

std::vector<std::string> kinds_in_order(const std::vector<CaseResult>& cases) {
    std::vector<std::string> kinds;
    for (const auto& result : cases) {
        auto kind = kind_of(result);
        if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(std::move(kind));
    }
    return kinds;
}

Counts tally(const std::vector<const CaseResult*>& cases) {
    Counts counts;
    for (const auto* result : cases) counts.add(*result);
    return counts;
}

double total_seconds(const std::vector<const CaseResult*>& cases) {
    double seconds = 0;
    for (const auto* result : cases) seconds += seconds_between(result->started, result->finished);
    return seconds;
}

}  // namespace mx3pid::reports::detail
