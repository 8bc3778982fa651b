#pragma once
// Reading a requestToken call the way the identity-service API asks for it (see request_reading.hpp).
#include <optional>
#include <string>
#include <string_view>

#include "mock_identity/detail/body.hpp"
#include "mock_identity/request_reading.hpp"
#include "net/message.hpp"

namespace mx3pid::mock_identity::detail {

struct PresentedToken {
    std::string value;
    bool in_query = false;
};

/// The access token from an `Authorization: Bearer` header, else from the `access_token` query parameter.
std::optional<PresentedToken> presented_token(const net::Request& request);

/// Does the path name a requestToken endpoint, of any API version or none?
bool names_request_token(std::string_view path);

RequestTokenReading read_request_token(const net::Request& request, const Body& body);

}  // namespace mx3pid::mock_identity::detail
