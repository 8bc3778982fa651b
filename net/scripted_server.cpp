#include "net/scripted_server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <exception>
#include <string_view>

#include "net/detail/listener.hpp"

namespace mx3pid::net {

using namespace detail;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t max_head_bytes = 16 * 1024;
constexpr std::size_t max_body_bytes = 1 << 20;
constexpr std::size_t max_chunk_bytes = 1 << 20;
constexpr std::string_view filler_pattern = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

struct RequestHead {
    std::string method;
    std::string target;
    std::size_t content_length = 0;
    bool valid = false;
};

/// The request line and Content-Length of `head` (which ends with CRLFCRLF).
RequestHead parse_head(std::string_view head) {
    RequestHead parsed;
    std::size_t line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    std::size_t first = line.find(' ');
    if (first == std::string_view::npos || first == 0) return parsed;
    std::size_t second = line.find(' ', first + 1);
    parsed.method = std::string(line.substr(0, first));
    parsed.target = std::string(line.substr(first + 1, second == std::string_view::npos ? line.npos : second - first - 1));
    if (parsed.target.empty()) return parsed;
    while (line_end != std::string_view::npos && line_end + 2 < head.size()) {
        std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        std::string_view field = head.substr(start, line_end == std::string_view::npos ? head.npos : line_end - start);
        std::size_t colon = field.find(':');
        if (colon == std::string_view::npos || !equals_ignoring_case(trim(field.substr(0, colon)), "content-length"))
            continue;
        std::string_view value = trim(field.substr(colon + 1));
        if (value.empty() || value.size() > 18) return parsed;
        std::size_t length = 0;
        for (char c : value) {
            if (c < '0' || c > '9') return parsed;
            length = length * 10 + static_cast<std::size_t>(c - '0');
        }
        parsed.content_length = length;
    }
    parsed.valid = true;
    return parsed;
}

}  // namespace

ScriptStep ScriptStep::write(std::string bytes) {
    ScriptStep step;
    step.kind = Kind::write;
    step.bytes = std::move(bytes);
    return step;
}

ScriptStep ScriptStep::fill(std::size_t count, std::size_t chunk, bool chunked) {
    ScriptStep step;
    step.kind = Kind::fill;
    step.count = count;
    step.chunk = std::clamp<std::size_t>(chunk, 1, max_chunk_bytes);
    step.chunked = chunked;
    return step;
}

ScriptStep ScriptStep::pause(std::chrono::milliseconds delay) {
    ScriptStep step;
    step.kind = Kind::pause;
    step.delay = delay;
    return step;
}

ScriptStep ScriptStep::dribble(std::string bytes, std::chrono::milliseconds interval) {
    ScriptStep step;
    step.kind = Kind::dribble;
    step.bytes = std::move(bytes);
    step.delay = interval;
    return step;
}

ScriptStep ScriptStep::close() { return ScriptStep{}; }

ScriptStep ScriptStep::hang() {
    ScriptStep step;
    step.kind = Kind::hang;
    return step;
}

struct ScriptedServer::Impl {
    ScriptFor script_for;
    ScriptedServerOptions options;
    std::atomic<std::size_t> open{0};
    std::atomic<std::size_t> finished{0};
    Listener listener;  // last: it stops the threads and ends every connection before the members above go

    Impl(ScriptFor s, ScriptedServerOptions o)
        : script_for(std::move(s)),
          options(std::move(o)),
          listener(options.host, options.port, options.max_connections) {}

    /// Counts a connection while its coroutine lives (also when the server's end destroys it).
    struct Tally {
        Impl& impl;
        explicit Tally(Impl& i) : impl(i) { ++impl.open; }
        ~Tally() {
            --impl.open;
            ++impl.finished;
        }
        Tally(const Tally&) = delete;
        Tally& operator=(const Tally&) = delete;
    };

    Script choose(const RequestHead& head) {
        try {
            return script_for(head.method, head.target);
        } catch (const std::exception&) {
            return {};
        }
    }

    /// Reads the head and discards the body; false when there is no request to answer.
    asio::awaitable<bool> read_request(beast::tcp_stream& stream, Clock::time_point deadline, RequestHead& head) {
        beast::error_code ec;
        std::string bytes;
        stream.expires_at(std::min(Clock::now() + options.request_timeout, deadline));
        auto buffer = asio::dynamic_buffer(bytes, max_head_bytes);
        const std::string delimiter = "\r\n\r\n";
        std::size_t head_size =
            co_await asio::async_read_until(stream, buffer, delimiter, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return false;
        head = parse_head(std::string_view(bytes).substr(0, head_size));
        if (!head.valid || head.content_length > max_body_bytes) co_return false;
        std::size_t already = bytes.size() - head_size;
        std::size_t remaining = head.content_length > already ? head.content_length - already : 0;
        std::array<char, 4096> discard;
        while (remaining > 0) {
            auto piece = asio::buffer(discard.data(), std::min(remaining, discard.size()));
            std::size_t n =
                co_await stream.async_read_some(piece, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) co_return false;
            remaining -= n;
        }
        co_return true;
    }

    /// Waits `delay`, but never past `deadline` (then `ec` says timeout).
    static asio::awaitable<void> wait(std::chrono::milliseconds delay, Clock::time_point deadline,
                                      beast::error_code& ec) {
        auto executor = co_await asio::this_coro::executor;
        asio::steady_timer timer(executor);
        const auto wanted = Clock::now() + delay;
        timer.expires_at(std::min(wanted, deadline));
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!ec && wanted > deadline) ec = beast::error::timeout;
    }

