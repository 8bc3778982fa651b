#include "mock_identity/identity_server.hpp"

#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "test_client.hpp"

namespace {

using namespace mx3pid;
using namespace mx3pid::mock_identity;
using namespace mx3pid::mock_identity::testing;
using nlohmann::json;

const std::string email_request_token = std::string(v1) + "/validate/email/requestToken";
const std::string msisdn_request_token = std::string(v1) + "/validate/msisdn/requestToken";

bool is_sid(const std::string& sid) { return std::regex_match(sid, std::regex("[0-9a-zA-Z.=_-]{1,255}")); }

json email_body(const std::string& client_secret = "secret", const std::string& email = "alice@example.org",
                json send_attempt = 1) {
    return {{"client_secret", client_secret}, {"email", email}, {"send_attempt", send_attempt}};
}

json msisdn_body(const std::string& client_secret = "secret", const std::string& phone_number = "07700 900-001") {
    return {{"client_secret", client_secret}, {"country", "GB"}, {"phone_number", phone_number}, {"send_attempt", 1}};
}

class IdentityServerTest : public ::testing::Test {
protected:
    IdentityServer server;
    Client client{server.base_url()};

    std::string request_sid(const json& body, const std::string& target = email_request_token) {
        auto response = client.post(target, body);
        EXPECT_EQ(response.status, 200) << response.body;
        return json_of(response).value("sid", "");
    }

    std::string register_token() {
        auto response = client.post(std::string(v2) + "/account/register", {{"access_token", "openid"},
                                                                            {"token_type", "Bearer"},
                                                                            {"matrix_server_name", "hs.example"},
                                                                            {"expires_in", 3600}});
        EXPECT_EQ(response.status, 200) << response.body;
        return json_of(response).value("token", "");
    }

    std::string submit_query(const std::string& sid, const std::string& client_secret, const std::string& token) {
        return "?sid=" + net::percent_encode(sid) + "&client_secret=" + net::percent_encode(client_secret) +
               "&token=" + net::percent_encode(token);
    }
};

// --- discovery -----------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, AuthorityAndBaseUrlNameTheBoundPort) {
    EXPECT_NE(server.port(), 0);
    EXPECT_EQ(server.authority(), "127.0.0.1:" + std::to_string(server.port()));
    EXPECT_EQ(server.base_url(), "http://" + server.authority());
}

TEST_F(IdentityServerTest, VersionsListsTheIdentityServiceEditions) {
    auto response = client.get("/_matrix/identity/versions");
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    auto versions = json_of(response)["versions"];
    ASSERT_TRUE(versions.is_array());
    for (const char* version : {"r0.1.0", "r0.2.0", "r0.2.1", "r0.3.0", "v1.1"})
        EXPECT_NE(std::find(versions.begin(), versions.end(), version), versions.end()) << version;
}

TEST_F(IdentityServerTest, StatusChecksAnswerAnEmptyObjectWithoutAuth) {
    for (const char* path : {"/_matrix/identity/api/v1", "/_matrix/identity/v2", "/_matrix/identity/v2/"}) {
        auto response = client.get(path);
        EXPECT_EQ(response.status, 200) << path;
        EXPECT_EQ(json_of(response), json::object()) << path;
    }
}

// --- requestToken ---------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, EmailRequestTokenCreatesASessionAndSendsOneMessage) {
    auto body = email_body("s3cret", "Alice@Example.ORG");
    body["next_link"] = "https://client.example/done";
    auto response = client.post(email_request_token, body);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/json");
    auto sid = json_of(response).value("sid", "");
    EXPECT_TRUE(is_sid(sid)) << sid;
    EXPECT_EQ(sid.rfind("mockis-", 0), 0u) << sid;

    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].medium, "email");
    EXPECT_EQ(messages[0].address, "alice@example.org");
    EXPECT_EQ(messages[0].sid, sid);
    EXPECT_EQ(messages[0].client_secret, "s3cret");
    EXPECT_GE(messages[0].token.size(), 6u);
    EXPECT_EQ(messages[0].send_attempt, 1);
    EXPECT_EQ(messages[0].next_link, "https://client.example/done");
}

