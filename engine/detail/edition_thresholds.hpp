#pragma once
// The editions at which the judge's own code asks something else (the catalogue's sentences aside,
// which say for themselves where they hold). Every comparison of the edition a check is judged in
// goes through here, so that judging_classes() knows each of them: two editions on the same side
// of every threshold, holding the same sentences, judge any answer alike.
#include <cstddef>
#include <string_view>
#include <vector>

#include "spec/edition.hpp"

namespace mx3pid::engine::detail {

enum class Threshold : std::size_t {
    submit_url,           ///< a 200 may carry submit_url
    identity_v2,          ///< the identity service's v2 API (and its access token)
    identity_v1_removed,  ///< the identity service's v1 API is gone
    v1_cors_headers,      ///< the v1 list of headers CORS must allow
    retry_after_header,   ///< a 429 carries a Retry-After header
};

/// The edition where `threshold` starts, and what changes there.
struct ThresholdInfo {
    Threshold threshold;
    std::string_view edition;
    std::string_view what;
};
const std::vector<ThresholdInfo>& thresholds();

/// `edition` is at or past `threshold`.
bool since(const spec::Edition& edition, Threshold threshold);

}  // namespace mx3pid::engine::detail
