// The reference's own answers, stage by stage, and the variant table's shape.
#include <gtest/gtest.h>

#include <set>

#include "reference_homeserver/detail/pipeline.hpp"
#include "reference_homeserver/variants.hpp"
#include "spec/edition.hpp"
#include "tests/reference_homeserver/service.hpp"

using namespace mx3pid;
using namespace mx3pid::reference_homeserver;
using namespace mx3pid::reference_homeserver::testing;
using spec::Validation;

TEST(Pipeline, ProxiesAValidRequestThroughIdentityV1BeforeR060) {
    Service service(base_config("r0.4.0"));
    auto answer = service.post("/register/email/requestToken", email_request("new@allowed.example"));
    EXPECT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(body_of(answer), (nlohmann::json{{"sid", "is-sid-1"}}));
    auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].url, "http://id.test:1/_matrix/identity/api/v1/validate/email/requestToken");
    EXPECT_EQ(posts[0].bearer, "");
    EXPECT_EQ(posts[0].body["email"], "new@allowed.example");
    EXPECT_EQ(posts[0].body["send_attempt"], 1);
}

TEST(Pipeline, UsesTheClientsIdAccessTokenWithIdentityV2FromR060) {
    Service service(base_config("r0.6.1"));
    auto request = email_request("new@allowed.example");
    request["id_access_token"] = "client-token";
    EXPECT_EQ(service.post("/register/email/requestToken", request).status, 200);
    auto without = email_request("other@allowed.example", "secret-2");
    EXPECT_EQ(service.post("/register/email/requestToken", without).status, 200);
    auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 2u);
    EXPECT_EQ(posts[0].url, "http://id.test:1/_matrix/identity/v2/validate/email/requestToken");
    EXPECT_EQ(posts[0].bearer, "client-token");
    // An r0.5 client sends no token: the spec lets the server treat it as optional; it tries v2
    // first (v1 is deprecated from identity service r0.3.0), with a token of its own.
    EXPECT_EQ(posts[1].url, "http://id.test:1/_matrix/identity/v2/validate/email/requestToken");
    EXPECT_EQ(posts[1].bearer, "own-token");
}

TEST(Pipeline, OnlyIdentityV2FromV11WithItsOwnTokenWhenTheClientSentNone) {
    for (auto validation : {Validation::proxy, Validation::delegate}) {
        Service service(base_config("v1.11", validation, validation));
        auto answer = service.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), "/_matrix/client/v3");
        EXPECT_EQ(answer.status, 200) << answer.body;
        auto posts = service.recorder().posts();
        ASSERT_EQ(posts.size(), 1u);
        auto base = validation == Validation::proxy ? "http://id.test:1" : "http://delegate.test:2";
        EXPECT_EQ(posts[0].url, std::string(base) + "/_matrix/identity/v2/validate/msisdn/requestToken");
        EXPECT_EQ(posts[0].bearer, "own-token");
    }
}

