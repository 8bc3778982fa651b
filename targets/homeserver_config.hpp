#pragma once
// The homeserver's side of a target profile, in the server's own configuration language, so that
// ports and policy match by making (`mx3pid homeserver-config`, cli/homeserver_config_command.hpp).
#include <iosfwd>
#include <string>
#include <vector>

#include "suite/profile.hpp"

namespace mx3pid::targets {

/// The servers whose settings mx3pid knows: "synapse", "dendrite", "continuwuity".
const std::vector<std::string>& configurable_servers();

/// The settings for `server` matching `profile` (whose listen addresses are final). Throws
/// ConfigError when the profile asks for something the server cannot be told.
std::string homeserver_config(const std::string& server, const suite::Profile& profile);

}  // namespace mx3pid::targets
