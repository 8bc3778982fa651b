#include "reports/detail/time_format.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace mx3pid::reports::detail {
namespace {

std::string date_time(Clock::time_point time, bool with_millis) {
    using namespace std::chrono;
    const auto millis = floor<milliseconds>(time);
    const auto day = floor<days>(millis);
    const year_month_day date{day};
    const hh_mm_ss clock{millis - day};
    char buffer[40];
    const int year = static_cast<int>(date.year());
    const auto month = static_cast<unsigned>(date.month());
    const auto mday = static_cast<unsigned>(date.day());
    const auto hours = static_cast<long>(clock.hours().count());
    const auto minutes = static_cast<long>(clock.minutes().count());
    const auto secs = static_cast<long>(clock.seconds().count());
    if (with_millis)
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", year, month, mday, hours,
                      minutes, secs, static_cast<long>(clock.subseconds().count()));
    else
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld", year, month, mday, hours, minutes,
                      secs);
    return buffer;
}

}  // namespace

std::string iso8601_ms(Clock::time_point time) { return date_time(time, true); }

std::string junit_timestamp(Clock::time_point time) { return date_time(time, false); }

std::string decimal_seconds(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed, 3);
    if (result.ec != std::errc{}) return "0.000";
    return std::string(buffer, result.ptr);
}

}  // namespace mx3pid::reports::detail
