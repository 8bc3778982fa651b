#pragma once
// A run that ends before its first case: why, and what to do about it. Its reports hold one ERROR
// entry (`run/start`) that says both, so a CI page shows the reason rather than a missing file.
#include <string>

#include "net/result.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::cli {

struct Stop {
    int code;            ///< an ExitCode: 2, 3, 4 or 130
    std::string reason;  ///< one sentence: "cannot test http://…: connect failed: Connection refused"
    std::string fix;     ///< one sentence: what to change; may be empty
    /// "mx3pid: REASON; FIX": the one line printed on standard error.
    std::string line() const;
};

/// What to do when the homeserver could not be asked at all.
std::string fix_for(net::TransportError error);

/// The result of a run that never reached its cases: one ERROR entry naming the reason and the fix.
reports::RunResult run_that_could_not_start(const Stop& stop, const std::string& target, const std::string& edition,
                                            const std::string& profile);

}  // namespace mx3pid::cli