TEST_F(IdentityServerTest, MsisdnRequestTokenNormalisesTheNumber) {
    auto sid = request_sid(msisdn_body(), msisdn_request_token);
    EXPECT_TRUE(is_sid(sid));
    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].medium, "msisdn");
    EXPECT_EQ(messages[0].address, "GB 07700900001");
    EXPECT_EQ(messages[0].sid, sid);
    EXPECT_TRUE(std::regex_match(messages[0].token, std::regex("[0-9]{6}"))) << messages[0].token;
}

TEST_F(IdentityServerTest, FormEncodedBodiesAreAcceptedWithADecimalSendAttempt) {
    auto email = client.post_form(
        email_request_token, "client_secret=formsecret&email=bob%40example.org&send_attempt=1&id_server=is.example");
    ASSERT_EQ(email.status, 200) << email.body;
    auto msisdn = client.post_form(msisdn_request_token,
                                   "client_secret=formsecret&country=US&phone_number=%2B1+202+555+0123&send_attempt=2");
    ASSERT_EQ(msisdn.status, 200) << msisdn.body;

    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].address, "bob@example.org");
    EXPECT_EQ(messages[1].address, "US +12025550123");
    EXPECT_EQ(messages[1].send_attempt, 2);

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].body, (json{{"client_secret", "formsecret"},
                                      {"email", "bob@example.org"},
                                      {"send_attempt", "1"},
                                      {"id_server", "is.example"}}));
}

TEST_F(IdentityServerTest, FormEncodedSendAttemptMustBeADecimalInteger) {
    for (const char* value : {"", "abc", "1.0", "1e3", "0x10", "99999999999999999999"}) {
        auto response = client.post_form(email_request_token,
                                         std::string("client_secret=s&email=a%40b.example&send_attempt=") + value);
        expect_error(response, 400, "M_INVALID_PARAM");
    }
    EXPECT_TRUE(server.messages().empty());
}

TEST_F(IdentityServerTest, SendAttemptDecidesWhetherAMessageIsSent) {
    auto first = request_sid(email_body("secret", "carol@example.org", 2));
    ASSERT_EQ(server.messages().size(), 1u);

    EXPECT_EQ(request_sid(email_body("secret", "carol@example.org", 2)), first);
    EXPECT_EQ(server.messages().size(), 1u) << "same send_attempt: nothing new";

    auto mark = server.last_message_sequence();
    EXPECT_EQ(request_sid(email_body("secret", "carol@example.org", 3)), first);
    auto resent = server.messages_since(mark);
    ASSERT_EQ(resent.size(), 1u) << "higher send_attempt: one more message";
    EXPECT_EQ(resent[0].sid, first);
    EXPECT_EQ(resent[0].send_attempt, 3);

    EXPECT_EQ(request_sid(email_body("secret", "carol@example.org", 1)), first);
    EXPECT_EQ(request_sid(email_body("secret", "carol@example.org", 3)), first);
    EXPECT_EQ(server.messages().size(), 2u) << "lower or equal send_attempt: nothing new";
}

TEST_F(IdentityServerTest, SessionsAreKeyedByMediumAddressAndClientSecret) {
    auto first = request_sid(email_body("secret", "dave@example.org"));
    EXPECT_EQ(request_sid(email_body("secret", " DAVE@example.org ")), first) << "same normalised address";
    EXPECT_NE(request_sid(email_body("other", "dave@example.org")), first);
    EXPECT_NE(request_sid(email_body("secret", "erin@example.org")), first);
    auto phone = request_sid(msisdn_body("secret"), msisdn_request_token);
    EXPECT_NE(phone, first);
    EXPECT_EQ(request_sid(msisdn_body("secret", "07700900001"), msisdn_request_token), phone);
    EXPECT_EQ(server.messages().size(), 4u);
}

