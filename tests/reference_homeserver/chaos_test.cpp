#include "reference_homeserver/chaos.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "net/client.hpp"

using namespace mx3pid;
using namespace mx3pid::reference_homeserver;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string register_email = "/_matrix/client/r0/register/email/requestToken";

net::ClientOptions short_options() {
    net::ClientOptions options;
    options.connect_timeout = 2s;
    options.read_timeout = 1s;
    options.max_response_bytes = 1 << 20;
    return options;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

net::Outcome<net::Response> ask(const ChaosServer& server, const std::string& target = register_email,
                                const net::ClientOptions& options = short_options()) {
    net::Request request{"POST", target, {{"Content-Type", "application/json"}},
                         R"({"client_secret":"chaos","email":"a@allowed.example","send_attempt":1})", ""};
    return net::send(*net::Url::parse(server.base_url()), std::move(request), options);
}

void expect_failure(const net::Outcome<net::Response>& outcome, net::TransportError error) {
    ASSERT_FALSE(outcome.ok()) << "got a response: " << outcome->status << " " << outcome->body;
    EXPECT_EQ(outcome.failure().error, error) << outcome.failure().describe();
}

}  // namespace

TEST(Chaos, VariantsAreNamedAndDescribed) {
    std::set<std::string_view> names;
    for (const auto& variant : chaos_variants()) {
        EXPECT_EQ(variant.name.rfind("chaos-", 0), 0u) << variant.name;
        EXPECT_FALSE(variant.description.empty()) << variant.name;
        EXPECT_TRUE(names.insert(variant.name).second) << "twice: " << variant.name;
    }
    for (std::string_view wanted : {"chaos-garbage", "chaos-cut-body", "chaos-close-early", "chaos-silent",
                                    "chaos-dribble", "chaos-huge-body", "chaos-bad-utf8", "chaos-wrong-length",
                                    "chaos-redirect-loop", "chaos-http10"})
        EXPECT_TRUE(names.count(wanted)) << wanted;
}

TEST(Chaos, UnknownNameIsRejected) {
    EXPECT_THROW(ChaosServer("chaos-nonsense"), std::invalid_argument);
    EXPECT_THROW(ChaosServer("reference"), std::invalid_argument);
}

TEST(Chaos, EveryVariantAnswersVersions) {
    for (const auto& variant : chaos_variants()) {
        SCOPED_TRACE(std::string(variant.name));
        ChaosServer server(variant.name);
        net::Request request{"GET", "/_matrix/client/versions", {}, "", ""};
        auto outcome = net::send(*net::Url::parse(server.base_url()), request, short_options());
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
        EXPECT_EQ(outcome->status, 200);
        EXPECT_EQ(outcome->version, 11);
        EXPECT_EQ(outcome->header("Content-Type"), "application/json");
        EXPECT_EQ(outcome->header("Content-Length"), std::to_string(outcome->body.size()));
        EXPECT_EQ(outcome->body, R"({"versions":["r0.4.0"]})");
    }
}

TEST(Chaos, GarbageIsAMalformedResponse) {
    ChaosServer server("chaos-garbage");
    expect_failure(ask(server), net::TransportError::malformed_response);
}

TEST(Chaos, CutBodyIsAClosedConnection) {
    ChaosServer server("chaos-cut-body");
    expect_failure(ask(server), net::TransportError::connection_closed);
}

TEST(Chaos, CloseEarlyIsAClosedConnection) {
    ChaosServer server("chaos-close-early");
    expect_failure(ask(server), net::TransportError::connection_closed);
}

TEST(Chaos, SilentTimesOutWithinTheBound) {
    ChaosServer server("chaos-silent");
    const auto start = Clock::now();
    expect_failure(ask(server), net::TransportError::timeout);
    EXPECT_LT(seconds_since(start), 1.0 + 2.0);
}

TEST(Chaos, DribbleTimesOutWithinTheBound) {
    ChaosServer server("chaos-dribble");
    const auto start = Clock::now();
    expect_failure(ask(server), net::TransportError::timeout);
    EXPECT_LT(seconds_since(start), 1.0 + 2.0);
}

