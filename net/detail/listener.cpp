#include "net/detail/listener.hpp"

#include <system_error>

namespace mx3pid::net::detail {

Listener::Listener(const std::string& host, unsigned short port, std::size_t max_connections)
    : max_connections_(max_connections), host_(host) {
    try {
        tcp::endpoint endpoint(asio::ip::make_address(host), port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
    } catch (const boost::system::system_error& e) {
        throw std::system_error(e.code().value(), std::system_category(), e.what());
    }
}

Listener::~Listener() {
    io_.stop();
    for (auto& thread : threads_) thread.join();
}

void Listener::start(Serve serve, int threads) {
    serve_ = std::move(serve);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) threads_.emplace_back([this] { io_.run(); });
}

std::string Listener::authority() const {
    bool v6 = host_.find(':') != std::string::npos;
    return (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

asio::awaitable<void> Listener::accept_loop() {
    for (;;) {
        beast::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) continue;
        if (open_connections_.load() >= max_connections_) {
            socket.close(ec);
            continue;
        }
        ++open_connections_;
        asio::co_spawn(acceptor_.get_executor(), serve_(std::move(socket)),
                       [this](std::exception_ptr) { --open_connections_; });
    }
}

std::string peer_of(const tcp::socket& socket) {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    return ec ? std::string() : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace mx3pid::net::detail
