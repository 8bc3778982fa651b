#include "net/server.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "net/detail/asio.hpp"

namespace mx3pid::net {

using namespace detail;

struct Server::Impl {
    Handler handler;
    ServerOptions options;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::atomic<std::size_t> open_connections{0};
    std::vector<std::thread> threads;
    std::string host;
    unsigned short port = 0;

    Impl(Handler h, ServerOptions o) : handler(std::move(h)), options(std::move(o)) {}

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
        std::string peer;
        {
            auto endpoint = stream.socket().remote_endpoint(ec);
            if (!ec) peer = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
        }
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

    asio::awaitable<void> accept_loop() {
        for (;;) {
            beast::error_code ec;
            tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            if (open_connections.load() >= options.max_connections) {
                socket.close(ec);
                continue;
            }
            ++open_connections;
            asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)),
                           [this](std::exception_ptr) { --open_connections; });
        }
    }
};

Server::Server(Handler handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(handler), std::move(options))) {
    auto& impl = *impl_;
    tcp::endpoint endpoint(asio::ip::make_address(impl.options.host), impl.options.port);
    impl.acceptor.open(endpoint.protocol());
    impl.acceptor.set_option(asio::socket_base::reuse_address(true));
    impl.acceptor.bind(endpoint);
    impl.acceptor.listen();
    impl.host = impl.options.host;
    impl.port = impl.acceptor.local_endpoint().port();
    asio::co_spawn(impl.io, impl.accept_loop(), asio::detached);
    int count = impl.options.threads < 1 ? 1 : impl.options.threads;
    for (int i = 0; i < count; ++i) impl.threads.emplace_back([&impl] { impl.io.run(); });
}

Server::~Server() {
    impl_->io.stop();
    for (auto& thread : impl_->threads) thread.join();
}

const std::string& Server::host() const { return impl_->host; }
unsigned short Server::port() const { return impl_->port; }

std::string Server::authority() const {
    bool v6 = impl_->host.find(':') != std::string::npos;
    return (v6 ? "[" + impl_->host + "]" : impl_->host) + ":" + std::to_string(impl_->port);
}

std::string Server::base_url() const { return "http://" + authority(); }

}  // namespace mx3pid::net
