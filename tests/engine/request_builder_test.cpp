#include "engine/request_builder.hpp"

#include <set>

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

TEST(Fixtures, ALaterRunWithTheSameSeedAsksWithGreaterSendAttempts) {
    mx3pid::suite::Profile profile;
    profile.fresh_email_domain = "allowed.example";
    using std::chrono::system_clock;
    const auto now = system_clock::now();
    const FixtureFactory earlier(7, profile, send_attempt_floor(now)), later(7, profile, send_attempt_floor(now + std::chrono::seconds(1)));
    for (std::size_t index = 0; index < 50; ++index) {
        const auto before = earlier.for_case(index, "register/email/valid"), after = later.for_case(index, "register/email/valid");
        EXPECT_EQ(before.client_secret, after.client_secret) << "the seed still makes the secrets";
        EXPECT_GT(after.send_attempt, before.send_attempt) << "case " << index;
        EXPECT_GE(before.send_attempt, 2);
    }
    // One more each second, and in 2090 still below 2^31 - 1000, so that every case's value and its resend fit in 32 bits.
    const auto in_2090 = system_clock::time_point(std::chrono::seconds(3786912000));
    EXPECT_LT(send_attempt_floor(in_2090), (std::int64_t{1} << 31) - 1000);
    EXPECT_EQ(send_attempt_floor(now + std::chrono::seconds(1)), send_attempt_floor(now) + 1);
    EXPECT_EQ(FixtureFactory(7, profile).for_case(0, "a").send_attempt, FixtureFactory(7, profile, 2).for_case(0, "a").send_attempt);
}

// The units of one case in a run draw their derived values from consecutive entropies, reproducible
// from the seed; another case or another seed draws elsewhere.
TEST(Fixtures, ACaseUnitsDrawConsecutiveEntropies) {
    mx3pid::suite::Profile profile;
    profile.fresh_email_domain = "allowed.example";
    const FixtureFactory run(7, profile), again(7, profile), other_seed(8, profile);
    const auto first = run.for_unit(3, "password/email/client_secret.shortest", 0);
    for (std::size_t ordinal = 1; ordinal < 5; ++ordinal)
        EXPECT_EQ(run.for_unit(9 + ordinal, "password/email/client_secret.shortest", ordinal).entropy, first.entropy + ordinal);
    EXPECT_EQ(again.for_unit(3, "password/email/client_secret.shortest", 0).entropy, first.entropy);
    EXPECT_NE(other_seed.for_unit(3, "password/email/client_secret.shortest", 0).entropy, first.entropy);
    EXPECT_NE(run.for_unit(3, "password/msisdn/client_secret.shortest", 0).entropy, first.entropy);
}

// Two runs in a row draw different seeds; where their secrets still meet (a one-character secret sent
// to a bound address the profile names), the later run's request must still be a new send attempt.
TEST(Fixtures, ALaterRunWithAnotherSeedAsksEachCaseWithAGreaterSendAttempt) {
    mx3pid::suite::Profile profile;
    profile.fresh_email_domain = "allowed.example";
    const auto now = std::chrono::system_clock::now();
    const auto floor = send_attempt_floor(now), next_second = send_attempt_floor(now + std::chrono::seconds(1));
    const std::vector<std::string> ids = {"password/email/client_secret.shortest", "password/msisdn/client_secret.shortest",
                                          "register/email/valid", "3pid/msisdn/resend"};
    std::set<std::int64_t> offsets;
    for (std::uint64_t earlier_seed = 1; earlier_seed <= 40; ++earlier_seed) {
        const FixtureFactory earlier(earlier_seed, profile, floor), later(earlier_seed * 7919 + 3, profile, next_second);
        for (std::size_t index = 0; index < ids.size(); ++index) {
            const auto before = earlier.for_case(index, ids[index]).send_attempt;
            const auto after = later.for_case(index + earlier_seed, ids[index]).send_attempt;
            EXPECT_GT(after, before) << ids[index] << ", seeds " << earlier_seed;
            offsets.insert(before - floor);
        }
    }
    EXPECT_EQ(offsets.size(), ids.size()) << "each case keeps one offset whatever the seed, and the cases differ";
    for (auto offset : offsets) EXPECT_LT(offset, 998);
}