TEST(Pipeline, EachStageRefusesWithItsOwnAnswer) {
    Service service(base_config("r0.4.0"));
    struct Expected {
        std::string body;
        int status;
        const char* errcode;
    };
    auto valid = email_request("new@allowed.example");
    auto without_secret = valid;
    without_secret.erase("client_secret");
    auto bad_secret = valid;
    bad_secret["client_secret"] = "a b";
    auto number_attempt = valid;
    number_attempt["send_attempt"] = "1";
    auto untrusted = valid;
    untrusted["id_server"] = "elsewhere.test:3";
    for (const auto& [body, status, errcode_wanted] : std::vector<Expected>{
             {"{", 400, "M_NOT_JSON"},                                              // parse_body
             {"[]", 400, "M_BAD_JSON"},                                             // parse_body
             {without_secret.dump(), 400, "M_MISSING_PARAM"},                       // check_fields
             {bad_secret.dump(), 400, "M_INVALID_PARAM"},                           // check_fields
             {number_attempt.dump(), 400, "M_INVALID_PARAM"},                       // check_fields
             {email_request("not-an-address").dump(), 400, "M_INVALID_PARAM"},     // check_address
             {email_request("x@denied.example").dump(), 403, "M_THREEPID_DENIED"},  // policy
             {email_request("Taken@allowed.example").dump(), 400, "M_THREEPID_IN_USE"},  // bound_state
             {untrusted.dump(), 400, "M_SERVER_NOT_TRUSTED"},                       // choose_identity_server
         }) {
        auto answer = service.post_raw("/register/email/requestToken", body);
        EXPECT_EQ(answer.status, status) << body;
        EXPECT_EQ(errcode(answer), errcode_wanted) << body;
        EXPECT_EQ(answer.header("Content-Type"), "application/json") << body;
    }
    EXPECT_TRUE(service.recorder().posts().empty());
    auto reset = service.post("/account/password/email/requestToken", email_request("nobody@allowed.example"));
    EXPECT_EQ(errcode(reset), "M_THREEPID_NOT_FOUND");
}

TEST(Pipeline, RelaysTheIdentityServersClientErrorAndTurnsItsFailureInto500) {
    Service service(base_config("r0.4.0"));
    service.identity_status = 400;
    service.identity_body = R"({"errcode":"M_INVALID_EMAIL","error":"no"})";
    auto relayed = service.post("/register/email/requestToken", email_request("new@allowed.example"));
    EXPECT_EQ(relayed.status, 400);
    EXPECT_EQ(errcode(relayed), "M_INVALID_EMAIL");
    service.identity_status = 502;
    service.identity_body = "bad gateway";
    EXPECT_EQ(service.post("/register/email/requestToken", email_request("new@allowed.example")).status, 500);
}

TEST(Pipeline, SelfValidationMailsOnceARepeatAndAgainForAResendAndAcceptsTheLink) {
    Service service(base_config("v1.11", Validation::self, Validation::delegate));
    const char* v3 = "/_matrix/client/v3";
    auto first = service.post("/register/email/requestToken", email_request("new@allowed.example", "s1", 1), v3);
    auto repeat = service.post("/register/email/requestToken", email_request("new@allowed.example", "s1", 1), v3);
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(body_of(first)["sid"], body_of(repeat)["sid"]);
    EXPECT_EQ(body_of(first)["submit_url"], "http://hs.test/_matrix/client/unstable/mx3pid/submit_token");
    EXPECT_EQ(service.recorder().sent().size(), 1u);
    service.post("/register/email/requestToken", email_request("new@allowed.example", "s1", 2), v3);
    auto mails = service.recorder().sent();
    ASSERT_EQ(mails.size(), 2u);
    EXPECT_EQ(mails[0].to, "new@allowed.example");
    auto at = mails[1].text.find("http://hs.test/_matrix/client/unstable/mx3pid/submit_token?");
    ASSERT_NE(at, std::string::npos) << mails[1].text;
    auto link = mails[1].text.substr(at, mails[1].text.find("\r\n", at) - at);
    auto followed = service.get(link.substr(std::string("http://hs.test").size()));
    EXPECT_EQ(followed.status, 200) << followed.body;
    EXPECT_TRUE(service.recorder().posts().empty());
}

TEST(Pipeline, EnumerationProtectionAnswers200WithANoticeAndNoToken) {
    auto config = base_config("v1.11", Validation::self, Validation::delegate);
    config.enumeration_protection = true;
    Service service(config);
    auto answer = service.post("/register/email/requestToken", email_request("taken@allowed.example"), "/_matrix/client/v3");
    EXPECT_EQ(answer.status, 200);
    auto mails = service.recorder().sent();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].text.find("submit_token"), std::string::npos);
    // Add never hides the bound state.
    auto add = service.post("/account/3pid/email/requestToken", email_request("taken@allowed.example"), "/_matrix/client/v3");
    EXPECT_EQ(errcode(add), "M_THREEPID_IN_USE");
}