TEST_F(IdentityServerTest, ClientSecretGrammarBoundaries) {
    for (const std::string& good : {std::string(255, 'a'), std::string("a.b"), std::string("a=b"), std::string("a_b"),
                                    std::string("a-b"), std::string("Z9")}) {
        auto response = client.post(email_request_token, email_body(good));
        EXPECT_EQ(response.status, 200) << good.size() << " " << response.body;
    }
    for (const std::string& bad : {std::string(256, 'a'), std::string(), std::string("a!b"), std::string("a b"),
                                   std::string("d0n'tT3ll"), std::string("caf\xc3\xa9")}) {
        expect_error(client.post(email_request_token, email_body(bad)), 400, "M_INVALID_PARAM");
        expect_error(client.post(msisdn_request_token, msisdn_body(bad)), 400, "M_INVALID_PARAM");
    }
    EXPECT_EQ(server.messages().size(), 6u);
}

TEST_F(IdentityServerTest, MissingFieldsGiveMissingParams) {
    for (const char* field : {"client_secret", "email", "send_attempt"}) {
        auto body = email_body();
        body.erase(field);
        expect_error(client.post(email_request_token, body), 400, "M_MISSING_PARAMS");
    }
    for (const char* field : {"client_secret", "country", "phone_number", "send_attempt"}) {
        auto body = msisdn_body();
        body.erase(field);
        expect_error(client.post(msisdn_request_token, body), 400, "M_MISSING_PARAMS");
    }
    expect_error(client.post(email_request_token, json::object()), 400, "M_MISSING_PARAMS");
    expect_error(client.post_form(email_request_token, "client_secret=x&send_attempt=1"), 400, "M_MISSING_PARAMS");
    EXPECT_TRUE(server.messages().empty());
}

TEST_F(IdentityServerTest, WrongTypesGiveInvalidParam) {
    for (const json& send_attempt :
         {json("1"), json(1.5), json(true), json(nullptr), json::array({1}), json(18446744073709551615ull)}) {
        expect_error(client.post(email_request_token, email_body("secret", "a@b.example", send_attempt)), 400,
                     "M_INVALID_PARAM");
    }
    auto body = email_body();
    body["client_secret"] = 12;
    expect_error(client.post(email_request_token, body), 400, "M_INVALID_PARAM");
    body = email_body();
    body["email"] = json::array();
    expect_error(client.post(email_request_token, body), 400, "M_INVALID_PARAM");
    body = email_body();
    body["next_link"] = 5;
    expect_error(client.post(email_request_token, body), 400, "M_INVALID_PARAM");
    body = msisdn_body();
    body["phone_number"] = 7700900001;
    expect_error(client.post(msisdn_request_token, body), 400, "M_INVALID_PARAM");
    EXPECT_TRUE(server.messages().empty());
}

TEST_F(IdentityServerTest, IntegerSendAttemptsOfAnySignAreAccepted) {
    EXPECT_EQ(client.post(email_request_token, email_body("s", "a@b.example", 0)).status, 200);
    EXPECT_EQ(client.post(email_request_token, email_body("t", "a@b.example", -5)).status, 200);
    EXPECT_EQ(client.post(email_request_token, email_body("u", "a@b.example", 9223372036854775807LL)).status, 200);
}

TEST_F(IdentityServerTest, BodiesThatAreNotJsonObjects) {
    expect_error(client.post_raw(email_request_token, "not json", "application/json"), 400, "M_NOT_JSON");
    expect_error(client.post_raw(email_request_token, "", "application/json"), 400, "M_NOT_JSON");
    expect_error(client.post_raw(email_request_token, "{\"client_secret\":", "application/json"), 400, "M_NOT_JSON");
    expect_error(client.post_raw(email_request_token, std::string(10000, '['), "application/json"), 400, "M_NOT_JSON");
    expect_error(client.post_raw(email_request_token, "[1,2]", "application/json"), 400, "M_BAD_JSON");
    expect_error(client.post_raw(email_request_token, "null", "application/json"), 400, "M_BAD_JSON");
    expect_error(client.post_raw(email_request_token, "\"text\"", "application/json"), 400, "M_BAD_JSON");
    auto without_type = client.send(net::Request{"POST", email_request_token, {}, email_body().dump(), ""});
    EXPECT_EQ(without_type.status, 200) << "a body without Content-Type is read as JSON";
}

