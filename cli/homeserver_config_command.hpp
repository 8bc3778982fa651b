#pragma once
// `mx3pid homeserver-config SERVER --profile FILE`: prints target/homeserver_config.hpp's settings.
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace mx3pid::cli {

struct HomeserverConfigCommand {
    std::string server;
    std::string profile;
    CLI::App* command = nullptr;  ///< parsed: the subcommand was given
};

/// Adds the `homeserver-config` subcommand to `app`, filling `options` when parsed.
void add_homeserver_config_command(CLI::App& app, HomeserverConfigCommand& options);

/// Runs the parsed subcommand: prints the settings, or an error naming the profile's file and line (exit 2).
int run_homeserver_config(const HomeserverConfigCommand& options, std::ostream& out, std::ostream& err);

}  // namespace mx3pid::cli
