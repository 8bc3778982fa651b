// What makes the mock usable by hand: its own message list, CORS, and the v2 account, hashing and
// key endpoints it advertises.
#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace mx3pid;
using namespace mx3pid::mock_identity::detail;
using nlohmann::json;

net::Request request(std::string method, std::string target, std::string body = "", net::Headers headers = {}) {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return net::Request{std::move(method), std::move(target), std::move(headers), std::move(body), "127.0.0.1:1"};
}

json body_of(const net::Response& response) { return json::parse(response.body, nullptr, false); }

std::string ask_token(State& state, const std::string& email, const std::string& secret) {
    auto response = handle(state, request("POST", "/_matrix/identity/api/v1/validate/email/requestToken",
                                          json{{"client_secret", secret}, {"email", email}, {"send_attempt", 1}}.dump()));
    EXPECT_EQ(response.status, 200) << response.body;
    return body_of(response).value("sid", "");
}

std::string register_token(State& state) {
    auto response = handle(state, request("POST", "/_matrix/identity/v2/account/register",
                                          json{{"access_token", "x"}, {"matrix_server_name", "hs.example"}}.dump()));
    EXPECT_EQ(response.status, 200);
    return body_of(response).value("token", "");
}

net::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

TEST(HandUse, MessagesListsWhatWouldHaveBeenSentWithTheirTokens) {
    State state;
    auto first = ask_token(state, "one@a.example", "secret1");
    auto second = ask_token(state, "two@a.example", "secret2");
    auto listed = handle(state, request("GET", "/_mx3pid/messages"));
    ASSERT_EQ(listed.status, 200);
    auto messages = body_of(listed)["messages"];
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0]["address"], "one@a.example");
    EXPECT_EQ(messages[0]["sid"], first);
    EXPECT_EQ(messages[1]["sid"], second);
    EXPECT_EQ(messages[1]["client_secret"], "secret2");

    // The listed token is the one that validates the session.
    auto submitted = handle(state, request("POST", "/_matrix/identity/api/v1/validate/email/submitToken",
                                           json{{"sid", first}, {"client_secret", "secret1"},
                                                {"token", messages[0]["token"]}}.dump()));
    EXPECT_EQ(submitted.status, 200) << submitted.body;

    auto since = body_of(handle(state, request("GET", "/_mx3pid/messages?since=" + messages[0]["sequence"].dump())));
    ASSERT_EQ(since["messages"].size(), 1u);
    EXPECT_EQ(since["messages"][0]["sid"], second);
    EXPECT_EQ(handle(state, request("GET", "/_mx3pid/messages?since=x")).status, 400);
    EXPECT_EQ(handle(state, request("POST", "/_mx3pid/messages", "{}")).status, 405);
}

TEST(HandUse, EveryAnswerCarriesCorsHeadersAndOptionsIsAnswered) {
    State state;
    for (const auto& probe : {request("OPTIONS", "/_matrix/identity/v2/validate/email/requestToken"),
                              request("GET", "/_matrix/identity/versions"), request("GET", "/nowhere"),
                              request("POST", "/_matrix/identity/api/v1/validate/email/requestToken", "not json")}) {
        auto response = handle(state, probe);
        EXPECT_EQ(response.header("Access-Control-Allow-Origin"), "*") << probe.method << " " << probe.target;
        auto methods = response.header("Access-Control-Allow-Methods").value_or("");
        EXPECT_NE(methods.find("POST"), std::string::npos);
        EXPECT_NE(methods.find("OPTIONS"), std::string::npos);
        EXPECT_NE(response.header("Access-Control-Allow-Headers").value_or("").find("Authorization"), std::string::npos);
        if (probe.method == "OPTIONS") EXPECT_EQ(response.status, 200);
    }
}

TEST(HandUse, AccountNamesTheRegisteredUserAndNeedsAToken) {
    State state;
    auto token = register_token(state);
    auto account = handle(state, request("GET", "/_matrix/identity/v2/account", "", bearer(token)));
    ASSERT_EQ(account.status, 200);
    EXPECT_EQ(body_of(account)["user_id"], "@mx3pid:hs.example");
    EXPECT_EQ(handle(state, request("GET", "/_matrix/identity/v2/account")).status, 401);
    EXPECT_EQ(handle(state, request("GET", "/_matrix/identity/v2/account", "", bearer("unknown"))).status, 401);
}

TEST(HandUse, HashDetailsOfferTheSpecAlgorithms) {
    State state;
    auto token = register_token(state);
    auto details = handle(state, request("GET", "/_matrix/identity/v2/hash_details", "", bearer(token)));
    ASSERT_EQ(details.status, 200);
    auto body = body_of(details);
    EXPECT_EQ(body["algorithms"], json({"none", "sha256"}));
    EXPECT_TRUE(body["lookup_pepper"].is_string() && !body["lookup_pepper"].get<std::string>().empty());
    EXPECT_EQ(handle(state, request("GET", "/_matrix/identity/v2/hash_details")).status, 401);
}

TEST(HandUse, PublicKeyIsServedAndRecognised) {
    State state;
    for (const char* target : {"/_matrix/identity/v2/pubkey/ed25519:0", "/_matrix/identity/v2/pubkey/ed25519%3A0",
                               "/_matrix/identity/api/v1/pubkey/ed25519:0"}) {
        auto response = handle(state, request("GET", target));
        ASSERT_EQ(response.status, 200) << target;
        auto key = body_of(response)["public_key"].get<std::string>();
        EXPECT_EQ(key.size(), 43u) << "32 bytes in unpadded base64";
        auto valid = body_of(handle(state, request("GET", "/_matrix/identity/v2/pubkey/isvalid?public_key=" +
                                                              net::percent_encode(key))));
        EXPECT_EQ(valid["valid"], true);
    }
    auto other = body_of(handle(state, request("GET", "/_matrix/identity/v2/pubkey/isvalid?public_key=AAAA")));
    EXPECT_EQ(other["valid"], false);
    EXPECT_EQ(handle(state, request("GET", "/_matrix/identity/v2/pubkey/ed25519:1")).status, 404);
}

}  // namespace
