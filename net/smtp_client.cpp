#include "net/smtp_client.hpp"

#include <optional>

#include "net/detail/asio.hpp"

namespace mx3pid::net {

using namespace detail;

namespace {

constexpr std::size_t max_reply_line = 4096;
constexpr int max_reply_lines = 100;

struct Reply {
    int code = 0;
    std::string last_line;
};

/// The message body as it goes on the wire: CRLF line ends, leading dots doubled, ended by CRLF.CRLF.
std::string wire_data(std::string_view data) {
    std::string out;
    out.reserve(data.size() + data.size() / 32 + 8);
    bool line_start = true;
    for (std::size_t i = 0; i < data.size(); ++i) {
        char c = data[i];
        if (line_start && c == '.') out += '.';
        line_start = false;
        if (c == '\n') {
            if (out.empty() || out.back() != '\r') out += '\r';
            line_start = true;
        }
        out += c;
    }
    if (!line_start) out += "\r\n";
    out += ".\r\n";
    return out;
}

std::string without_line_end(std::string line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

// Every co_await here is a statement of its own with named arguments: g++ 12 miscompiles some
// temporaries that live across a co_await (`if (!co_await f(a + b)) …` crashed).
class Session {
public:
    Session(beast::tcp_stream& stream, const SmtpTimeouts& timeouts) : stream_(stream), timeouts_(timeouts) {}

    /// Reads one reply (all lines of a multi-line one); a failure is left in `failure`.
    asio::awaitable<std::optional<Reply>> read_reply(std::string after) {
        Reply reply;
        for (int lines = 0; lines < max_reply_lines; ++lines) {
            beast::error_code ec;
            stream_.expires_after(timeouts_.reply);
            auto buffer = asio::dynamic_buffer(pending_, max_reply_line);
            std::size_t n = co_await asio::async_read_until(stream_, buffer, '\n',
                                                            asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                fail_on(ec, after);
                co_return std::nullopt;
            }
            std::string line = without_line_end(pending_.substr(0, n));
            pending_.erase(0, n);
            int code = parse_code(line);
            if (code == 0 || (reply.code != 0 && code != reply.code)) {
                failure = TransportFailure{TransportError::malformed_response,
                                           "not an SMTP reply after " + after + ": \"" + printable(line) + "\""};
                co_return std::nullopt;
            }
            reply.code = code;
            reply.last_line = line;
            if (line.size() == 3 || line[3] == ' ') co_return reply;
        }
        failure = TransportFailure{TransportError::response_too_large,
                                   "reply to " + after + " has more than " + std::to_string(max_reply_lines) + " lines"};
        co_return std::nullopt;
    }

    asio::awaitable<bool> send(std::string bytes, std::string what) {
        beast::error_code ec;
        stream_.expires_after(timeouts_.reply);
        co_await asio::async_write(stream_, asio::buffer(bytes), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) fail_on(ec, what);
        co_return !ec;
    }

    /// Sends `command` and reads its reply; nullopt (with `failure` set) when either fails.
    asio::awaitable<std::optional<Reply>> command(std::string line) {
        std::string bytes = line + "\r\n";
        bool sent = co_await send(std::move(bytes), line);
        std::optional<Reply> reply;
        if (sent) reply = co_await read_reply(line);
        co_return reply;
    }

    /// The whole exchange after connecting, up to the reply to the message data.
    asio::awaitable<std::optional<MailReceipt>> transact(const SmtpTarget& target, const MailMessage& message) {
        std::optional<MailReceipt> receipt;
        std::string step = "connecting";
        auto reply = co_await read_reply(step);
        if (!expect(reply, 220, 220, step)) co_return receipt;
        step = "EHLO " + target.helo_name;
        reply = co_await command(step);
        if (reply && reply->code >= 500) {
            step = "HELO " + target.helo_name;
            reply = co_await command(step);
        }
        if (!expect(reply, 250, 250, step)) co_return receipt;
        step = "MAIL FROM:<" + message.from + ">";
        reply = co_await command(step);
        if (!expect(reply, 250, 250, step)) co_return receipt;
        for (const auto& recipient : message.to) {
            step = "RCPT TO:<" + recipient + ">";
            reply = co_await command(step);
            if (!expect(reply, 250, 251, step)) co_return receipt;
        }
        step = "DATA";
        reply = co_await command(step);
        if (!expect(reply, 354, 354, step)) co_return receipt;
        step = "the message data";
        std::string wire = wire_data(message.data);
        bool sent = co_await send(std::move(wire), step);
        if (!sent) co_return receipt;
        reply = co_await read_reply(step);
        if (expect(reply, 250, 250, step)) receipt = MailReceipt{reply->last_line};
        co_return receipt;
    }

    /// A reply whose code is not in [low, high] becomes the failure.
    bool expect(const std::optional<Reply>& reply, int low, int high, const std::string& after) {
        if (!reply) return false;
        if (reply->code >= low && reply->code <= high) return true;
        failure = TransportFailure{TransportError::malformed_response,
                                   "unexpected reply to " + after + ": \"" + printable(reply->last_line) + "\""};
        return false;
    }

    std::optional<TransportFailure> failure;

private:
    static int parse_code(const std::string& line) {
        if (line.size() < 3 || (line.size() > 3 && line[3] != ' ' && line[3] != '-')) return 0;
        int code = 0;
        for (int i = 0; i < 3; ++i) {
            if (line[i] < '0' || line[i] > '9') return 0;
            code = code * 10 + (line[i] - '0');
        }
        return code >= 200 && code <= 599 ? code : 0;
    }

    static std::string printable(const std::string& line) {
        std::string out;
        for (unsigned char c : line.substr(0, 200)) out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?';
        return out;
    }

    void fail_on(const beast::error_code& ec, const std::string& what) {
        if (ec == beast::error::timeout)
            failure = TransportFailure{TransportError::timeout, "no reply to " + what + " within " +
                                                                    std::to_string(timeouts_.reply.count()) + " ms"};
        else if (ec == asio::error::not_found)
            failure = TransportFailure{TransportError::response_too_large,
                                       "reply line to " + what + " longer than " + std::to_string(max_reply_line) + " bytes"};
        else if (ec == asio::error::eof || ec == asio::error::connection_reset)
            failure = TransportFailure{TransportError::connection_closed, "connection closed at " + what};
        else
            failure = TransportFailure{TransportError::connection_closed, what + ": " + ec.message()};
    }

    beast::tcp_stream& stream_;
    const SmtpTimeouts& timeouts_;
    std::string pending_;
};

asio::awaitable<void> deliver(const SmtpTarget& target, const MailMessage& message, const SmtpTimeouts& timeouts,
                              std::optional<Outcome<MailReceipt>>& result) {
    auto executor = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(executor);
    std::string service = std::to_string(target.port);
    auto endpoints = co_await resolver.async_resolve(target.host, service, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        result.emplace(TransportFailure{TransportError::resolve_failed, "cannot resolve " + target.host + ": " + ec.message()});
        co_return;
    }
    beast::tcp_stream stream(executor);
    stream.expires_after(timeouts.connect);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        auto detail = ec == beast::error::timeout
                          ? "no connection within " + std::to_string(timeouts.connect.count()) + " ms"
                          : ec.message();
        result.emplace(TransportFailure{TransportError::connect_failed, "cannot connect to " + target.host + ":" +
                                                                            std::to_string(target.port) + ": " + detail});
        co_return;
    }

    Session session(stream, timeouts);
    auto receipt = co_await session.transact(target, message);
    std::string quit = "QUIT";
    if (receipt) {
        // The message is delivered; a QUIT that goes wrong changes nothing about that.
        co_await session.command(quit);
        result.emplace(std::move(*receipt));
    } else {
        if (session.failure && session.failure->error == TransportError::malformed_response) {
            std::string bytes = quit + "\r\n";
            co_await session.send(std::move(bytes), quit);
        }
        result.emplace(session.failure ? *session.failure
                                       : TransportFailure{TransportError::connection_closed, "no outcome"});
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace

Outcome<MailReceipt> send_mail(const SmtpTarget& target, const MailMessage& message, const SmtpTimeouts& timeouts) {
    if (message.to.empty()) return TransportFailure{TransportError::bad_url, "a message needs at least one recipient"};
    for (const auto& address : message.to)
        if (address.find_first_of("\r\n<>") != std::string::npos)
            return TransportFailure{TransportError::bad_url, "invalid recipient address"};
    if (message.from.find_first_of("\r\n<>") != std::string::npos)
        return TransportFailure{TransportError::bad_url, "invalid sender address"};
    asio::io_context io;
    std::optional<Outcome<MailReceipt>> result;
    asio::co_spawn(io, deliver(target, message, timeouts, result), [&result](std::exception_ptr error) {
        if (error && !result) result.emplace(TransportFailure{TransportError::connection_closed, "unexpected failure"});
    });
    io.run();
    if (!result) return TransportFailure{TransportError::connection_closed, "no outcome"};
    return std::move(*result);
}

}  // namespace mx3pid::net
