#include "engine/detail/edition_thresholds.hpp"

#include <stdexcept>

namespace mx3pid::engine::detail {

const std::vector<ThresholdInfo>& thresholds() {
    static const std::vector<ThresholdInfo> all{
        {Threshold::submit_url, "r0.5.0", "a 200 may carry submit_url"},
        {Threshold::identity_v2, "r0.6.0", "the identity service's v2 API"},
        {Threshold::identity_v1_removed, "v1.1", "the identity service's v1 API removed"},
        {Threshold::v1_cors_headers, "v1.1", "the v1 list of CORS headers"},
        {Threshold::retry_after_header, "v1.10", "a 429 carries Retry-After"},
    };
    return all;
}

bool since(const spec::Edition& edition, Threshold threshold) {
    static const auto starts = [] {
        std::vector<spec::Edition> editions;
        for (const auto& info : thresholds()) {
            if (static_cast<std::size_t>(info.threshold) != editions.size()) throw std::logic_error("thresholds() out of order");
            editions.push_back(*spec::Edition::parse(info.edition));
        }
        return editions;
    }();
    return !(edition < starts.at(static_cast<std::size_t>(threshold)));
}

}  // namespace mx3pid::engine::detail
