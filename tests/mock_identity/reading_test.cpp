// The mock records how each requestToken call departs from the identity API, and still answers
// as leniently as an identity server can.
#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"

#include <gtest/gtest.h>

namespace {

using namespace mx3pid;
using namespace mx3pid::mock_identity;
using namespace mx3pid::mock_identity::detail;

const std::string v1_email = "/_matrix/identity/api/v1/validate/email/requestToken";
const std::string v2_email = "/_matrix/identity/v2/validate/email/requestToken";
const std::string v2_msisdn = "/_matrix/identity/v2/validate/msisdn/requestToken";
const std::string valid_email = R"({"client_secret":"s3cret","email":"a@b.example","send_attempt":1})";

struct Answered {
    int status;
    std::optional<RequestTokenReading> reading;
};

Answered call(State& state, std::string target, std::string body, std::vector<std::pair<std::string, std::string>> headers) {
    auto response = handle(state, net::Request{"POST", std::move(target), std::move(headers), std::move(body), "127.0.0.1:1"});
    return {response.status, state.requests_since(state.last_request_sequence() - 1).at(0).request_token};
}

std::vector<std::pair<std::string, std::string>> json_with(const std::string& token) {
    return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
}

std::vector<Deviation> only(DeviationKind kind, std::string detail = {}) { return {{kind, std::move(detail)}}; }

TEST(RequestReading, AWellFormedCallOfEitherVersionDepartsFromNothing) {
    State state;
    auto token = state.register_access_token("@mx3pid:hs.example");
    auto v2 = call(state, v2_email, valid_email, json_with(token));
    ASSERT_TRUE(v2.reading);
    EXPECT_EQ(v2.status, 200);
    EXPECT_EQ(v2.reading->api, IdentityApi::v2);
    EXPECT_EQ(v2.reading->access_token, token);
    EXPECT_TRUE(v2.reading->deviations.empty());
    auto v1 = call(state, v1_email, valid_email, {{"Content-Type", "application/json"}});
    EXPECT_EQ(v1.reading->api, IdentityApi::v1);
    EXPECT_TRUE(v1.reading->deviations.empty());
}

TEST(RequestReading, AccessTokensMissingOrInTheQueryAreDeviationsOnlyOnV2) {
    State state;
    auto token = state.register_access_token("@mx3pid:hs.example");
    auto bare = call(state, v2_email, valid_email, {{"Content-Type", "application/json"}});
    EXPECT_EQ(bare.status, 401);  // an identity server cannot serve v2 without knowing who asks
    EXPECT_EQ(bare.reading->deviations, only(DeviationKind::no_access_token));
    auto queried = call(state, v2_email + "?access_token=" + token, valid_email, {{"Content-Type", "application/json"}});
    EXPECT_EQ(queried.status, 200);
    EXPECT_EQ(queried.reading->access_token, token);
    EXPECT_EQ(queried.reading->deviations, only(DeviationKind::access_token_in_query));
    EXPECT_TRUE(call(state, v1_email, valid_email, {{"Content-Type", "application/json"}}).reading->deviations.empty());
}

TEST(RequestReading, JsonUnderAnotherMediaTypeIsServedAndRecorded) {
    State state;
    auto plain = call(state, v1_email, valid_email, {{"Content-Type", "Text/Plain; charset=utf-8"}});
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.reading->deviations, only(DeviationKind::json_mislabelled, "text/plain"));
    auto unlabelled = call(state, v1_email, valid_email, {});
    EXPECT_EQ(unlabelled.status, 200);
    EXPECT_EQ(unlabelled.reading->deviations, only(DeviationKind::json_mislabelled, ""));
    EXPECT_EQ(describe(unlabelled.reading->deviations.front()), "JSON sent as no Content-Type");
}

TEST(RequestReading, FormEncodedParametersAreNoDeviation) {
    State state;
    auto form = call(state, v1_email, "client_secret=s3cret&email=a%40b.example&send_attempt=1",
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(form.status, 200);
    EXPECT_TRUE(form.reading->deviations.empty());
}

TEST(RequestReading, KeysAreJudgedByTheMediumThePathNames) {
    State state;
    auto token = state.register_access_token("@mx3pid:hs.example");
    auto extra = call(state, v2_email, R"({"client_secret":"s","email":"a@b.example","send_attempt":1,"id_server":"x"})", json_with(token));
    EXPECT_EQ(extra.status, 200);  // lenient: a key it does not know is ignored
    EXPECT_EQ(extra.reading->deviations, only(DeviationKind::undefined_key, "id_server"));
    auto email_to_msisdn = call(state, v2_msisdn, valid_email, json_with(token));
    EXPECT_EQ(email_to_msisdn.status, 400);
    EXPECT_EQ(email_to_msisdn.reading->medium, "msisdn");
    EXPECT_EQ(email_to_msisdn.reading->deviations,
              (std::vector<Deviation>{{DeviationKind::missing_key, "country"},
                                      {DeviationKind::missing_key, "phone_number"},
                                      {DeviationKind::undefined_key, "email"}}));
}

TEST(RequestReading, BodiesThatAreNotUtf8OrNotAnObject) {
    State state;
    auto latin1 = call(state, v1_email, "{\"client_secret\":\"s\",\"email\":\"caf\xe9@b.example\",\"send_attempt\":1}",
                       {{"Content-Type", "application/json"}});
    EXPECT_EQ(latin1.reading->deviations, only(DeviationKind::body_not_utf8));
    auto array = call(state, v1_email, "[" + valid_email + "]", {{"Content-Type", "application/json"}});
    EXPECT_EQ(array.status, 400);
    EXPECT_EQ(array.reading->deviations, only(DeviationKind::body_not_object));
}

TEST(RequestReading, APathNoIdentityApiHasIsReadButUnknown) {
    State state;
    auto v3 = call(state, "/_matrix/identity/v3/validate/email/requestToken", valid_email, {{"Content-Type", "application/json"}});
    EXPECT_EQ(v3.status, 404);
    ASSERT_TRUE(v3.reading);
    EXPECT_EQ(v3.reading->api, IdentityApi::unknown);
    EXPECT_TRUE(v3.reading->deviations.empty());
    handle(state, net::Request{"GET", "/_matrix/identity/v2", {}, "", "127.0.0.1:1"});
    EXPECT_FALSE(state.requests_since(state.last_request_sequence() - 1).at(0).request_token);
}

}  // namespace
