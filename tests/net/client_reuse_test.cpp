// net::Client keeps one idle keep-alive connection per origin, and retries only a keep-alive race.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "net/client.hpp"
#include "net/scripted_server.hpp"
#include "net/server.hpp"
#include "support.hpp"

using namespace mx3pid::net;
using namespace mx3pid::net::testing;

namespace {

Request get(const std::string& target) { return Request{"GET", target, {}, "", ""}; }

ClientOptions short_options() {
    ClientOptions options;
    options.connect_timeout = 2s;
    options.read_timeout = 2s;
    return options;
}

/// A net::Server that remembers the peer ("address:port") and Connection header of every request.
class RecordingServer {
public:
    explicit RecordingServer(ServerOptions options = {})
        : server_([this](const Request& request) { return record(request); }, std::move(options)) {}

    Url url() const { return *Url::parse(server_.base_url()); }
    std::vector<std::string> peers() const {
        std::lock_guard lock(mutex_);
        return peers_;
    }
    std::size_t connections() const {
        auto all = peers();
        return std::set<std::string>(all.begin(), all.end()).size();
    }
    std::vector<std::string> connection_headers() const {
        std::lock_guard lock(mutex_);
        return connection_headers_;
    }

private:
    Response record(const Request& request) {
        std::lock_guard lock(mutex_);
        peers_.push_back(request.peer);
        connection_headers_.push_back(request.header("Connection").value_or(""));
        return Response::text(200, "answer " + std::to_string(peers_.size()));
    }

    mutable std::mutex mutex_;
    std::vector<std::string> peers_;
    std::vector<std::string> connection_headers_;
    Server server_;  // last: its threads stop before the members above go
};

/// A ScriptedServer that plays the same script on every connection and counts the connections.
class CountingScriptedServer {
public:
    explicit CountingScriptedServer(Script script)
        : server_([this, script](const std::string&, const std::string&) {
              ++connections_;
              return script;
          }) {}

    Url url() const { return *Url::parse(server_.base_url()); }
    int connections() const { return connections_.load(); }

private:
    std::atomic<int> connections_{0};
    ScriptedServer server_;
};

const std::string keep_alive_answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

}  // namespace

TEST(ClientReuse, RequestsShareOneConnection) {
    RecordingServer server;
    Client client(short_options());
    for (int i = 1; i <= 3; ++i) {
        auto outcome = client.send(server.url(), get("/"));
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
        EXPECT_EQ(outcome->body, "answer " + std::to_string(i));
    }
    EXPECT_EQ(server.peers().size(), 3u);
    EXPECT_EQ(server.connections(), 1u);
    for (const auto& header : server.connection_headers()) EXPECT_EQ(header, "");
}

TEST(ClientReuse, FreeSendIsOneShotAndSaysSo) {
    RecordingServer server;
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(send(server.url(), get("/"), short_options()).ok());
    EXPECT_EQ(server.connections(), 2u);
    for (const auto& header : server.connection_headers()) EXPECT_EQ(header, "close");
}

TEST(ClientReuse, ConnectionCloseFromTheCallerIsRespected) {
    RecordingServer server;
    Client client(short_options());
    auto first = client.send(server.url(), Request{"GET", "/", {{"Connection", "close"}}, "", ""});
    ASSERT_TRUE(first.ok()) << first.failure().describe();
    EXPECT_EQ(first->header("Connection"), "close");
    auto second = client.send(server.url(), get("/"));
    ASSERT_TRUE(second.ok()) << second.failure().describe();
    EXPECT_EQ(server.connections(), 2u);
}

TEST(ClientReuse, IdleConnectionClosedByTheServerIsReplaced) {
    ServerOptions options;
    options.idle_timeout = 100ms;
    RecordingServer server(options);
    Client client(short_options());
    ASSERT_TRUE(client.send(server.url(), get("/")).ok());
    std::this_thread::sleep_for(400ms);  // well past the server's idle timeout
    auto outcome = client.send(server.url(), get("/"));
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(server.connections(), 2u);
}

TEST(ClientReuse, KeepAliveRaceIsRetriedOnceOnAFreshConnection) {
    // The server promises keep-alive, then closes without reading the next request: the client's second
    // request meets the close after it was written, before any byte of answer.
    CountingScriptedServer server({ScriptStep::write(keep_alive_answer), ScriptStep::pause(300ms), ScriptStep::close()});
    Client client(short_options());
    ASSERT_TRUE(client.send(server.url(), get("/")).ok());
    const auto start = Clock::now();
    auto outcome = client.send(server.url(), Request{"POST", "/", {}, "body", ""});
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->body, "ok");
    EXPECT_GE(Clock::now() - start, 200ms);  // it did wait for the close of the reused connection
    EXPECT_EQ(server.connections(), 2);
}

TEST(ClientReuse, FreshConnectionClosedBeforeAnswerIsNotRetried) {
    CountingScriptedServer server({ScriptStep::close()});
    Client client(short_options());
    auto outcome = client.send(server.url(), get("/"));
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::connection_closed);
    EXPECT_EQ(server.connections(), 1);
}

TEST(ClientReuse, ReusedConnectionClosedMidAnswerIsNotRetried) {
    CountingScriptedServer server({ScriptStep::write(keep_alive_answer), ScriptStep::pause(300ms),
                                   ScriptStep::write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"),
                                   ScriptStep::close()});
    Client client(short_options());
    ASSERT_TRUE(client.send(server.url(), get("/")).ok());
    auto outcome = client.send(server.url(), get("/"));
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::connection_closed);
    EXPECT_EQ(server.connections(), 1);
}

TEST(ClientReuse, TimeoutOnAReusedConnectionIsNotRetried) {
    CountingScriptedServer server({ScriptStep::write(keep_alive_answer), ScriptStep::hang()});
    auto options = short_options();
    options.read_timeout = 300ms;
    Client client(options);
    ASSERT_TRUE(client.send(server.url(), get("/")).ok());
    auto outcome = client.send(server.url(), get("/"));
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::timeout);
    EXPECT_EQ(server.connections(), 1);
}

TEST(ClientReuse, ConnectionCloseFromTheServerIsRespected) {
    // Were the connection reused, the second request would meet a server that never answers it.
    CountingScriptedServer server(
        {ScriptStep::write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"), ScriptStep::hang()});
    Client client(short_options());
    for (int i = 0; i < 2; ++i) {
        auto outcome = client.send(server.url(), get("/"));
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    }
    EXPECT_EQ(server.connections(), 2);
}

TEST(ClientReuse, Http10CloseDelimitedAnswerIsReadToTheEndAndNotReused) {
    CountingScriptedServer server({ScriptStep::write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end"),
                                   ScriptStep::close()});
    Client client(short_options());
    for (int i = 0; i < 2; ++i) {
        auto outcome = client.send(server.url(), get("/"));
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
        EXPECT_EQ(outcome->version, 10);
        EXPECT_EQ(outcome->body, "until the end");
    }
    EXPECT_EQ(server.connections(), 2);
}

TEST(ClientReuse, ConcurrentSendsUseSeparateConnections) {
    RecordingServer server;
    Client client(short_options());
    std::atomic<int> answered{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i)
                if (client.send(server.url(), get("/")).ok()) ++answered;
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(answered.load(), 20);
    EXPECT_LE(server.connections(), 20u);
    EXPECT_EQ(server.peers().size(), 20u);

    client.close_idle();
    ASSERT_TRUE(client.send(server.url(), get("/")).ok());
}
