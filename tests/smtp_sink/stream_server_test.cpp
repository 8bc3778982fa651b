#include "net/stream_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "raw_client.hpp"

using namespace mx3pid::net;
using mx3pid::smtp_sink::test::RawClient;
using namespace std::chrono_literals;

namespace {

/// Upper-cases what it gets; "bye" ends it, "boom" throws.
class Shout final : public Conversation {
public:
    explicit Shout(std::string greeting) : greeting_(std::move(greeting)) {}
    std::string greeting() override { return greeting_; }
    std::string receive(std::string_view bytes) override {
        std::string out(bytes);
        if (out.find("boom") != std::string::npos) throw std::runtime_error("boom");
        if (out.find("bye") != std::string::npos) done_ = true;
        for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
    }
    bool finished() const override { return done_; }

private:
    std::string greeting_;
    bool done_ = false;
};

ConversationFactory shouting(std::string greeting = "hello\r\n") {
    return [greeting](const std::string&) { return std::make_unique<Shout>(greeting); };
}

}  // namespace

TEST(StreamServer, GreetsRepliesAndClosesWhenFinished) {
    std::string seen_peer;
    StreamServer server([&](const std::string& peer) {
        seen_peer = peer;
        return std::make_unique<Shout>("hello\r\n");
    });
    EXPECT_EQ(server.host(), "127.0.0.1");
    EXPECT_NE(server.port(), 0);
    EXPECT_EQ(server.authority(), "127.0.0.1:" + std::to_string(server.port()));
    RawClient client(server.port());
    ASSERT_TRUE(client.connected());
    EXPECT_EQ(client.read_until("\r\n").data, "hello\r\n");
    EXPECT_TRUE(seen_peer.starts_with("127.0.0.1:"));
    client.send("abc\n");
    EXPECT_EQ(client.read_until("\n").data, "ABC\n");
    client.send("bye\n");
    auto last = client.read_to_close();
    EXPECT_EQ(last.data, "BYE\n");
    EXPECT_TRUE(last.closed);
}

TEST(StreamServer, EmptyGreetingWaitsForTheClient) {
    StreamServer server(shouting(""));
    RawClient client(server.port());
    auto nothing = client.read_until("x", 100ms);
    EXPECT_TRUE(nothing.timed_out);
    EXPECT_EQ(nothing.data, "");
    client.send("x");
    EXPECT_EQ(client.read_until("X").data, "X");
}

TEST(StreamServer, AThrowingConversationLosesOnlyItsConnection) {
    std::atomic<int> made{0};
    StreamServer server([&](const std::string&) -> std::unique_ptr<Conversation> {
        int n = ++made;
        if (n == 2) throw std::runtime_error("factory failed");
        if (n == 3) return nullptr;
        return std::make_unique<Shout>("hi\r\n");
    });
    {
        RawClient client(server.port());
        client.read_until("\r\n");
        client.send("boom");
        EXPECT_TRUE(client.read_to_close().closed);
    }
    for (int i = 0; i < 2; ++i) {
        RawClient client(server.port());
        EXPECT_TRUE(client.read_to_close().closed);
    }
    RawClient client(server.port());
    EXPECT_EQ(client.read_until("\r\n").data, "hi\r\n");
}

TEST(StreamServer, ConnectionsOverTheLimitAreClosedAtOnce) {
    StreamServerOptions options;
    options.max_connections = 2;
    StreamServer server(shouting(), options);
    auto first = std::make_unique<RawClient>(server.port());
    RawClient second(server.port());
    EXPECT_EQ(first->read_until("\r\n").data, "hello\r\n");
    EXPECT_EQ(second.read_until("\r\n").data, "hello\r\n");
    {
        RawClient third(server.port());
        auto read = third.read_to_close(2s);
        EXPECT_TRUE(read.closed);
        EXPECT_EQ(read.data, "");
    }
    // Once a connection ends, a new one is served again.
    first.reset();
    bool served = false;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!served && std::chrono::steady_clock::now() < deadline) {
        RawClient next(server.port());
        served = next.read_until("\r\n", 1s).data == "hello\r\n";
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST(StreamServer, IdleConnectionsAreClosed) {
    StreamServerOptions options;
    options.idle_timeout = 200ms;
    StreamServer server(shouting(), options);
    RawClient client(server.port());
    auto start = std::chrono::steady_clock::now();
    client.read_until("\r\n");
    client.send("a");
    client.read_until("A");
    auto read = client.read_to_close(5s);
    EXPECT_TRUE(read.closed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(StreamServer, ServesManyConnectionsAtOnceOnOneThread) {
    StreamServer server(shouting());
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 20; ++i) clients.push_back(std::make_unique<RawClient>(server.port()));
    for (auto& client : clients) EXPECT_EQ(client->read_until("\r\n").data, "hello\r\n");
    for (auto& client : clients) client->send("x");
    for (auto& client : clients) EXPECT_EQ(client->read_until("X").data, "X");
}

TEST(StreamServer, BindFailureThrows) {
    StreamServer first(shouting());
    StreamServerOptions options;
    options.port = first.port();
    // reuse_address does not let two listeners share a port on Linux.
    EXPECT_THROW(StreamServer(shouting(), options), std::system_error);
    options.host = "not an address";
    options.port = 0;
    EXPECT_THROW(StreamServer(shouting(), options), std::system_error);
}
