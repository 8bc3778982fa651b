#pragma once
#include <iosfwd>

namespace mx3pid::cli {

/// Exit codes of the mx3pid command. A run's own outcome takes the first that applies of 1, 5, 6, 0.
enum ExitCode : int {
    exit_conformant = 0,      ///< every case passed, warned, was skipped or xfailed
    exit_not_conformant = 1,  ///< a FAIL, NOIMP or XPASS (with --strict also a WARN): fix the server
    exit_usage = 2,           ///< a bad flag or file, a port that cannot be bound, a report that cannot be written
    exit_untestable = 3,      ///< the target could not be tested at all: unreachable, TLS, no known edition, fixtures
    exit_no_case = 4,         ///< the filter selected no case
    exit_not_judged = 5,      ///< no failure, but some case is an ERROR: fix the set-up
    exit_incomplete = 6,      ///< no failure or error, but some case was not run (with --strict also skipped)
    exit_interrupted = 130,   ///< SIGINT or SIGTERM: the reports hold the cases finished so far
};

/// The whole mx3pid command: parses argv, runs, writes reports, returns the exit code.
/// Console output goes to `out`, diagnostics to `err`.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mx3pid::cli
