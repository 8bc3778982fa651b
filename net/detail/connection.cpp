#include "net/detail/connection.hpp"

#include <poll.h>

namespace mx3pid::net::detail {
namespace {

std::string in_ms(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

/// "host:port" with the port always shown, IPv6 hosts in brackets.
std::string endpoint_of(const Url& url) {
    const bool v6 = url.host.find(':') != std::string::npos;
    return (v6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port);
}

bool closed_by_peer(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == ssl::error::stream_truncated;
}

TransportFailure failure_from(const beast::error_code& ec, bool response_started, const ClientOptions& options) {
    if (ec == beast::error::timeout)
        return {TransportError::timeout, "no complete answer within " + in_ms(options.read_timeout)};
    if (ec == http::error::body_limit || ec == http::error::header_limit)
        return {TransportError::response_too_large,
                "response larger than " + std::to_string(options.max_response_bytes) + " bytes"};
    if (closed_by_peer(ec))
        return {TransportError::connection_closed,
                response_started ? "connection closed in the middle of the response"
                                 : "connection closed before any response"};
    if (ec.category() == http::make_error_code(http::error::bad_version).category())
        return {TransportError::malformed_response, "not a valid HTTP response (" + ec.message() + ")"};
    if (is_tls_error(ec)) return {TransportError::tls_failed, "TLS error: " + ec.message()};
    return {TransportError::connection_closed, ec.message()};
}

/// Runs `task` to completion on `io`, on the calling thread.
void run(asio::io_context& io, asio::awaitable<void> task) {
    std::exception_ptr failure;
    io.restart();
    asio::co_spawn(io, std::move(task), [&failure](std::exception_ptr error) { failure = error; });
    io.run();
    if (failure) std::rethrow_exception(failure);
}

http::request<http::string_body> message_for(const Url& url, const Request& request, bool keep_alive) {
    http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
    if (message.method() == http::verb::unknown) message.method_string(request.method);
    message.set(http::field::host, url.authority());
    message.set(http::field::user_agent, "mx3pid");
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = request.body;
    if (!request.header("Connection")) message.keep_alive(keep_alive);
    message.prepare_payload();
    return message;
}

}  // namespace

Connection::Connection(std::shared_ptr<ssl::context> tls) : tls_context_(std::move(tls)) {
    if (tls_context_)
        tls_.emplace(io_, *tls_context_);
    else
        plain_.emplace(io_);
}

Connection::~Connection() = default;

tcp::socket& Connection::socket() { return tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket(); }

Outcome<std::unique_ptr<Connection>> Connection::open(const Url& url, const ClientOptions& options,
                                                      std::shared_ptr<ssl::context> tls) {
    std::unique_ptr<Connection> connection(new Connection(std::move(tls)));
    std::optional<TransportFailure> failure;
    try {
        run(connection->io_, connection->connect(url, options, failure));
    } catch (const std::exception& e) {
        failure = TransportFailure{TransportError::connect_failed, std::string("unexpected failure: ") + e.what()};
    }
    if (failure) return std::move(*failure);
    return connection;
}

asio::awaitable<void> Connection::connect(const Url& url, const ClientOptions& options,
                                          std::optional<TransportFailure>& failure) {
    auto executor = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(executor);
    const std::string service = std::to_string(url.port);
    auto endpoints = co_await resolver.async_resolve(url.host, service, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        failure = TransportFailure{TransportError::resolve_failed, "cannot resolve " + url.host + ": " + ec.message()};
        co_return;
    }
    beast::tcp_stream& tcp = tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
    tcp.expires_after(options.connect_timeout);  // one deadline for the connection and the handshake
    co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        auto detail = ec == beast::error::timeout ? "no connection within " + in_ms(options.connect_timeout)
                                                  : ec.message();
        failure = TransportFailure{TransportError::connect_failed,
                                   "cannot connect to " + url.authority() + ": " + detail};
        co_return;
    }
    if (!tls_) co_return;
    expect_peer(*tls_, url.host, options.insecure);
    co_await tls_->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout)
        failure = TransportFailure{TransportError::timeout, "no TLS handshake with " + endpoint_of(url) + " within " +
                                                                in_ms(options.connect_timeout)};
    else if (ec)
        failure = TransportFailure{TransportError::tls_failed, describe_handshake_failure(*tls_, ec, endpoint_of(url))};
}

Connection::Exchange Connection::exchange(const Url& url, const Request& request, bool keep_alive,
                                          const ClientOptions& options) {
    Exchange result;
    auto message = message_for(url, request, keep_alive);
    try {
        if (tls_)
            run(io_, exchange_on(*tls_, message, options, result));
        else
            run(io_, exchange_on(*plain_, message, options, result));
    } catch (const std::exception& e) {
        result = Exchange{};
        result.outcome.emplace(
            TransportFailure{TransportError::connection_closed, std::string("unexpected failure: ") + e.what()});
    }
    if (!result.outcome) result.outcome.emplace(TransportFailure{TransportError::connection_closed, "no outcome"});
    return result;
}

template <class Stream>
asio::awaitable<void> Connection::exchange_on(Stream& stream, http::request<http::string_body>& message,
                                              const ClientOptions& options, Exchange& result) {
    beast::error_code ec;
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(options.read_timeout);
    co_await http::async_write(stream, message, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.silent = closed_by_peer(ec);
        result.outcome.emplace(failure_from(ec, false, options));
        co_return;
    }

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    parser.header_limit(64 * 1024);
    if (message.method() == http::verb::head) parser.skip(true);
    tcp.expires_after(options.read_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // Boost 1.74's parser lets a declared Content-Length past body_limit through; check it here.
    if (!ec && parser.content_length() && *parser.content_length() > options.max_response_bytes)
        ec = http::error::body_limit;
    if (!ec) co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // A TLS peer that ends a close-delimited body without close_notify has still ended the body.
    if (ec == ssl::error::stream_truncated && parser.is_header_done() && parser.need_eof()) {
        ec = {};
        parser.put_eof(ec);
    }
    if (ec) {
        result.silent = closed_by_peer(ec) && !parser.got_some() && buffer.size() == 0;
        result.outcome.emplace(failure_from(ec, parser.got_some(), options));
        co_return;
    }
    result.reusable = message.keep_alive() && parser.keep_alive() && buffer.size() == 0;
    auto& in = parser.get();
    Response response;
    response.status = static_cast<int>(in.result_int());
    response.headers = copy_headers(in);
    response.body = std::move(in.body());
    response.version = static_cast<int>(in.version());
    result.outcome.emplace(std::move(response));
}

bool Connection::stale() {
    pollfd descriptor{socket().native_handle(), POLLIN, 0};
    return ::poll(&descriptor, 1, 0) != 0;
}

}  // namespace mx3pid::net::detail
