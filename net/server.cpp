#include "net/server.hpp"

#include "net/detail/listener.hpp"

namespace mx3pid::net {

using namespace detail;

struct Server::Impl {
    Handler handler;
    ServerOptions options;
    Listener listener;  // last: it stops the threads before the members above go

    Impl(Handler h, ServerOptions o)
        : handler(std::move(h)), options(std::move(o)), listener(options.host, options.port, options.max_connections) {}

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

    asio::awaitable<void> write(beast::tcp_stream& stream, const Response& response, bool keep_alive,
                                unsigned version, beast::error_code& ec) {
        http::response<http::string_body> out{static_cast<http::status>(response.status), version};
        for (const auto& [name, value] : response.headers) out.insert(name, value);
        out.body() = response.body;
        out.keep_alive(keep_alive);
        out.prepare_payload();
        stream.expires_after(options.idle_timeout);
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        beast::error_code ec;
        const std::string peer = peer_of(stream.socket());
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(options.max_body_bytes);
            parser.header_limit(16 * 1024);
            stream.expires_after(options.idle_timeout);
            co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == http::error::body_limit) {
                co_await write(stream, refuse(413, "M_TOO_LARGE", "request body too large"), false, 11, ec);
                break;
            }
            if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
                ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
                break;
            if (ec) {
                co_await write(stream, refuse(400, "M_UNKNOWN", "malformed HTTP request"), false, 11, ec);
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
            co_await write(stream, response, keep_alive, in.version(), ec);
            if (ec || !keep_alive) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.socket().close(ec);
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
std::string Server::base_url() const { return "http://" + authority(); }

}  // namespace mx3pid::net
