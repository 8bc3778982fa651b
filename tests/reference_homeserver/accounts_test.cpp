// The reference homeserver's accounts: registration (dummy stage, shared secret) and binding a
// validated address, which the bound-address check then sees.
#include "reference_homeserver/detail/accounts.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "spec/registration_mac.hpp"

namespace {

using namespace mx3pid;
using namespace mx3pid::reference_homeserver::detail;
using nlohmann::json;

net::Request post(const std::string& target, const json& body, const std::string& token = "") {
    net::Request request{"POST", target, {{"Content-Type", "application/json"}}, body.dump(), "127.0.0.1:1"};
    if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
    return request;
}

json body_of(const net::Response& response) { return json::parse(response.body, nullptr, false); }

struct Lookups {
    std::vector<std::string> id_servers;  ///< what each lookup was given
    ValidatedLookup function() {
        return [this](const std::string& sid, const std::string& secret, const std::string& id_server) -> std::optional<ThreepidKey> {
            id_servers.push_back(id_server);
            if (sid == "sid-email" && secret == "secret") return ThreepidKey{spec::Medium::email, "a@b.example"};
            if (sid == "sid-msisdn" && secret == "secret") return ThreepidKey{spec::Medium::msisdn, "GB 7700900002"};
            return std::nullopt;
        };
    }
};

/// Registers `user` through the dummy stage and returns the access token.
std::string register_user(Accounts& accounts, const std::string& user, const std::string& password) {
    json body{{"username", user}, {"password", password}};
    auto challenge = accounts.handle(post("/_matrix/client/v3/register?kind=user", body));
    EXPECT_TRUE(challenge);
    EXPECT_EQ(challenge->status, 401);
    auto flows = body_of(*challenge)["flows"];
    EXPECT_EQ(flows, json::parse(R"([{"stages":["m.login.dummy"]}])"));
    body["auth"] = {{"type", "m.login.dummy"}, {"session", body_of(*challenge)["session"]}};
    auto registered = accounts.handle(post("/_matrix/client/v3/register", body));
    EXPECT_EQ(registered->status, 200) << registered->body;
    EXPECT_EQ(body_of(*registered)["user_id"], "@" + user + ":reference.mx3pid.invalid");
    return body_of(*registered)["access_token"].get<std::string>();
}

TEST(Accounts, ClosedRegistrationIsForbidden) {
    Lookups lookups;
    Accounts accounts(AccountSettings{}, lookups.function());
    auto answer = accounts.handle(post("/_matrix/client/r0/register", {{"username", "u"}, {"password", "p"}}));
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 403);
    EXPECT_EQ(body_of(*answer)["errcode"], "M_FORBIDDEN");
    EXPECT_EQ(accounts.handle(net::Request{"GET", "/_synapse/admin/v1/register", {}, "", ""})->status, 400);
    EXPECT_FALSE(accounts.handle(post("/_matrix/client/v3/register/email/requestToken", json::object())))
        << "the requestToken endpoints are not the accounts' to answer";
}

TEST(Accounts, OpenRegistrationThroughTheDummyStage) {
    Lookups lookups;
    Accounts accounts(AccountSettings{true, "", "reference.mx3pid.invalid"}, lookups.function());
    auto token = register_user(accounts, "alice", "pw");
    EXPECT_FALSE(token.empty());
    json again{{"username", "alice"}, {"password", "x"}, {"auth", {{"type", "m.login.dummy"}}}};
    EXPECT_EQ(body_of(*accounts.handle(post("/_matrix/client/v3/register", again)))["errcode"], "M_USER_IN_USE");
    json bad{{"username", "Not Valid!"}, {"password", "x"}, {"auth", {{"type", "m.login.dummy"}}}};
    EXPECT_EQ(body_of(*accounts.handle(post("/_matrix/client/v3/register", bad)))["errcode"], "M_INVALID_USERNAME");
}

TEST(Accounts, SharedSecretRegistrationChecksTheMacAndUsesEachNonceOnce) {
    Lookups lookups;
    Accounts accounts(AccountSettings{false, "s3cret", "hs.example"}, lookups.function());
    auto nonce_of = [&] {
        auto answer = accounts.handle(net::Request{"GET", "/_synapse/admin/v1/register", {}, "", ""});
        EXPECT_EQ(answer->status, 200);
        return body_of(*answer)["nonce"].get<std::string>();
    };
    auto nonce = nonce_of();
    json wrong{{"nonce", nonce}, {"username", "bob"}, {"password", "pw"}, {"mac", spec::registration_mac("other", nonce, "bob", "pw", false)}};
    EXPECT_EQ(accounts.handle(post("/_synapse/admin/v1/register", wrong))->status, 403);
    EXPECT_EQ(accounts.handle(post("/_synapse/admin/v1/register", wrong))->status, 400) << "the nonce is spent";
    nonce = nonce_of();
    json right{{"nonce", nonce}, {"username", "bob"}, {"password", "pw"}, {"mac", spec::registration_mac("s3cret", nonce, "bob", "pw", false)}};
    auto answer = accounts.handle(post("/_synapse/admin/v1/register", right));
    EXPECT_EQ(answer->status, 200) << answer->body;
    EXPECT_EQ(body_of(*answer)["user_id"], "@bob:hs.example");
    EXPECT_EQ(accounts.handle(post("/_matrix/client/v3/register", {{"password", "p"}}))->status, 403)
        << "shared-secret registration does not open /register";
}

