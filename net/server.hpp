#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/message.hpp"
#include "net/tls.hpp"

namespace mx3pid::net {

/// Turns one parsed request into its response. Runs on one of the server's threads; it may block
/// (the reference homeserver calls the identity server from inside it). An exception becomes a 500.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  ///< 0: the kernel picks a free port
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_connections = 64;
    std::chrono::milliseconds idle_timeout{10000};  ///< also bounds each TLS handshake
    int threads = 2;
    /// Set: HTTPS only. A client that does not complete a TLS handshake is dropped without an answer.
    std::optional<TlsIdentity> tls = std::nullopt;
};

/// An HTTP/1.1 server on Asio coroutines, one coroutine per connection, bounded in body size,
/// connection count and idle time. Binds in the constructor (throws std::system_error on failure)
/// and serves until destroyed; an unusable `tls` identity throws std::runtime_error.
class Server {
public:
    Server(Handler handler, ServerOptions options = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    const std::string& host() const;
    unsigned short port() const;
    std::string authority() const;  ///< "host:port"
    std::string base_url() const;   ///< "http://host:port", or "https://host:port" with TLS

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::net
