#include "net/client.hpp"

#include <optional>

#include "net/detail/asio.hpp"

namespace mx3pid::net {

using namespace detail;

namespace {

TransportFailure failure_from(const beast::error_code& ec, bool response_started, const ClientOptions& options) {
    if (ec == beast::error::timeout)
        return {TransportError::timeout, "no complete answer within " + std::to_string(options.read_timeout.count()) + " ms"};
    if (ec == http::error::body_limit || ec == http::error::header_limit)
        return {TransportError::response_too_large,
                "response larger than " + std::to_string(options.max_response_bytes) + " bytes"};
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == http::error::partial_message)
        return {TransportError::connection_closed,
                response_started ? "connection closed in the middle of the response"
                                 : "connection closed before any response"};
    if (ec.category() == http::make_error_code(http::error::bad_version).category())
        return {TransportError::malformed_response, "not a valid HTTP response (" + ec.message() + ")"};
    return {TransportError::connection_closed, ec.message()};
}

asio::awaitable<void> exchange(const Url& base, Request request, const ClientOptions& options,
                               std::optional<Outcome<Response>>& result) {
    auto executor = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(base.host, std::to_string(base.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.emplace(TransportFailure{TransportError::resolve_failed, "cannot resolve " + base.host + ": " + ec.message()});
        co_return;
    }
    beast::tcp_stream stream(executor);
    stream.expires_after(options.connect_timeout);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        auto detail = ec == beast::error::timeout
                          ? "no connection within " + std::to_string(options.connect_timeout.count()) + " ms"
                          : ec.message();
        result.emplace(TransportFailure{TransportError::connect_failed,
                                        "cannot connect to " + base.authority() + ": " + detail});
        co_return;
    }

    http::request<http::string_body> out{http::string_to_verb(request.method), request.target, 11};
    if (out.method() == http::verb::unknown) out.method_string(request.method);
    out.set(http::field::host, base.authority());
    out.set(http::field::user_agent, "mx3pid");
    for (const auto& [name, value] : request.headers) out.set(name, value);
    out.body() = std::move(request.body);
    out.keep_alive(false);
    out.prepare_payload();
    stream.expires_after(options.read_timeout);
    co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.emplace(failure_from(ec, false, options));
        co_return;
    }

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    parser.header_limit(64 * 1024);
    stream.expires_after(options.read_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    // Boost 1.74's parser lets a declared Content-Length past body_limit through; check it here.
    if (!ec && parser.content_length() && *parser.content_length() > options.max_response_bytes)
        ec = http::error::body_limit;
    if (!ec)
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.emplace(failure_from(ec, parser.got_some(), options));
        co_return;
    }
    auto& in = parser.get();
    Response response;
    response.status = static_cast<int>(in.result_int());
    response.headers = copy_headers(in);
    response.body = std::move(in.body());
    response.version = static_cast<int>(in.version());
    result.emplace(std::move(response));
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace

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

Outcome<Response> send(const Url& base, Request request, const ClientOptions& options) {
    if (base.tls())
        return TransportFailure{TransportError::tls_failed, "https targets are not supported by this build yet"};
    asio::io_context io;
    std::optional<Outcome<Response>> result;
    asio::co_spawn(io, exchange(base, std::move(request), options, result), [&result](std::exception_ptr error) {
        if (error && !result) result.emplace(TransportFailure{TransportError::connection_closed, "unexpected failure"});
    });
    io.run();
    if (!result) return TransportFailure{TransportError::connection_closed, "no outcome"};
    return std::move(*result);
}

}  // namespace mx3pid::net
