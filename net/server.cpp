#include "net/server.hpp"

#include <array>

#include "net/detail/listener.hpp"
#include "net/detail/tls_context.hpp"

namespace mx3pid::net {

using namespace detail;

namespace {

/// How long a TLS connection waits for the peer's close_notify before it is closed all the same.
constexpr std::chrono::seconds tls_shutdown_timeout{1};

bool peer_went_away(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted || is_tls_error(ec);
}

}  // namespace

struct Server::Impl {
    Handler handler;
    ServerOptions options;
    std::shared_ptr<ssl::context> tls;
    Listener listener;  // last: it stops the threads before the members above go

    Impl(Handler h, ServerOptions o)
        : handler(std::move(h)),
          options(std::move(o)),
          tls(options.tls ? make_server_context(*options.tls) : nullptr),
          listener(options.host, options.port, options.max_connections) {}

    Response answer(const Request& request) {
        try {
            return handler(request);
        } catch (const std::exception& e) {
            return Response::json(500, R"({"errcode":"M_UNKNOWN","error":"internal error"})");
        }
    }

    static Response refuse(int status, const char* errcode, const char* error) {
        return Response::json(status, std::string(R"({"errcode":")") + errcode + R"(","error":")" + error + "\"}");
    }

    template <class Stream>
    asio::awaitable<void> write(Stream& stream, const Response& response, bool keep_alive, unsigned version,
                                beast::error_code& ec) {
        http::response<http::string_body> out{static_cast<http::status>(response.status), version};
        for (const auto& [name, value] : response.headers) out.insert(name, value);
        out.body() = response.body;
        out.keep_alive(keep_alive);
        out.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(options.idle_timeout);
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    }

    /// Reads and drops what a refused client is still sending (at most 16 MiB, for at most 2 s), so that
    /// closing with unread data does not reset the connection and destroy the answer just written.
    template <class Stream>
    asio::awaitable<void> drain(Stream& stream) {
        std::array<char, 64 * 1024> sink;
        std::size_t dropped = 0;
        beast::error_code ec;
        beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
        while (!ec && dropped < (16u << 20)) {
            std::size_t n = co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
            dropped += n;
        }
    }

    /// Answers requests until the peer or an error ends the conversation. (Each co_await stands alone in
    /// its statement: g++ 12 mishandles some temporaries that live across one.)
    template <class Stream>
    asio::awaitable<void> converse(Stream& stream, const std::string& peer) {
        beast::flat_buffer buffer;
        beast::error_code ec;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.max_body_bytes);
            parser.header_limit(16 * 1024);
            beast::get_lowest_layer(stream).expires_after(options.idle_timeout);
            co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == http::error::body_limit) {
                const Response too_large = refuse(413, "M_TOO_LARGE", "request body too large");
                co_await write(stream, too_large, false, 11, ec);
                if (!ec) co_await drain(stream);
                break;
            }
            if (peer_went_away(ec)) break;
            if (ec) {
                const Response malformed = refuse(400, "M_UNKNOWN", "malformed HTTP request");
                co_await write(stream, malformed, false, 11, ec);
                break;
            }
            auto& in = parser.get();
            Request request;
            request.method = std::string(in.method_string());
            request.target = std::string(in.target());
            request.headers = copy_headers(in);
            request.body = std::move(in.body());
            request.peer = peer;
            bool keep_alive = in.keep_alive();
            Response response = answer(request);
            const unsigned version = in.version();
            co_await write(stream, response, keep_alive, version, ec);
            if (ec || !keep_alive) break;
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        const std::string peer = peer_of(socket);
        beast::error_code ec;
        if (!tls) {
            beast::tcp_stream stream(std::move(socket));
            co_await converse(stream, peer);
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            stream.socket().close(ec);
            co_return;
        }
        TlsStream stream(std::move(socket), *tls);
        auto& tcp = beast::get_lowest_layer(stream);
        tcp.expires_after(options.idle_timeout);
        co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            co_await converse(stream, peer);
            tcp.expires_after(tls_shutdown_timeout);
            co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        }
        tcp.socket().close(ec);
    }
};

Server::Server(Handler handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {
    impl_->listener.start([impl = impl_.get()](tcp::socket socket) { return impl->serve(std::move(socket)); },
                          impl_->options.threads);
}

Server::~Server() = default;

const std::string& Server::host() const { return impl_->listener.host(); }
unsigned short Server::port() const { return impl_->listener.port(); }
std::string Server::authority() const { return impl_->listener.authority(); }
std::string Server::base_url() const { return (impl_->tls ? "https://" : "http://") + authority(); }

}  // namespace mx3pid::net
