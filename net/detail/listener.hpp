#pragma once
// What every server in net shares: a bound acceptor, an accept loop with a connection limit,
// and the threads that run it. The protocol is the `serve` coroutine each server hands in.
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "net/detail/asio.hpp"

namespace mx3pid::net::detail {

class Listener {
public:
    using Serve = std::function<asio::awaitable<void>(tcp::socket)>;

    /// Binds and listens; throws std::system_error when it cannot.
    Listener(const std::string& host, unsigned short port, std::size_t max_connections);
    /// Stops accepting and serving, and joins the threads.
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// Starts accepting on `threads` threads; each connection runs `serve`, within the limit.
    void start(Serve serve, int threads);

    const std::string& host() const { return host_; }
    unsigned short port() const { return port_; }
    std::string authority() const;  ///< "host:port", IPv6 hosts in brackets

private:
    asio::awaitable<void> accept_loop();

    asio::io_context io_;
    tcp::acceptor acceptor_{io_};
    std::size_t max_connections_;
    std::atomic<std::size_t> open_connections_{0};
    Serve serve_;
    std::vector<std::thread> threads_;
    std::string host_;
    unsigned short port_ = 0;
};

/// "address:port" of the remote end, or empty when the socket no longer knows it.
std::string peer_of(const tcp::socket& socket);

}  // namespace mx3pid::net::detail
