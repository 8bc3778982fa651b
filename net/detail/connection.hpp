#pragma once
#include <memory>
#include <optional>

#include "net/client.hpp"
#include "net/detail/tls_context.hpp"

namespace mx3pid::net::detail {

/// One client connection, plain or TLS, with an io_context of its own: it can wait idle in a pool
/// and be driven, one exchange at a time, by whichever thread takes it next.
class Connection {
public:
    /// Resolves, connects and, when `tls` is given, completes the handshake, within connect_timeout.
    static Outcome<std::unique_ptr<Connection>> open(const Url& url, const ClientOptions& options,
                                                    std::shared_ptr<ssl::context> tls);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    struct Exchange {
        std::optional<Outcome<Response>> outcome;
        bool reusable = false;  ///< complete, keep-alive on both sides, length-delimited, nothing left over
        bool silent = false;    ///< failed because the peer closed before a single byte of response came
    };

    /// Sends one request and reads its response, within read_timeout.
    Exchange exchange(const Url& url, const Request& request, bool keep_alive, const ClientOptions& options);

    /// True when, while idle, the peer closed the connection or sent something nobody asked for.
    bool stale();

private:
    explicit Connection(std::shared_ptr<ssl::context> tls);

    template <class Stream>
    asio::awaitable<void> exchange_on(Stream& stream, http::request<http::string_body>& message,
                                      const ClientOptions& options, Exchange& result);
    asio::awaitable<void> connect(const Url& url, const ClientOptions& options, std::optional<TransportFailure>& failure);
    tcp::socket& socket();

    asio::io_context io_;  // first: the streams below must go before it
    std::shared_ptr<ssl::context> tls_context_;
    std::optional<beast::tcp_stream> plain_;
    std::optional<TlsStream> tls_;
};

}  // namespace mx3pid::net::detail
