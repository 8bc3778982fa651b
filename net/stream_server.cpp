#include "net/stream_server.hpp"

#include <array>

#include "net/detail/listener.hpp"

namespace mx3pid::net {

using namespace detail;

struct StreamServer::Impl {
    ConversationFactory factory;
    StreamServerOptions options;
    Listener listener;  // last: it stops the threads before the members above go

    Impl(ConversationFactory f, StreamServerOptions o)
        : factory(std::move(f)), options(std::move(o)), listener(options.host, options.port, options.max_connections) {}

    asio::awaitable<void> write(beast::tcp_stream& stream, const std::string& bytes, beast::error_code& ec) {
        if (bytes.empty()) co_return;
        stream.expires_after(options.idle_timeout);
        co_await asio::async_write(stream, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
    }

    asio::awaitable<void> talk(beast::tcp_stream& stream, Conversation& conversation) {
        // Each co_await stands alone in its statement: g++ 12 mishandles some temporaries that live across one.
        beast::error_code ec;
        std::string reply = conversation.greeting();
        co_await write(stream, reply, ec);
        std::array<char, 4096> chunk;
        while (!ec && !conversation.finished()) {
            stream.expires_after(options.idle_timeout);
            std::size_t n = co_await stream.async_read_some(asio::buffer(chunk),
                                                            asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            reply = conversation.receive(std::string_view(chunk.data(), n));
            co_await write(stream, reply, ec);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::error_code ec;
        const std::string peer = peer_of(stream.socket());
        try {
            auto conversation = factory(peer);
            if (conversation) co_await talk(stream, *conversation);
        } catch (const std::exception&) {
            // The conversation failed; closing this connection is all there is to do.
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.socket().close(ec);
    }
};

StreamServer::StreamServer(ConversationFactory factory, StreamServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(factory), std::move(options))) {
    impl_->listener.start([impl = impl_.get()](tcp::socket socket) { return impl->serve(std::move(socket)); },
                          impl_->options.threads);
}

StreamServer::~StreamServer() = default;

const std::string& StreamServer::host() const { return impl_->listener.host(); }
unsigned short StreamServer::port() const { return impl_->listener.port(); }
std::string StreamServer::authority() const { return impl_->listener.authority(); }

}  // namespace mx3pid::net