TEST_F(IdentityServerTest, InvalidEmailAddresses) {
    for (const char* email : {"", "plain", "@example.org", "alice@", "a b@example.org", "a@b@example.org", "a\tb@c.d"})
        expect_error(client.post(email_request_token, email_body("secret", email)), 400, "M_INVALID_EMAIL");
    EXPECT_EQ(client.post(email_request_token, email_body("secret", "user+tag@localhost")).status, 200);
}

TEST_F(IdentityServerTest, InvalidPhoneNumbersAndCountries) {
    auto with = [](const char* country, const char* phone) {
        return json{{"client_secret", "s"}, {"country", country}, {"phone_number", phone}, {"send_attempt", 1}};
    };
    for (auto [country, phone] : {std::pair{"gb", "07700900001"},
                                  {"GBR", "07700900001"},
                                  {"", "07700900001"},
                                  {"G1", "07700900001"},
                                  {"GB", ""},
                                  {"GB", "abc"},
                                  {"GB", "0770090000x"},
                                  {"GB", "+"},
                                  {"GB", "1+2"},
                                  {"GB", "123456789012345678901"}})
        expect_error(client.post(msisdn_request_token, with(country, phone)), 400, "M_INVALID_ADDRESS");
    EXPECT_EQ(client.post(msisdn_request_token, with("GB", "12345678901234567890")).status, 200);
    EXPECT_EQ(client.post(msisdn_request_token, with("DE", "+49 30-1234567")).status, 200);
    EXPECT_EQ(server.messages().size(), 2u);
}

TEST_F(IdentityServerTest, ExtraFieldsAreIgnored) {
    auto body = email_body();
    body["id_server"] = "is.example";
    body["id_access_token"] = "abc";
    body["something_else"] = {{"nested", true}};
    EXPECT_EQ(client.post(email_request_token, body).status, 200);
}

// --- v2 authentication -------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, V2RequiresARegisteredBearerToken) {
    const std::string target = std::string(v2) + "/validate/email/requestToken";
    expect_error(client.post(target, email_body()), 401, "M_UNAUTHORIZED");
    expect_error(client.post(target, email_body(), {{"Authorization", "Bearer not-registered"}}), 401,
                 "M_UNAUTHORIZED");
    expect_error(client.post(target, email_body(), {{"Authorization", "Basic abc"}}), 401, "M_UNAUTHORIZED");
    EXPECT_TRUE(server.messages().empty());

    auto token = register_token();
    ASSERT_FALSE(token.empty());
    auto response = client.post(target, email_body(), {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_TRUE(is_sid(json_of(response).value("sid", "")));
    EXPECT_EQ(client.post(target + "?access_token=" + token, email_body("other")).status, 200)
        << "the deprecated query parameter works too";
    EXPECT_EQ(server.messages().size(), 2u);

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 6u);
    EXPECT_EQ(requests[0].status, 401);
    EXPECT_EQ(requests[4].status, 200);
}

TEST_F(IdentityServerTest, V2EveryEndpointButStatusRegisterAndTermsNeedsAuth) {
    for (auto [method, suffix] : {std::pair{"POST", "/validate/email/requestToken"},
                                  {"POST", "/validate/msisdn/requestToken"},
                                  {"POST", "/validate/email/submitToken"},
                                  {"GET", "/validate/email/submitToken"},
                                  {"POST", "/validate/msisdn/submitToken"},
                                  {"GET", "/validate/msisdn/submitToken"},
                                  {"GET", "/3pid/getValidated3pid"},
                                  {"POST", "/3pid/bind"},
                                  {"POST", "/3pid/unbind"},
                                  {"POST", "/account/logout"},
                                  {"POST", "/terms"}}) {
        auto response = client.send(
            net::Request{method, std::string(v2) + suffix, {{"Content-Type", "application/json"}}, "{}", ""});
        expect_error(response, 401, "M_UNAUTHORIZED");
    }
    EXPECT_EQ(client.get(std::string(v2) + "/terms").status, 200);
}

