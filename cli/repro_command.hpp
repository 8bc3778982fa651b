#pragma once
// `mx3pid repro CASE-ID --homeserver URL …`: one case on its own, verbosely, with the mocks it needs
// started by mx3pid; then its curl line, and (with --hold) the mocks kept running to paste it.
#include <iosfwd>
#include <string>

#include "cli/interrupt_guard.hpp"
#include "cli/options.hpp"
#include "reports/run_result.hpp"

namespace CLI {
class App;
}

namespace mx3pid::cli {

struct ReproCommand {
    std::string case_id;
    double hold_seconds = 0;
    CLI::App* command = nullptr;  ///< parsed: the subcommand was given
};

/// Adds the `repro` subcommand; the run's flags (--homeserver, --profile, --spec, …) may follow it.
void add_repro_command(CLI::App& app, ReproCommand& repro);

/// The run's options for a reproduction: only that case (by its exact ID), every check printed.
void prepare_repro(const ReproCommand& repro, Options& options);

/// After the case: its curl line and where the mocks listen; with --hold, keeps them (and a built-in
/// homeserver) running for that long or until interrupted.
void finish_repro(const ReproCommand& repro, const reports::RunResult& run, const std::string& homeserver,
                  const std::string& identity, const InterruptGuard& interrupts, std::ostream& out);

}  // namespace mx3pid::cli
