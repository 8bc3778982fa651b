#include "cli/repro_command.hpp"

#include <chrono>
#include <ostream>
#include <thread>

#include <CLI/CLI.hpp>

namespace mx3pid::cli {

void add_repro_command(CLI::App& app, ReproCommand& repro) {
    repro.command = app.add_subcommand(
        "repro", "run one case on its own, verbosely, with the mock identity server and mail sink it needs, and print its curl line");
    repro.command->add_option("case", repro.case_id, "the case ID, e.g. register/email/denied")->required();
    repro.command->add_option("--hold", repro.hold_seconds,
                              "keep the mocks (and a built-in homeserver) running for SECONDS after the case, or until Ctrl-C, to "
                              "paste the curl line")
        ->check(CLI::Range(0.0, 3600.0));
    repro.command->fallthrough();
}

void prepare_repro(const ReproCommand& repro, Options& options) {
    options.filters = {repro.case_id};
    options.excludes.clear();
    options.verbose = true;
    options.quiet = false;
    options.fail_fast = false;
}

void finish_repro(const ReproCommand& repro, const reports::RunResult& run, const std::string& homeserver,
                  const std::string& identity, const InterruptGuard& interrupts, std::ostream& out) {
    for (const auto& result : run.cases) {
        if (result.curl.empty()) continue;
        out << "\ncurl line of " << result.id << " (its first request; the homeserver is " << homeserver
            << ", the mock identity server " << identity << "):\n"
            << result.curl << "\n";
    }
    if (repro.hold_seconds <= 0) {
        out << "\nthe mocks stop when mx3pid exits: mx3pid repro " << repro.case_id
            << " --hold SECONDS … keeps them running while you paste the curl line\n";
        return;
    }
    out << "\nholding the mocks for " << repro.hold_seconds << " s (Ctrl-C ends it)\n" << std::flush;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(repro.hold_seconds * 1000));
    while (!interrupts.interrupted() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

}  // namespace mx3pid::cli