TEST_F(IdentityServerTest, V2LogoutForgetsTheToken) {
    auto token = register_token();
    net::Headers auth{{"Authorization", "Bearer " + token}};
    EXPECT_EQ(client.post(std::string(v2) + "/terms", json::object(), auth).status, 200);
    EXPECT_EQ(client.post(std::string(v2) + "/account/logout", json::object(), auth).status, 200);
    expect_error(client.post(std::string(v2) + "/terms", json::object(), auth), 401, "M_UNAUTHORIZED");
}

TEST_F(IdentityServerTest, V2FlowEndToEnd) {
    auto token = register_token();
    net::Headers auth{{"Authorization", "Bearer " + token}};
    auto response = client.post(std::string(v2) + "/validate/msisdn/requestToken", msisdn_body(), auth);
    ASSERT_EQ(response.status, 200);
    auto sid = json_of(response)["sid"].get<std::string>();
    auto message = server.messages().at(0);
    response = client.post(std::string(v2) + "/validate/msisdn/submitToken",
                           {{"sid", sid}, {"client_secret", "secret"}, {"token", message.token}}, auth);
    EXPECT_EQ(response.status, 200) << response.body;
    response = client.get(std::string(v2) + "/3pid/getValidated3pid?sid=" + sid + "&client_secret=secret", auth);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(json_of(response)["address"], "447700900001");
}

// --- submitToken -------------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, SubmitTokenPostValidatesTheSession) {
    auto sid = request_sid(email_body());
    auto token = server.messages().at(0).token;
    const std::string target = std::string(v1) + "/validate/email/submitToken";

    expect_error(client.post(target, {{"sid", sid}, {"client_secret", "secret"}, {"token", token + "x"}}), 400,
                 "M_TOKEN_INCORRECT");
    expect_error(client.post(target, {{"sid", sid}, {"client_secret", "wrong"}, {"token", token}}), 404,
                 "M_NO_VALID_SESSION");
    expect_error(client.post(target, {{"sid", "nope"}, {"client_secret", "secret"}, {"token", token}}), 404,
                 "M_NO_VALID_SESSION");
    expect_error(client.post(std::string(v1) + "/validate/msisdn/submitToken",
                             {{"sid", sid}, {"client_secret", "secret"}, {"token", token}}),
                 404, "M_NO_VALID_SESSION");
    expect_error(client.post(target, {{"sid", sid}, {"client_secret", "secret"}}), 400, "M_MISSING_PARAMS");
    expect_error(client.post(target, {{"sid", sid}, {"client_secret", "secret"}, {"token", 5}}), 400,
                 "M_INVALID_PARAM");
    expect_error(client.post_raw(target, "{", "application/json"), 400, "M_NOT_JSON");

    auto response = client.post(target, {{"sid", sid}, {"client_secret", "secret"}, {"token", token}});
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(json_of(response), (json{{"success", true}}));
    response = client.post(target, {{"sid", sid}, {"client_secret", "secret"}, {"token", token}});
    EXPECT_EQ(response.status, 200) << "submitting again still succeeds";
}

TEST_F(IdentityServerTest, SubmitTokenPostAcceptsAFormBody) {
    auto sid = request_sid(msisdn_body(), msisdn_request_token);
    auto token = server.messages().at(0).token;
    auto response = client.post_form(std::string(v1) + "/validate/msisdn/submitToken",
                                     "sid=" + sid + "&client_secret=secret&token=" + token);
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(json_of(response)["success"], true);
}

TEST_F(IdentityServerTest, SubmitTokenGetRedirectsToNextLink) {
    auto body = email_body();
    body["next_link"] = "https://client.example/after?x=1";
    auto sid = request_sid(body);
    auto token = server.messages().at(0).token;
    const std::string target = std::string(v1) + "/validate/email/submitToken";

    auto wrong = client.get(target + submit_query(sid, "secret", "bad"));
    EXPECT_EQ(wrong.status, 400);
    EXPECT_EQ(wrong.header("Content-Type").value_or("").rfind("text/", 0), 0u);
    EXPECT_EQ(client.get(target + "?sid=" + sid).status, 400);
    EXPECT_EQ(client.get(target + submit_query("unknown", "secret", token)).status, 400);

    auto response = client.get(target + submit_query(sid, "secret", token));
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(response.header("Location"), "https://client.example/after?x=1");
}