TEST(Chaos, HugeBodyIsTooLargeAtOnce) {
    ChaosServer server("chaos-huge-body");
    const auto start = Clock::now();
    expect_failure(ask(server), net::TransportError::response_too_large);
    EXPECT_LT(seconds_since(start), 2.0);
}

TEST(Chaos, HugeChunkedBodyIsTooLargeAtTheLimit) {
    ChaosServer server("chaos-huge-chunked");
    const auto start = Clock::now();
    expect_failure(ask(server), net::TransportError::response_too_large);
    EXPECT_LT(seconds_since(start), 3.0);
}

TEST(Chaos, BadUtf8BodiesArriveByteForByteInTurn) {
    ChaosServer server("chaos-bad-utf8");
    auto first = ask(server);
    ASSERT_TRUE(first.ok()) << first.failure().describe();
    EXPECT_EQ(first->status, 200);
    EXPECT_EQ(first->header("Content-Type"), "application/json");
    EXPECT_EQ(first->body, std::string("{\"sid\":\"\xff\xfe\xc0\xaf\xed\xa0\x80\x01\x1b\"}"));

    auto second = ask(server);
    ASSERT_TRUE(second.ok()) << second.failure().describe();
    EXPECT_EQ(second->status, 400);
    EXPECT_EQ(second->body, std::string("{\"errcode\":\"M_\xff\",\"error\":\"\x01\"}"));

    auto third = ask(server);
    ASSERT_TRUE(third.ok()) << third.failure().describe();
    EXPECT_EQ(third->status, 200);
}

TEST(Chaos, WrongLengthIsAClosedConnection) {
    ChaosServer server("chaos-wrong-length");
    expect_failure(ask(server), net::TransportError::connection_closed);
}

TEST(Chaos, RedirectLoopPointsBackAtTheSamePath) {
    ChaosServer server("chaos-redirect-loop");
    std::string target = register_email + "?x=1";
    for (int hop = 0; hop < 3; ++hop) {
        auto outcome = ask(server, target);
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
        EXPECT_EQ(outcome->status, 302);
        ASSERT_TRUE(outcome->header("Location").has_value());
        EXPECT_EQ(*outcome->header("Location"), target);
        target = *outcome->header("Location");
    }
}

TEST(Chaos, Http10CloseDelimitedAnswerIsParsed) {
    ChaosServer server("chaos-http10");
    auto outcome = ask(server);
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->version, 10);
    EXPECT_EQ(outcome->status, 200);
    EXPECT_FALSE(outcome->header("Content-Length").has_value());
    EXPECT_EQ(outcome->body, R"({"sid":"chaos-http10"})");

    auto other = ask(server, "/_matrix/client/r0/somewhere/else");
    ASSERT_TRUE(other.ok()) << other.failure().describe();
    EXPECT_EQ(other->version, 10);
    EXPECT_EQ(other->status, 404);
    EXPECT_EQ(other->body, R"({"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"})");
}

TEST(Chaos, ServerEndsPromptlyWithClientsStillWaiting) {
    for (std::string_view name : {"chaos-silent", "chaos-dribble"}) {
        SCOPED_TRACE(std::string(name));
        auto server = std::make_unique<ChaosServer>(name);
        auto options = short_options();
        options.read_timeout = 20s;
        net::Outcome<net::Response> outcome = net::TransportFailure{net::TransportError::timeout, "not yet"};
        std::thread client([&, url = server->base_url()] {
            net::Request request{"POST", register_email, {}, "{}", ""};
            outcome = net::send(*net::Url::parse(url), request, options);
        });
        std::this_thread::sleep_for(300ms);
        const auto start = Clock::now();
        server.reset();
        EXPECT_LT(seconds_since(start), 1.0);
        client.join();  // the server's end closed the connection: the client returns long before its 20 s
        EXPECT_LT(seconds_since(start), 2.0);
        expect_failure(outcome, net::TransportError::connection_closed);
    }
}