    static asio::awaitable<void> send(beast::tcp_stream& stream, asio::const_buffer bytes, Clock::time_point deadline,
                                      beast::error_code& ec) {
        stream.expires_at(deadline);
        co_await asio::async_write(stream, bytes, asio::redirect_error(asio::use_awaitable, ec));
    }

    static asio::awaitable<void> fill(beast::tcp_stream& stream, const ScriptStep& step, Clock::time_point deadline,
                                      beast::error_code& ec) {
        // One piece of filler, reused for every write: a body of any length costs `chunk` bytes of memory.
        std::string piece(std::min(step.chunk, step.count), '\0');
        for (std::size_t i = 0; i < piece.size(); ++i) piece[i] = filler_pattern[i % filler_pattern.size()];
        const std::string crlf = "\r\n";
        std::size_t remaining = step.count;
        while (remaining > 0 && !ec) {
            std::size_t n = std::min(remaining, piece.size());
            if (step.chunked) {
                char size_line[32];
                int length = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
                std::array<asio::const_buffer, 3> framed{asio::buffer(size_line, static_cast<std::size_t>(length)),
                                                         asio::buffer(piece.data(), n), asio::buffer(crlf)};
                stream.expires_at(deadline);
                co_await asio::async_write(stream, framed, asio::redirect_error(asio::use_awaitable, ec));
            } else {
                co_await send(stream, asio::buffer(piece.data(), n), deadline, ec);
            }
            remaining -= n;
        }
    }

    /// Reads and discards until the peer closes, the deadline passes or the server ends.
    static asio::awaitable<void> hang(beast::tcp_stream& stream, Clock::time_point deadline) {
        beast::error_code ec;
        std::array<char, 4096> discard;
        while (!ec) {
            stream.expires_at(deadline);
            co_await stream.async_read_some(asio::buffer(discard), asio::redirect_error(asio::use_awaitable, ec));
        }
    }

    static asio::awaitable<void> play(beast::tcp_stream& stream, const Script& script, Clock::time_point deadline) {
        beast::error_code ec;
        for (const ScriptStep& step : script) {
            using Kind = ScriptStep::Kind;
            if (step.kind == Kind::write) {
                co_await send(stream, asio::buffer(step.bytes), deadline, ec);
            } else if (step.kind == Kind::fill) {
                co_await fill(stream, step, deadline, ec);
            } else if (step.kind == Kind::pause) {
                co_await wait(step.delay, deadline, ec);
            } else if (step.kind == Kind::dribble) {
                for (std::size_t i = 0; i < step.bytes.size() && !ec; ++i) {
                    if (i > 0) co_await wait(step.delay, deadline, ec);
                    if (ec) break;
                    co_await send(stream, asio::buffer(step.bytes.data() + i, 1), deadline, ec);
                }
            } else if (step.kind == Kind::hang) {
                co_await hang(stream, deadline);
                co_return;
            } else {
                co_return;  // close
            }
            if (ec) co_return;
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        // Each co_await stands alone in its statement: g++ 12 mishandles some temporaries that live across one.
        Tally tally(*this);
        const auto deadline = Clock::now() + options.max_lifetime;
        beast::error_code ec;
        socket.set_option(tcp::no_delay(true), ec);
        beast::tcp_stream stream(std::move(socket));
        RequestHead head;
        bool answer = co_await read_request(stream, deadline, head);
        if (answer) {
            Script script = choose(head);
            co_await play(stream, script, deadline);
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.socket().close(ec);
    }
};

ScriptedServer::ScriptedServer(ScriptFor script_for, ScriptedServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(script_for), std::move(options))) {
    impl_->listener.start([impl = impl_.get()](tcp::socket socket) { return impl->serve(std::move(socket)); },
                          impl_->options.threads);
}

ScriptedServer::~ScriptedServer() = default;

const std::string& ScriptedServer::host() const { return impl_->listener.host(); }
unsigned short ScriptedServer::port() const { return impl_->listener.port(); }
std::string ScriptedServer::authority() const { return impl_->listener.authority(); }
std::string ScriptedServer::base_url() const { return "http://" + authority(); }
std::size_t ScriptedServer::open_connections() const { return impl_->open.load(); }
std::size_t ScriptedServer::finished_connections() const { return impl_->finished.load(); }

}  // namespace mx3pid::net
