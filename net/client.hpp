#pragma once
#include <chrono>
#include <cstddef>

#include "net/message.hpp"
#include "net/result.hpp"
#include "net/url.hpp"

namespace mx3pid::net {

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds read_timeout{10000};  ///< for the whole response, from the end of sending
    std::size_t max_response_bytes = 8 << 20;
};

/// Sends `request` to the origin of `base` (request.target is sent as given) over a fresh connection
/// and waits, bounded by the options, for the whole response. Never throws for anything the peer does.
Outcome<Response> send(const Url& base, Request request, const ClientOptions& options = {});

}  // namespace mx3pid::net
