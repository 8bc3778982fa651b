#include "net/client.hpp"

#include <map>
#include <mutex>

#include "net/detail/connection.hpp"

namespace mx3pid::net {

using namespace detail;

const char* to_string(TransportError error) {
    switch (error) {
        case TransportError::bad_url: return "bad URL";
        case TransportError::resolve_failed: return "name not resolved";
        case TransportError::connect_failed: return "connection failed";
        case TransportError::timeout: return "timed out";
        case TransportError::tls_failed: return "TLS failed";
        case TransportError::connection_closed: return "connection closed";
        case TransportError::malformed_response: return "malformed response";
        case TransportError::response_too_large: return "response too large";
    }
    return "transport error";
}

struct Client::Impl {
    ClientOptions options;
    std::mutex mutex;  // guards the members below
    std::map<std::string, std::unique_ptr<Connection>> idle;  // by origin
    std::optional<Outcome<std::shared_ptr<ssl::context>>> tls;  // made at the first https request

    explicit Impl(ClientOptions o) : options(std::move(o)) {}

    Outcome<std::shared_ptr<ssl::context>> tls_context() {
        std::lock_guard lock(mutex);
        if (!tls) tls.emplace(make_client_context(options));
        return *tls;
    }

    /// The idle connection to `origin`, if there is one that still looks usable.
    std::unique_ptr<Connection> take(const std::string& origin) {
        std::unique_ptr<Connection> connection;
        {
            std::lock_guard lock(mutex);
            auto found = idle.find(origin);
            if (found == idle.end()) return nullptr;
            connection = std::move(found->second);
            idle.erase(found);
        }
        if (connection->stale()) return nullptr;
        return connection;
    }

    void keep(const std::string& origin, std::unique_ptr<Connection> connection) {
        std::lock_guard lock(mutex);
        std::swap(idle[origin], connection);  // the older one, if any, closes on the way out
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

Outcome<Response> Client::send(const Url& base, Request request) {
    std::shared_ptr<ssl::context> tls;
    if (base.tls()) {
        auto context = impl_->tls_context();
        if (!context) return context.failure();
        tls = *context;
    }
    const std::string origin = base.origin();
    auto connection = impl_->take(origin);
    const bool reused = connection != nullptr;
    if (!connection) {
        auto opened = Connection::open(base, impl_->options, tls);
        if (!opened) return opened.failure();
        connection = std::move(*opened);
    }
    auto exchange = connection->exchange(base, request, true, impl_->options);
    if (reused && exchange.silent) {
        connection.reset();
        auto opened = Connection::open(base, impl_->options, tls);
        if (!opened) return opened.failure();
        connection = std::move(*opened);
        exchange = connection->exchange(base, request, true, impl_->options);
    }
    if (exchange.reusable) impl_->keep(origin, std::move(connection));
    return std::move(*exchange.outcome);
}

void Client::close_idle() {
    std::map<std::string, std::unique_ptr<Connection>> closing;
    std::lock_guard lock(impl_->mutex);
    closing.swap(impl_->idle);
}

Outcome<Response> send(const Url& base, Request request, const ClientOptions& options) {
    std::shared_ptr<ssl::context> tls;
    if (base.tls()) {
        auto context = make_client_context(options);
        if (!context) return context.failure();
        tls = *context;
    }
    auto opened = Connection::open(base, options, tls);
    if (!opened) return opened.failure();
    auto exchange = (*opened)->exchange(base, request, false, options);
    return std::move(*exchange.outcome);
}

}  // namespace mx3pid::net