TEST(Accounts, RegistrationMacIsHmacSha1OfTheNulSeparatedFields) {
    // Computed independently: printf 'abc\0bob\0pw\0notadmin' | openssl sha1 -hmac s3cret
    EXPECT_EQ(spec::registration_mac("s3cret", "abc", "bob", "pw", false), "27b9c25e8f8aa1fdbc41f56e76df9c6d5f6b541f");
}

TEST(Accounts, AddBindsAValidatedAddressAfterThePassword) {
    Lookups lookups;
    Accounts accounts(AccountSettings{true, "", "reference.mx3pid.invalid"}, lookups.function());
    auto token = register_user(accounts, "carol", "right");
    const std::string add = "/_matrix/client/v3/account/3pid/add";
    json body{{"sid", "sid-email"}, {"client_secret", "secret"}};
    EXPECT_EQ(body_of(*accounts.handle(post(add, body)))["errcode"], "M_UNKNOWN_TOKEN");
    auto challenge = accounts.handle(post(add, body, token));
    EXPECT_EQ(challenge->status, 401);
    EXPECT_EQ(body_of(*challenge)["flows"], json::parse(R"([{"stages":["m.login.password"]}])"));
    body["auth"] = {{"type", "m.login.password"}, {"identifier", {{"type", "m.id.user"}, {"user", "@carol:reference.mx3pid.invalid"}}},
                    {"password", "wrong"}, {"session", body_of(*challenge)["session"]}};
    auto refused = accounts.handle(post(add, body, token));
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(body_of(*refused)["errcode"], "M_FORBIDDEN");
    EXPECT_FALSE(accounts.is_bound(spec::Medium::email, "a@b.example"));

    body["auth"]["password"] = "right";
    EXPECT_EQ(accounts.handle(post(add, body, token))->status, 200);
    EXPECT_TRUE(accounts.is_bound(spec::Medium::email, "a@b.example"));
    EXPECT_FALSE(accounts.is_bound(spec::Medium::email, "other@b.example"));

    auto listed = accounts.handle(net::Request{"GET", "/_matrix/client/v3/account/3pid", {{"Authorization", "Bearer " + token}}, "", ""});
    EXPECT_EQ(body_of(*listed)["threepids"][0]["address"], "a@b.example");

    body["sid"] = "unvalidated";
    EXPECT_EQ(body_of(*accounts.handle(post(add, body, token)))["errcode"], "M_THREEPID_AUTH_FAILED");

    auto other = register_user(accounts, "dave", "pw2");
    json taken{{"sid", "sid-email"}, {"client_secret", "secret"},
               {"auth", {{"type", "m.login.password"}, {"user", "@dave:reference.mx3pid.invalid"}, {"password", "pw2"}}}};
    EXPECT_EQ(body_of(*accounts.handle(post(add, taken, other)))["errcode"], "M_THREEPID_IN_USE");
}

TEST(Accounts, OldEditionsBindWithThreePidCreds) {
    Lookups lookups;
    Accounts accounts(AccountSettings{true, "", "reference.mx3pid.invalid"}, lookups.function());
    auto token = register_user(accounts, "erin", "pw");
    json body{{"three_pid_creds", {{"sid", "sid-msisdn"}, {"client_secret", "secret"}, {"id_server", "127.0.0.1:8090"}}}, {"bind", false}};
    EXPECT_EQ(accounts.handle(post("/_matrix/client/r0/account/3pid", body, token))->status, 200);
    EXPECT_TRUE(accounts.is_bound(spec::Medium::msisdn, "GB 7700900002"));
    ASSERT_FALSE(lookups.id_servers.empty());
    EXPECT_EQ(lookups.id_servers.back(), "127.0.0.1:8090");
}

TEST(Accounts, IdentityServerAnswersBecomeKeys) {
    auto msisdn = Accounts::key_of("msisdn", "447700900002");
    ASSERT_TRUE(msisdn);
    EXPECT_EQ(msisdn->key, "GB 7700900002");
    EXPECT_EQ(Accounts::key_of("email", "A@B.Example")->key, "a@b.example");
    EXPECT_FALSE(Accounts::key_of("msisdn", "999"));
    EXPECT_FALSE(Accounts::key_of("fax", "1"));
}

}  // namespace
