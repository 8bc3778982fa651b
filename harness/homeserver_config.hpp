#pragma once
// `mx3pid homeserver-config SERVER --profile FILE`: the homeserver's side of a target profile,
// printed in the server's own configuration language, so that ports and policy match by making.
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/profile.hpp"

namespace CLI {
class App;
}

namespace mx3pid::harness {

/// The servers whose settings mx3pid knows: "synapse", "dendrite", "continuwuity".
const std::vector<std::string>& configurable_servers();

/// The settings for `server` matching `profile` (whose listen addresses are final). Throws
/// ConfigError when the profile asks for something the server cannot be told.
std::string homeserver_config(const std::string& server, const Profile& profile);

struct HomeserverConfigCommand {
    std::string server;
    std::string profile;
    CLI::App* command = nullptr;  ///< parsed: the subcommand was given
};

/// Adds the `homeserver-config` subcommand to `app`, filling `options` when parsed.
void add_homeserver_config_command(CLI::App& app, HomeserverConfigCommand& options);

/// Runs the parsed subcommand: prints the settings, or an error naming the profile's file and line (exit 2).
int run_homeserver_config(const HomeserverConfigCommand& options, std::ostream& out, std::ostream& err);

}  // namespace mx3pid::harness
