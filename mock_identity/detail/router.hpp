#pragma once
// The identity-service API as a function from (state, request) to response, free of sockets.
#include <string>

#include "mock_identity/detail/state.hpp"
#include "net/message.hpp"
#include "net/server.hpp"

namespace mx3pid::mock_identity::detail {

/// Answers one request and records it, with the status answered, in `state`. Never throws.
net::Response handle(State& state, const net::Request& request);

/// How the mock listens: small bodies and a bounded number of connections.
net::ServerOptions server_options(const std::string& host, unsigned short port);

}  // namespace mx3pid::mock_identity::detail
