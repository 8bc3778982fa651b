// The request handler and its state without sockets: robustness and the bounds on what is kept.
#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace mx3pid;
using namespace mx3pid::mock_identity;
using namespace mx3pid::mock_identity::detail;
using nlohmann::json;

const std::string email_request_token = "/_matrix/identity/api/v1/validate/email/requestToken";

net::Request post(std::string target, std::string body, std::string type = "application/json") {
    return net::Request{"POST", std::move(target), {{"Content-Type", std::move(type)}}, std::move(body), "127.0.0.1:1"};
}

TokenRequest token_request(std::string client_secret, std::int64_t send_attempt = 1) {
    return TokenRequest{"email", "a@b.example", "a@b.example", std::move(client_secret), send_attempt, ""};
}

TEST(Router, InvalidUtf8InAFormBodyStillGivesDumpableRecords) {
    State state;
    auto response = handle(state, post(email_request_token, "client_secret=s&email=%FF%FE%40b.example&send_attempt=1",
                                       "application/x-www-form-urlencoded"));
    EXPECT_EQ(response.status, 200) << response.body;
    auto requests = state.requests_since(0);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_NO_THROW(requests[0].body.dump());
    auto messages = state.messages_since(0);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NO_THROW(json(messages[0].address).dump());
}

TEST(Router, HostileInputsGetJsonErrorsNotCrashes) {
    State state;
    const std::vector<std::string> bodies = {
        "",
        std::string("\x00\x01", 2),
        "{\"client_secret\":\"\\ud800\"}",
        std::string(60000, '{'),
        "[" + std::string(1000, ' ') + "]",
        R"({"client_secret":"s","email":"a@b.c","send_attempt":1e400})",
        R"({"client_secret":"s","email":"a@b.c","send_attempt":-9223372036854775809})",
        R"({"client_secret":"s","email":{"x":1},"send_attempt":1})",
        R"({"client_secret":"s","email":"a@b.c","send_attempt":1,"next_link":["x"]})"};
    for (const auto& body : bodies) {
        for (const char* type : {"application/json", "application/x-www-form-urlencoded", "text/plain"}) {
            auto response = handle(state, post(email_request_token, body, type));
            EXPECT_GE(response.status, 400) << body.substr(0, 60);
            EXPECT_LT(response.status, 500) << body.substr(0, 60);
            auto parsed = json::parse(response.body, nullptr, false);
            EXPECT_TRUE(parsed.is_object() && parsed.contains("errcode")) << response.body;
        }
    }
    EXPECT_EQ(state.last_request_sequence(), bodies.size() * 3);
}

TEST(Router, OddTargetsAndMethods) {
    State state;
    for (const char* target : {"", "*", "//", "/_matrix/identity/api/v1/../v2", "/_matrix/identity/api/v1?",
                               "/_matrix/identity/api/v1/3pid/getValidated3pid?%%%&&=&sid"}) {
        for (const char* method : {"GET", "POST", "OPTIONS", "BREW"}) {
            auto response = handle(state, net::Request{method, target, {}, "", ""});
            EXPECT_GE(response.status, 200) << method << " " << target;
            EXPECT_LT(response.status, 500) << method << " " << target;
        }
    }
}

TEST(State, RequestsAreBoundedByCount) {
    Limits limits;
    limits.max_requests = 3;
    State state(limits);
    for (int i = 0; i < 10; ++i) state.record(ReceivedRequest{});
    auto requests = state.requests_since(0);
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests.front().sequence, 8u);
    EXPECT_EQ(state.last_request_sequence(), 10u);
    EXPECT_EQ(state.requests_since(8).size(), 2u);
}

TEST(State, RequestsAreBoundedBySize) {
    Limits limits;
    limits.max_request_bytes = 1 << 20;
    State state(limits);
    for (int i = 0; i < 20; ++i) {
        ReceivedRequest request;
        request.raw_body = std::string(64 * 1024, 'x');
        state.record(std::move(request));
    }
    auto requests = state.requests_since(0);
    EXPECT_LT(requests.size(), 5u);
    EXPECT_GE(requests.size(), 1u);
    EXPECT_EQ(requests.back().sequence, 20u);
}

TEST(State, MessagesAndSessionsAreBounded) {
    Limits limits;
    limits.max_messages = 2;
    limits.max_sessions = 2;
    State state(limits);
    auto first = state.request_token(token_request("one"));
    state.request_token(token_request("two"));
    state.request_token(token_request("three"));
    EXPECT_EQ(state.messages_since(0).size(), 2u);
    EXPECT_EQ(state.last_message_sequence(), 3u);
    EXPECT_FALSE(state.mark_validated(first)) << "the oldest session was dropped";
    auto again = state.request_token(token_request("one"));
    EXPECT_NE(again, first);
}

TEST(State, AccessTokensAreBounded) {
    Limits limits;
    limits.max_access_tokens = 2;
    State state(limits);
    auto first = state.register_access_token("@a:b.example");
    auto second = state.register_access_token("@a:b.example");
    EXPECT_TRUE(state.knows_access_token(first));
    auto third = state.register_access_token("@a:b.example");
    EXPECT_FALSE(state.knows_access_token(first));
    EXPECT_TRUE(state.knows_access_token(second));
    EXPECT_TRUE(state.knows_access_token(third));
    state.forget_access_token(second);
    EXPECT_FALSE(state.knows_access_token(second));
}

TEST(State, ResentMessagesCarryTheSessionToken) {
    State state;
    auto sid = state.request_token(token_request("s", 1));
    EXPECT_EQ(state.request_token(token_request("s", 2)), sid);
    auto messages = state.messages_since(0);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].token, messages[1].token);
    EXPECT_EQ(state.submit_token("email", sid, "s", messages[1].token).outcome, SubmitOutcome::validated);
}

}  // namespace
