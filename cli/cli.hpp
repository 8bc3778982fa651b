#pragma once
#include <iosfwd>

namespace mx3pid::cli {

/// Exit codes of the mx3pid command (DESIGN.md "CLI contract").
enum ExitCode : int {
    exit_conformant = 0,
    exit_not_conformant = 1,
    exit_usage = 2,
    exit_untestable = 3,
    exit_no_case = 4,
    exit_incomplete = 6,  ///< nothing failed, but some cases were not run (a fixture error)
    exit_interrupted = 130,  ///< SIGINT or SIGTERM: the reports hold the cases finished so far
};

/// The whole mx3pid command: parses argv, runs, writes reports, returns the exit code.
/// Console output goes to `out`, diagnostics to `err`.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mx3pid::cli
