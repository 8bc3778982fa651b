#include "net/client.hpp"
#include "net/server.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::net;

namespace {
Url url_of(const Server& server) { return *Url::parse(server.base_url()); }
}  // namespace

TEST(ServerClient, RoundTripsMethodTargetHeadersAndBody) {
    Request seen;
    Server server([&](const Request& request) {
        seen = request;
        return Response::json(201, R"({"ok":true})");
    });
    EXPECT_EQ(server.host(), "127.0.0.1");
    EXPECT_NE(server.port(), 0);
    Request request{"POST", "/path?x=1", {{"Content-Type", "application/json"}}, R"({"a":1})", ""};
    auto outcome = send(url_of(server), request);
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->status, 201);
    EXPECT_EQ(outcome->body, R"({"ok":true})");
    EXPECT_EQ(outcome->header("content-type"), "application/json");
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.path(), "/path");
    EXPECT_EQ(seen.query(), "x=1");
    EXPECT_EQ(seen.body, R"({"a":1})");
    EXPECT_EQ(seen.header("CONTENT-TYPE"), "application/json");
}

TEST(ServerClient, HandlerExceptionBecomes500) {
    Server server([](const Request&) -> Response { throw std::runtime_error("boom"); });
    auto outcome = send(url_of(server), Request{});
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->status, 500);
}

TEST(ServerClient, OversizedBodyIsRefusedWith413) {
    ServerOptions options;
    options.max_body_bytes = 1000;
    Server server([](const Request&) { return Response::json(200, "{}"); }, options);
    auto outcome = send(url_of(server), Request{"POST", "/", {}, std::string(5000, 'x'), ""});
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->status, 413);
}

TEST(ServerClient, ResponseOverTheLimitIsATransportFailure) {
    Server server([](const Request&) { return Response::text(200, std::string(100000, 'x')); });
    ClientOptions options;
    options.max_response_bytes = 1000;
    auto outcome = send(url_of(server), Request{}, options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::response_too_large);
}

TEST(ServerClient, RefusedConnectionIsConnectFailed) {
    auto outcome = send(*Url::parse("http://127.0.0.1:1"), Request{});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::connect_failed);
}

