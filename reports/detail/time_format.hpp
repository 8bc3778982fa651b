#pragma once
// Time as the reports print it: always UTC, never the local zone, never the locale.
#include <string>

#include "reports/run_result.hpp"

namespace mx3pid::reports::detail {

/// "2024-05-01T12:00:00.123Z"
std::string iso8601_ms(Clock::time_point time);

/// "2024-05-01T12:00:00": the JUnit timestamp (UTC, no zone, no fraction).
std::string junit_timestamp(Clock::time_point time);

/// "0.012": seconds with three decimals, as JUnit's time attributes want them.
std::string decimal_seconds(double seconds);

}  // namespace mx3pid::reports::detail
