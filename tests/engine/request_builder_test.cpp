#include "engine/request_builder.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace mx3pid::suite;
using namespace mx3pid::engine;
using nlohmann::json;

namespace {
RequestContext context_for(const char* edition) {
    return {"/base/", *mx3pid::spec::Edition::parse(edition), {"127.0.0.1:8090", "token-trusted"}, {"127.0.0.1:8091", "token-decoy"}};
}

CaseValues email_values() {
    CaseValues values;
    values.address.medium = mx3pid::spec::Medium::email;
    values.address.email = "someone@allowed.example";
    values.client_secret = "mx3pid-secret";
    values.next_link = "https://client.invalid/done";
    values.send_attempt = 7;
    return values;
}

json body_of(const mx3pid::net::Request& request) { return json::parse(request.body); }
}  // namespace

TEST(RequestBuilder, AValidBodyUnderTheEditionsPrefix) {
    const auto& endpoint = *mx3pid::spec::find_endpoint_by_key("register/email");
    auto request = build_request(endpoint, {}, email_values(), context_for("r0.4.0"));
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/base/_matrix/client/r0/register/email/requestToken");
    auto body = body_of(request);
    EXPECT_EQ(body["client_secret"], "mx3pid-secret");
    EXPECT_EQ(body["email"], "someone@allowed.example");
    EXPECT_EQ(body["send_attempt"], 7);
    EXPECT_EQ(body["next_link"], "https://client.invalid/done");
    EXPECT_EQ(body["id_server"], "127.0.0.1:8090");
    EXPECT_FALSE(body.contains("id_access_token")) << "id_access_token does not exist before r0.6.0";
}

TEST(RequestBuilder, IdAccessTokenGoesWithIdServerFromR060) {
    const auto& endpoint = *mx3pid::spec::find_endpoint_by_key("3pid/msisdn");
    CaseValues values = email_values();
    values.address.medium = mx3pid::spec::Medium::msisdn;
    values.address.msisdn = {"GB", "7700900123"};
    auto body = body_of(build_request(endpoint, {}, values, context_for("v1.11")));
    EXPECT_EQ(body["id_access_token"], "token-trusted");
    EXPECT_EQ(body["country"], "GB");
    EXPECT_FALSE(body.contains("email"));

    RequestSpec untrusted;
    untrusted.id_server = IdServerChoice::untrusted;
    auto decoy = body_of(build_request(endpoint, untrusted, values, context_for("r0.6.0")));
    EXPECT_EQ(decoy["id_server"], "127.0.0.1:8091");
    EXPECT_EQ(decoy["id_access_token"], "token-decoy");

    RequestSpec no_token;
    no_token.id_access_token = false;
    auto bare = body_of(build_request(endpoint, no_token, values, context_for("v1.11")));
    EXPECT_TRUE(bare.contains("id_server"));
    EXPECT_FALSE(bare.contains("id_access_token"));

    RequestSpec omitted;
    omitted.id_server = IdServerChoice::omit;
    auto none = body_of(build_request(endpoint, omitted, values, context_for("v1.11")));
    EXPECT_FALSE(none.contains("id_server"));
    EXPECT_FALSE(none.contains("id_access_token"));
}

TEST(RequestBuilder, StepChangesApplyLast) {
    const auto& endpoint = *mx3pid::spec::find_endpoint_by_key("register/email");
    RequestSpec step;
    step.set = {{"client_secret", "bad/secret"}, {"extra", 1}};
    step.remove = {"send_attempt"};
    step.send_attempt_increment = 1;
    auto body = body_of(build_request(endpoint, step, email_values(), context_for("v1.1")));
    EXPECT_EQ(body["client_secret"], "bad/secret");
    EXPECT_EQ(body["extra"], 1);
    EXPECT_FALSE(body.contains("send_attempt"));

    RequestSpec raw;
    raw.raw_body = "not json";
    raw.method = "GET";
    auto request = build_request(endpoint, raw, email_values(), context_for("v1.1"));
    EXPECT_EQ(request.body, "not json");
    EXPECT_EQ(request.method, "GET");
    EXPECT_EQ(request.target, "/base/_matrix/client/v3/register/email/requestToken");
}
