#include "net/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "net/client.hpp"

using namespace mx3pid::net;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view pattern = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

Url url_of(const ScriptedServer& server) { return *Url::parse(server.base_url()); }

ClientOptions short_options() {
    ClientOptions options;
    options.connect_timeout = 2s;
    options.read_timeout = 1s;
    options.max_response_bytes = 1 << 20;
    return options;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// Polls `condition` every 10 ms for at most `bound`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 5s) {
    const auto until = Clock::now() + bound;
    while (Clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

/// A blocking loopback TCP client on plain sockets, every receive bounded.
class RawClient {
public:
    explicit RawClient(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        timeval timeout{0, 200000};  // each recv waits at most 200 ms; read_to_end loops to its own bound
        if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~RawClient() { close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool send_all(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    struct Read {
        std::size_t bytes = 0;
        std::string kept;        ///< the first bytes read, up to the `keep` asked for
        bool ended = false;      ///< the peer closed (EOF or reset)
        bool timed_out = false;  ///< the bound passed first
    };
    /// Reads until the peer closes or `bound` passes, keeping at most `keep` bytes.
    Read read_to_end(std::chrono::milliseconds bound, std::size_t keep = 64 * 1024) {
        Read read;
        const auto until = Clock::now() + bound;
        std::string buffer(64 * 1024, '\0');
        for (;;) {
            ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
            if (n > 0) {
                read.bytes += static_cast<std::size_t>(n);
                if (read.kept.size() < keep)
                    read.kept.append(buffer.data(), std::min<std::size_t>(static_cast<std::size_t>(n), keep - read.kept.size()));
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                read.ended = true;
                return read;
            }
            if (Clock::now() >= until) {
                read.timed_out = true;
                return read;
            }
        }
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

std::string request_for(std::string_view target) {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

/// Peak and current resident memory of this process, in KiB (0 when /proc does not say).
long status_kib(const std::string& field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    return 0;
}

}  // namespace

TEST(ScriptedServer, PlaysWritesAndPausesInOrder) {
    std::string seen_method, seen_target;
    ScriptedServer server([&](const std::string& method, const std::string& target) {
        seen_method = method;
        seen_target = target;
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe"), ScriptStep::pause(150ms),
                      ScriptStep::write("llo"), ScriptStep::close()};
    });
    const auto start = Clock::now();
    auto outcome = send(url_of(server), Request{"POST", "/a/b?c=d", {}, std::string(100000, 'x'), ""}, short_options());
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->status, 200);
    EXPECT_EQ(outcome->body, "hello");
    EXPECT_GE(seconds_since(start), 0.14);
    EXPECT_EQ(seen_method, "POST");
    EXPECT_EQ(seen_target, "/a/b?c=d");
}

TEST(ScriptedServer, ScriptWithoutCloseStillCloses) {
    ScriptedServer server([](const std::string&, const std::string&) {
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\n\r\nclose-delimited")};
    });
    auto outcome = send(url_of(server), Request{}, short_options());
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->body, "close-delimited");
}

TEST(ScriptedServer, DribbleSendsEveryByteInTime) {
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    ScriptedServer server([&](const std::string&, const std::string&) {
        return Script{ScriptStep::dribble(answer, 10ms)};
    });
    const auto start = Clock::now();
    auto options = short_options();
    options.read_timeout = 5s;
    auto outcome = send(url_of(server), Request{}, options);
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->body, "ok");
    EXPECT_GE(seconds_since(start), 0.009 * static_cast<double>(answer.size() - 1));
}

TEST(ScriptedServer, ChunkedFillIsValidChunkedEncoding) {
    ScriptedServer server([](const std::string&, const std::string&) {
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
                      ScriptStep::fill(2500, 1000, true), ScriptStep::write("0\r\n\r\n")};
    });
    auto outcome = send(url_of(server), Request{}, short_options());
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    ASSERT_EQ(outcome->body.size(), 2500u);
    EXPECT_EQ(outcome->body.substr(0, pattern.size()), pattern);
    EXPECT_EQ(outcome->body.substr(1000, pattern.size()), pattern);  // every piece starts the pattern again
}

TEST(ScriptedServer, StreamsAHundredMegabytesInBoundedMemory) {
    const std::size_t total = 100000000;
    ScriptedServer server([&](const std::string&, const std::string&) {
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(total) + "\r\n\r\n"),
                      ScriptStep::fill(total)};
    });
    { std::ofstream("/proc/self/clear_refs") << "5"; }  // resets the peak, where the kernel allows it
    const long before = std::max(status_kib("VmRSS"), 0L);
    RawClient client(server.port());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send_all(request_for("/big")));
    auto read = client.read_to_end(60s, 200);
    ASSERT_TRUE(read.ended);
    EXPECT_TRUE(read.kept.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    const std::size_t head = std::string("HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n").size();
    EXPECT_EQ(read.bytes, head + total);
    const long peak = status_kib("VmHWM");
    if (peak > 0) {
        EXPECT_LT(peak - before, 32 * 1024) << "peak RSS grew by " << (peak - before) << " KiB";
    }
}

TEST(ScriptedServer, ClientAbortsAtItsLimitAndTheServerStops) {
    ScriptedServer server([](const std::string&, const std::string&) {
        // No length: the body would end with the connection, 100 MB later.
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"),
                      ScriptStep::fill(100000000, 16 * 1024)};
    });
    const auto start = Clock::now();
    auto outcome = send(url_of(server), Request{}, short_options());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::response_too_large);
    EXPECT_LT(seconds_since(start), 3.0);
    EXPECT_TRUE(eventually([&] { return server.finished_connections() == 1; }));
    EXPECT_EQ(server.open_connections(), 0u);
}