TEST_F(IdentityServerTest, SubmitTokenGetWithoutNextLinkShowsAPage) {
    auto sid = request_sid(email_body());
    auto token = server.messages().at(0).token;
    auto response = client.get(std::string(v1) + "/validate/email/submitToken" + submit_query(sid, "secret", token));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.header("Content-Type").value_or("").rfind("text/html", 0), 0u);
    EXPECT_FALSE(response.header("Location"));
    EXPECT_EQ(client.get(std::string(v1) + "/3pid/getValidated3pid?sid=" + sid + "&client_secret=secret").status, 200);
}

TEST_F(IdentityServerTest, SubmitTokenGetDoesNotRedirectToAnUnsafeNextLink) {
    auto body = email_body();
    body["next_link"] = "https://client.example/\r\nSet-Cookie: x=1";
    auto sid = request_sid(body);
    auto token = server.messages().at(0).token;
    auto response = client.get(std::string(v1) + "/validate/email/submitToken" + submit_query(sid, "secret", token));
    EXPECT_EQ(response.status, 200);
    EXPECT_FALSE(response.header("Location"));
    EXPECT_FALSE(response.header("Set-Cookie"));
}

// --- getValidated3pid, bind, unbind ------------------------------------------------------------------------

TEST_F(IdentityServerTest, GetValidated3pidBeforeAndAfterValidation) {
    const std::string target = std::string(v1) + "/3pid/getValidated3pid";
    auto sid = request_sid(email_body("secret", "Frank@Example.org"));
    expect_error(client.get(target + "?sid=" + sid + "&client_secret=secret"), 400, "M_SESSION_NOT_VALIDATED");
    expect_error(client.get(target + "?sid=" + sid + "&client_secret=other"), 404, "M_NO_VALID_SESSION");
    expect_error(client.get(target + "?sid=unknown&client_secret=secret"), 404, "M_NO_VALID_SESSION");
    expect_error(client.get(target + "?sid=" + sid), 400, "M_MISSING_PARAMS");

    auto token = server.messages().at(0).token;
    ASSERT_EQ(client
                  .post(std::string(v1) + "/validate/email/submitToken",
                        {{"sid", sid}, {"client_secret", "secret"}, {"token", token}})
                  .status,
              200);
    auto response = client.get(target + "?sid=" + sid + "&client_secret=secret");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = json_of(response);
    EXPECT_EQ(body["medium"], "email");
    EXPECT_EQ(body["address"], "frank@example.org");
    ASSERT_TRUE(body["validated_at"].is_number_integer());
    EXPECT_GT(body["validated_at"].get<std::int64_t>(), 1'600'000'000'000);
}

TEST_F(IdentityServerTest, MarkValidatedValidatesWithoutAToken) {
    auto sid = request_sid(msisdn_body(), msisdn_request_token);
    EXPECT_FALSE(server.mark_validated("no-such-sid"));
    EXPECT_TRUE(server.mark_validated(sid));
    auto response = client.get(std::string(v1) + "/3pid/getValidated3pid?sid=" + sid + "&client_secret=secret");
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = json_of(response);
    EXPECT_EQ(body["medium"], "msisdn");
    EXPECT_EQ(body["address"], "447700900001");
}

