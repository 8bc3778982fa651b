#include "cli/homeserver_config_command.hpp"

#include <ostream>

#include <CLI/CLI.hpp>

#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "targets/homeserver_config.hpp"

namespace mx3pid::cli {

void add_homeserver_config_command(CLI::App& app, HomeserverConfigCommand& options) {
    options.command = app.add_subcommand(
        "homeserver-config", "print the homeserver settings that match a profile (ports, policy, rate limits, registration)");
    options.command->add_option("server", options.server, "synapse, dendrite or continuwuity")
        ->required()
        ->check(CLI::IsMember(targets::configurable_servers()));
    options.command->add_option("--profile", options.profile, "the target profile mx3pid will be run with")
        ->required()
        ->check(CLI::ExistingFile);
}

int run_homeserver_config(const HomeserverConfigCommand& options, std::ostream& out, std::ostream& err) {
    try {
        auto profile = suite::load_profile(options.profile);
        suite::use_standard_ports(profile);
        out << targets::homeserver_config(options.server, profile);
        return 0;
    } catch (const suite::ConfigError& e) {
        err << "mx3pid: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace mx3pid::cli
