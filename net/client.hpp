#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "net/message.hpp"
#include "net/result.hpp"
#include "net/url.hpp"

namespace mx3pid::net {

struct ClientOptions {
    std::chrono::milliseconds connect_timeout{5000};  ///< to resolve, connect and finish the TLS handshake
    std::chrono::milliseconds read_timeout{10000};  ///< for the whole response, from the end of sending
    std::size_t max_response_bytes = 8 << 20;
    /// https: a PEM bundle to trust instead of the system trust store. Unreadable or without a
    /// certificate, every https request fails with tls_failed.
    std::string ca_file;
    /// https: no certificate or host name verification at all.
    bool insecure = false;
};

/// Sends requests over HTTP/1.1 or HTTPS (TLS 1.2+, SNI, certificate and host name verification),
/// keeping at most one idle keep-alive connection per origin (scheme, host and port) for the next
/// request. Thread-safe: concurrent sends to one origin use separate connections.
class Client {
public:
    explicit Client(ClientOptions options = {});
    ~Client();
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;

    /// Sends `request` to the origin of `base` (request.target is sent as given) and waits, bounded
    /// by the options, for the whole response. A connection is kept for reuse only when both sides
    /// spoke keep-alive and the response was delimited by its length. When a reused connection is
    /// closed by the server before a single byte of the response arrives (a keep-alive race), the
    /// request is sent once more on a fresh connection; no other failure is retried. Never throws
    /// for anything the peer does.
    Outcome<Response> send(const Url& base, Request request);

    void close_idle();  ///< drops every idle connection

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Sends `request` on a fresh connection that is closed afterwards (`Connection: close`); as
/// Client::send otherwise. Never throws for anything the peer does.
Outcome<Response> send(const Url& base, Request request, const ClientOptions& options = {});

}  // namespace mx3pid::net