TEST_F(IdentityServerTest, BindNeedsAValidatedSessionAndUnbindAccepts) {
    const std::string bind = std::string(v1) + "/3pid/bind";
    auto sid = request_sid(email_body());
    json request{{"sid", sid}, {"client_secret", "secret"}, {"mxid", "@alice:hs.example"}};
    expect_error(client.post(bind, request), 400, "M_SESSION_NOT_VALIDATED");
    expect_error(client.post(bind, {{"sid", sid}, {"client_secret", "secret"}}), 400, "M_MISSING_PARAMS");
    expect_error(client.post(bind, {{"sid", "x"}, {"client_secret", "secret"}, {"mxid", "@a:b"}}), 404,
                 "M_NO_VALID_SESSION");

    ASSERT_TRUE(server.mark_validated(sid));
    auto response = client.post(bind, request);
    ASSERT_EQ(response.status, 200) << response.body;
    auto body = json_of(response);
    EXPECT_EQ(body["address"], "alice@example.org");
    EXPECT_EQ(body["medium"], "email");
    EXPECT_EQ(body["mxid"], "@alice:hs.example");
    for (const char* field : {"not_before", "not_after", "ts"}) EXPECT_TRUE(body[field].is_number_integer()) << field;
    EXPECT_TRUE(body["signatures"].is_object());

    auto unbind = client.post(
        std::string(v1) + "/3pid/unbind",
        {{"mxid", "@alice:hs.example"}, {"threepid", {{"medium", "email"}, {"address", "alice@example.org"}}}});
    EXPECT_EQ(unbind.status, 200) << unbind.body;
    expect_error(client.post_raw(std::string(v1) + "/3pid/unbind", "nope", "application/json"), 400, "M_NOT_JSON");
}

// --- routing -----------------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, UnknownPathsAre404Unrecognized) {
    for (const char* path :
         {"/", "/_matrix/identity", "/_matrix/identity/api/v10", "/_matrix/identity/v3/validate/email/requestToken",
          "/_matrix/identity/api/v1/validate/email/requestTokenX", "/_matrix/identity/api/v1/account/register",
          "/_matrix/client/versions"})
        expect_error(client.get(path), 404, "M_UNRECOGNIZED");
    expect_error(client.post(std::string(v1) + "/nothing", json::object()), 404, "M_UNRECOGNIZED");
}

TEST_F(IdentityServerTest, WrongMethodsAre405Unrecognized) {
    auto response = client.get(email_request_token);
    expect_error(response, 405, "M_UNRECOGNIZED");
    EXPECT_EQ(response.header("Allow"), "POST");
    expect_error(client.post(std::string(v1) + "/3pid/getValidated3pid", json::object()), 405, "M_UNRECOGNIZED");
    expect_error(client.send(net::Request{"PUT", std::string(v1) + "/3pid/bind", {}, "{}", ""}), 405, "M_UNRECOGNIZED");
    response = client.send(net::Request{"DELETE", std::string(v1) + "/validate/email/submitToken", {}, "", ""});
    expect_error(response, 405, "M_UNRECOGNIZED");
    EXPECT_EQ(response.header("Allow"), "POST, GET");
    expect_error(client.post("/_matrix/identity/versions", json::object()), 405, "M_UNRECOGNIZED");
}

// --- records -----------------------------------------------------------------------------------------------

TEST_F(IdentityServerTest, RequestsAreRecordedWithBodyAndStatus) {
    auto before = std::chrono::system_clock::now();
    auto body = email_body();
    ASSERT_EQ(client.post(email_request_token + "?trace=1", body, {{"X-Test", "yes"}}).status, 200);
    ASSERT_EQ(client.post_raw(email_request_token, "garbage", "application/json").status, 400);
    ASSERT_EQ(client.get(std::string(v1) + "/3pid/getValidated3pid?sid=abc&client_secret=def").status, 404);

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0].sequence, 1u);
    EXPECT_EQ(requests[1].sequence, 2u);
    EXPECT_EQ(requests[2].sequence, 3u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].path, email_request_token);
    EXPECT_EQ(requests[0].query, "trace=1");
    EXPECT_EQ(requests[0].raw_body, body.dump());
    EXPECT_EQ(requests[0].body, body);
    EXPECT_EQ(requests[0].status, 200);
    EXPECT_GE(requests[0].received_at, before - std::chrono::seconds(1));
    EXPECT_EQ(net::find_header(requests[0].headers, "x-test"), "yes");
    EXPECT_TRUE(requests[1].body.is_null());
    EXPECT_EQ(requests[1].raw_body, "garbage");
    EXPECT_EQ(requests[1].status, 400);
    EXPECT_EQ(requests[2].method, "GET");
    EXPECT_EQ(requests[2].body, (json{{"sid", "abc"}, {"client_secret", "def"}}));
    EXPECT_EQ(requests[2].status, 404);

    EXPECT_EQ(server.last_request_sequence(), 3u);
    auto since = server.requests_since(1);
    ASSERT_EQ(since.size(), 2u);
    EXPECT_EQ(since[0].sequence, 2u);
    EXPECT_TRUE(server.requests_since(3).empty());
}