TEST(Pipeline, MediumUnsupportedOnAddOnlyWhereConfigured) {
    auto config = base_config("v1.13", Validation::delegate, Validation::delegate);
    config.unsupported_3pid_media = {"msisdn"};
    Service service(config);
    expect_only_3pid_msisdn_unsupported(service);
}

TEST(Pipeline, RoutingAnswersUnknownPathsWrongMethodsAndOptions) {
    Service service(base_config("v1.11"));
    auto unknown = service.get("/_matrix/client/v3/nowhere");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(errcode(unknown), "M_UNRECOGNIZED");
    auto get = service.get("/_matrix/client/v3/register/email/requestToken");
    EXPECT_EQ(get.status, 405);
    EXPECT_EQ(errcode(get), "M_UNRECOGNIZED");
    auto versions = body_of(service.get("/_matrix/client/versions"));
    EXPECT_EQ(versions["versions"].back(), "v1.11");
}

TEST(Variants, TheTableIsReferenceThenFaultyConformantHostileWithUniqueNames) {
    const auto& all = variants();
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(&all.front(), &reference());
    EXPECT_EQ(listed_name(all.front()), "reference");
    std::set<std::string_view> names;
    int family = 0;
    for (std::size_t i = 1; i < all.size(); ++i) {
        const auto& variant = all[i];
        EXPECT_TRUE(names.insert(variant.name).second) << variant.name;
        int order = static_cast<int>(variant.behaviour);
        EXPECT_GE(order, family) << variant.name << " is out of its family's place";
        family = order;
        EXPECT_EQ(listed_name(variant), std::string(to_string(variant.behaviour)) + ":" + std::string(variant.name));
        EXPECT_FALSE(variant.description.empty()) << variant.name;
        EXPECT_FALSE(variant.profiles.empty()) << variant.name;
        EXPECT_TRUE(spec::EditionRange::parse(variant.editions)) << variant.name;
        EXPECT_NE(variant.make, nullptr) << variant.name << " changes no stage";
        if (variant.behaviour == Behaviour::faulty) EXPECT_FALSE(variant.kills.empty()) << variant.name;
        if (variant.behaviour == Behaviour::conformant) {
            // A conformant variant may declare sentences it misses only as SHOULDs (proof/ holds it to that).
            // The basis names the edition it is in: "r0.4.0, …" or "v1.13, …".
            EXPECT_TRUE(spec::Edition::parse(variant.basis.substr(0, variant.basis.find(','))))
                << variant.name << ": " << variant.basis;
        }
        for (const auto& kill : variant.kills) EXPECT_TRUE(spec::EditionRange::parse(kill.editions)) << variant.name;
    }
    EXPECT_EQ(find_variant("in-use-accepted")->behaviour, Behaviour::faulty);
    EXPECT_EQ(find_variant("no-such-variant"), nullptr);
}

TEST(Variants, AVariantChangesOnlyItsStage) {
    // in-use-wrong-errcode overrides state_refusal: the duplicate answer changes, nothing else does.
    Service reference_service(base_config("r0.4.0"));
    Service variant_service(base_config("r0.4.0"), "in-use-wrong-errcode");
    auto taken = email_request("taken@allowed.example");
    EXPECT_EQ(errcode(reference_service.post("/register/email/requestToken", taken)), "M_THREEPID_IN_USE");
    EXPECT_EQ(errcode(variant_service.post("/register/email/requestToken", taken)), "M_UNKNOWN");
    for (auto* service : {&reference_service, &variant_service}) {
        EXPECT_EQ(service->post("/register/email/requestToken", email_request("new@allowed.example")).status, 200);
        EXPECT_EQ(errcode(service->post("/register/email/requestToken", email_request("x@denied.example"))), "M_THREEPID_DENIED");
    }
}
