#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mx3pid::net {

/// One connection's protocol, driven by StreamServer: bytes in, bytes out, no sockets.
/// A conversation is used by one connection only, never from two threads at once.
class Conversation {
public:
    virtual ~Conversation() = default;
    virtual std::string greeting() = 0;                       ///< sent on connect; may be empty
    virtual std::string receive(std::string_view bytes) = 0;  ///< bytes as they arrive → bytes to send back
    virtual bool finished() const = 0;                        ///< true: close after sending the last reply
};

/// Makes the conversation for a new connection; `peer` is "address:port". May run on any server thread.
using ConversationFactory = std::function<std::unique_ptr<Conversation>(const std::string& peer)>;

struct StreamServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  ///< 0: the kernel picks a free port
    std::size_t max_connections = 32;  ///< connections beyond this are closed as soon as accepted
    std::chrono::milliseconds idle_timeout{30000};  ///< a connection silent this long is closed
    int threads = 1;
};

/// A TCP server on Asio coroutines, one coroutine per connection, bounded in connection count and
/// idle time. Binds in the constructor (throws std::system_error on failure) and serves until destroyed.
/// A conversation that throws has its connection closed; the server goes on.
class StreamServer {
public:
    explicit StreamServer(ConversationFactory factory, StreamServerOptions options = {});
    ~StreamServer();
    StreamServer(const StreamServer&) = delete;
    StreamServer& operator=(const StreamServer&) = delete;

    const std::string& host() const;
    unsigned short port() const;
    std::string authority() const;  ///< "host:port"

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::net