TEST_F(IdentityServerTest, MessagesAreRecordedInOrder) {
    EXPECT_EQ(server.last_message_sequence(), 0u);
    request_sid(email_body("a"));
    request_sid(email_body("b"));
    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].sequence, 1u);
    EXPECT_EQ(messages[1].sequence, 2u);
    EXPECT_NE(messages[0].token, messages[1].token);
    EXPECT_NE(messages[0].sid, messages[1].sid);
    EXPECT_EQ(server.last_message_sequence(), 2u);
    auto since = server.messages_since(1);
    ASSERT_EQ(since.size(), 1u);
    EXPECT_EQ(since[0].client_secret, "b");
}

TEST_F(IdentityServerTest, ResetForgetsEverythingButKeepsCounting) {
    auto token = register_token();
    auto sid = request_sid(email_body());
    server.reset();
    EXPECT_TRUE(server.requests().empty());
    EXPECT_TRUE(server.messages().empty());
    EXPECT_EQ(server.last_request_sequence(), 2u);
    EXPECT_EQ(server.last_message_sequence(), 1u);
    EXPECT_FALSE(server.mark_validated(sid));

    expect_error(client.get(std::string(v1) + "/3pid/getValidated3pid?sid=" + sid + "&client_secret=secret"), 404,
                 "M_NO_VALID_SESSION");
    auto again = request_sid(email_body());
    EXPECT_NE(again, sid) << "a new session after reset";
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].sequence, 3u);
    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].sequence, 2u);
    EXPECT_EQ(client.post(std::string(v2) + "/terms", json::object(), {{"Authorization", "Bearer " + token}}).status,
              200)
        << "access tokens survive a reset";
}

TEST_F(IdentityServerTest, ConcurrentClientsAreAllRecorded) {
    constexpr int threads = 4;
    constexpr int per_thread = 15;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([this, t] {
            Client own(server.base_url());
            for (int i = 0; i < per_thread; ++i)
                own.post(email_request_token, email_body("t" + std::to_string(t) + "i" + std::to_string(i)));
        });
    }
    for (auto& worker : workers) worker.join();
    auto requests = server.requests();
    ASSERT_EQ(requests.size(), static_cast<std::size_t>(threads * per_thread));
    for (std::size_t i = 0; i < requests.size(); ++i) {
        EXPECT_EQ(requests[i].sequence, i + 1);
        EXPECT_EQ(requests[i].status, 200);
    }
    auto messages = server.messages();
    ASSERT_EQ(messages.size(), static_cast<std::size_t>(threads * per_thread));
    std::set<std::string> sids;
    for (const auto& message : messages) sids.insert(message.sid);
    EXPECT_EQ(sids.size(), messages.size());
}

TEST(IdentityServer, OversizedBodiesAreRefused) {
    IdentityServer server;
    Client client(server.base_url());
    auto response = client.post_raw(email_request_token, std::string(100 * 1024, 'x'), "application/json");
    EXPECT_EQ(response.status, 413);
}

TEST(IdentityServer, TwoServersAreIndependent) {
    IdentityServer first;
    IdentityServer second;
    EXPECT_NE(first.port(), second.port());
    Client(first.base_url()).post(email_request_token, email_body());
    EXPECT_EQ(first.requests().size(), 1u);
    EXPECT_TRUE(second.requests().empty());
}

}  // namespace