TEST(ScriptedServer, OversizedHeadIsClosedWithoutAScript) {
    std::atomic<int> scripts{0};
    ScriptedServer server([&](const std::string&, const std::string&) {
        ++scripts;
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")};
    });
    Request request;
    request.headers.emplace_back("X-Padding", std::string(20000, 'p'));
    auto outcome = send(url_of(server), request, short_options());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::connection_closed);
    EXPECT_EQ(scripts.load(), 0);
}

TEST(ScriptedServer, OversizedBodyIsClosedWithoutAScript) {
    std::atomic<int> scripts{0};
    ScriptedServer server([&](const std::string&, const std::string&) {
        ++scripts;
        return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")};
    });
    RawClient client(server.port());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send_all("POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"));
    auto read = client.read_to_end(5s);
    EXPECT_TRUE(read.ended);
    EXPECT_EQ(read.bytes, 0u);
    EXPECT_EQ(scripts.load(), 0);
}

TEST(ScriptedServer, ThrowingScriptClosesTheConnection) {
    ScriptedServer server([](const std::string&, const std::string&) -> Script { throw std::runtime_error("boom"); });
    auto outcome = send(url_of(server), Request{}, short_options());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::connection_closed);
}

TEST(ScriptedServer, SilentClientIsDroppedAfterTheRequestTimeout) {
    ScriptedServerOptions options;
    options.request_timeout = 200ms;
    ScriptedServer server([](const std::string&, const std::string&) { return Script{}; }, options);
    RawClient client(server.port());
    ASSERT_TRUE(client.connected());
    const auto start = Clock::now();
    auto read = client.read_to_end(5s);
    EXPECT_TRUE(read.ended);
    EXPECT_LT(seconds_since(start), 2.0);
}

TEST(ScriptedServer, LifetimeBoundsAHang) {
    ScriptedServerOptions options;
    options.max_lifetime = 300ms;
    ScriptedServer server([](const std::string&, const std::string&) { return Script{ScriptStep::hang()}; }, options);
    RawClient client(server.port());
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.send_all(request_for("/")));
    const auto start = Clock::now();
    auto read = client.read_to_end(5s);
    EXPECT_TRUE(read.ended);
    EXPECT_EQ(read.bytes, 0u);
    EXPECT_LT(seconds_since(start), 2.0);
}

TEST(ScriptedServer, HangEndsWhenThePeerCloses) {
    ScriptedServer server([](const std::string&, const std::string&) { return Script{ScriptStep::hang()}; });
    auto options = short_options();
    options.read_timeout = 300ms;
    auto outcome = send(url_of(server), Request{}, options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::timeout);
    EXPECT_TRUE(eventually([&] { return server.finished_connections() == 1; }));
}

TEST(ScriptedServer, DestructorIsPromptWhileConnectionsHangDribbleAndPause) {
    auto server = std::make_unique<ScriptedServer>([](const std::string&, const std::string& target) {
        if (target == "/dribble") return Script{ScriptStep::dribble(std::string(1000, 'x'), 1s)};
        if (target == "/pause") return Script{ScriptStep::pause(60s), ScriptStep::write("late")};
        return Script{ScriptStep::hang()};
    });
    RawClient hanging(server->port()), dribbling(server->port()), pausing(server->port());
    ASSERT_TRUE(hanging.connected() && dribbling.connected() && pausing.connected());
    ASSERT_TRUE(hanging.send_all(request_for("/hang")));
    ASSERT_TRUE(dribbling.send_all(request_for("/dribble")));
    ASSERT_TRUE(pausing.send_all(request_for("/pause")));
    ASSERT_TRUE(eventually([&] { return server->open_connections() == 3; }));
    std::this_thread::sleep_for(100ms);  // let every script reach its wait

    const auto start = Clock::now();
    server.reset();
    EXPECT_LT(seconds_since(start), 1.0);

    for (RawClient* client : {&hanging, &dribbling, &pausing}) {
        auto read = client->read_to_end(3s);
        EXPECT_TRUE(read.ended);
        EXPECT_LE(read.bytes, 1u);  // at most the dribble's first byte
    }
}

TEST(ScriptedServer, ConnectionsBeyondTheLimitAreClosed) {
    ScriptedServerOptions options;
    options.max_connections = 2;
    ScriptedServer server(
        [](const std::string&, const std::string& target) {
            if (target == "/hang") return Script{ScriptStep::hang()};
            return Script{ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")};
        },
        options);
    auto first = std::make_unique<RawClient>(server.port());
    RawClient second(server.port());
    ASSERT_TRUE(first->send_all(request_for("/hang")));
    ASSERT_TRUE(second.send_all(request_for("/hang")));
    ASSERT_TRUE(eventually([&] { return server.open_connections() == 2; }));

    RawClient third(server.port());  // the kernel accepts it; the server closes it at once
    third.send_all(request_for("/answer"));
    auto refused = third.read_to_end(3s);
    EXPECT_TRUE(refused.ended);
    EXPECT_EQ(refused.bytes, 0u);

    first.reset();  // frees a place
    ASSERT_TRUE(eventually([&] { return server.open_connections() == 1; }));
    // The listener's own count drops a moment after ours: allow a retry or two.
    EXPECT_TRUE(eventually([&] {
        auto outcome = send(url_of(server), Request{"GET", "/answer", {}, "", ""}, short_options());
        return outcome.ok() && outcome->body == "ok";
    }));
}
