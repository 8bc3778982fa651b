// Where the built-in servers' answers change between editions, and which requests can tell: a run
// of several editions sends a request once for two servers only when no epoch between them can
// reach it.
#include <gtest/gtest.h>

#include "reference_homeserver/epochs.hpp"
#include "reference_homeserver/variants.hpp"
#include "tests/reference_homeserver/service.hpp"

namespace {

using namespace mx3pid;
using reference_homeserver::answers_alike;

spec::Edition edition(const char* name) { return *spec::Edition::parse(name); }

bool alike(const char* earlier, const char* later, const std::string& body, const reference_homeserver::Variant* variant = nullptr,
           bool legacy_api = true) {
    return answers_alike(edition(earlier), edition(later), {body}, variant, legacy_api);
}

const std::string valid = R"({"client_secret":"s3cret","email":"a@example.org","send_attempt":1})";

TEST(Epochs, NextLinkAsAUriIsReachedOnlyByANextLinkThatIsNotOne) {
    EXPECT_TRUE(alike("v1.13", "v1.14", valid)) << "no next_link";
    EXPECT_TRUE(alike("v1.1", "v1.19", R"({"client_secret":"s","send_attempt":1,"next_link":"https://client.example/done"})"));
    EXPECT_FALSE(alike("v1.13", "v1.14", R"({"client_secret":"s","send_attempt":1,"next_link":"not a link"})"));
    EXPECT_FALSE(alike("v1.13", "v1.14", R"({"client_secret":"s","send_attempt":1,"next_link":7})"));
    EXPECT_FALSE(alike("v1.13", "v1.14", "client_secret=s")) << "a body mx3pid cannot read may be read otherwise by the server";
    EXPECT_FALSE(alike("v1.13", "v1.14", R"(["next_link"])"));
}

TEST(Epochs, AnEpochNoRequestCanBeSeenPastSplitsEveryRequest) {
    EXPECT_FALSE(alike("r0.4.0", "r0.5.0", valid)) << "submit_url: every answer of a validating server";
    EXPECT_FALSE(alike("r0.6.1", "v1.14", valid)) << "v1.1 lies between";
    EXPECT_TRUE(alike("v1.14", "v1.19", valid)) << "no epoch of the reference between them";
    EXPECT_FALSE(alike("v1.14", "v1.15", valid, nullptr, false)) << "oauth_only, for a server without the legacy API";
}

const reference_homeserver::Variant* named(const char* name) {
    const auto* variant = reference_homeserver::find_variant(name);
    if (!variant) throw std::logic_error(std::string("no variant ") + name);
    return variant;
}

TEST(Epochs, TheReferenceMeetsSubmitUrlAndIdAccessTokenOnlyWithABodyItMayServe) {
    const auto* reference = named("reference");
    for (const char* refused : {R"({"client_secret":"a b","email":"a@example.org","send_attempt":1,"id_server":"i.example"})",
                                R"({"client_secret":"s","email":"a@example.org","send_attempt":"1","id_server":"i.example"})",
                                R"({"client_secret":"s","email":"not an address","send_attempt":1,"id_server":"i.example"})",
                                R"({"client_secret":"s","email":"a@example.org","send_attempt":1,"id_server":"i.example","next_link":7})", "{", "[]"}) {
        EXPECT_TRUE(alike("r0.3.0", "r0.6.1", refused, reference)) << refused;
        EXPECT_FALSE(alike("r0.3.0", "r0.6.1", refused, named("client-secret-length-only"))) << "a variant's own stages: " << refused;
    }
    const std::string served = R"({"client_secret":"s","email":"a@example.org","send_attempt":1,"id_server":"i.example"})";
    EXPECT_FALSE(alike("r0.4.0", "r0.5.0", served, reference));
    EXPECT_FALSE(alike("r0.5.0", "r0.6.0", served, reference));
    EXPECT_TRUE(alike("r0.6.0", "r0.6.1", served, reference));
    const std::string without_id_server = R"({"client_secret":"a b","email":"a@example.org","send_attempt":1})";
    EXPECT_TRUE(alike("r0.4.0", "r0.5.0", without_id_server, reference));
    EXPECT_FALSE(alike("r0.5.0", "r0.6.0", without_id_server, reference)) << "r0.5.0 asks for id_server first";
}

/// Each field of a valid request of each medium removed, of another JSON type, empty and with a
/// character outside its grammar; and bodies that are not JSON objects.
std::vector<std::string> refusal_candidates() {
    using reference_homeserver::testing::email_request;
    using reference_homeserver::testing::msisdn_request;
    std::vector<std::string> bodies{"", "{", "[]", "7", R"("s")", "null"};
    for (const auto& valid : {email_request("new@allowed.example"), msisdn_request("GB", "7700900123")}) {
        bodies.push_back(valid.dump());
        auto keys = valid;
        keys["next_link"] = "https://client.example/done";
        keys["id_access_token"] = "token";
        bodies.push_back(keys.dump());
        for (const auto& [key, value] : keys.items()) {
            auto changed = keys;
            changed.erase(key);
            bodies.push_back(changed.dump());
            for (const nlohmann::json& other : {nlohmann::json(7), nlohmann::json(1.5), nlohmann::json(""), nlohmann::json("a b"),
                                                nlohmann::json::array(), nlohmann::json(nullptr), nlohmann::json("1")}) {
                changed = keys;
                changed[key] = other;
                bodies.push_back(changed.dump());
            }
        }
    }
    return bodies;
}

/// What a request made the service send on: each identity request's URL, bearer and body, and
/// each mail's recipient.
std::vector<std::string> sent_on(reference_homeserver::testing::Service& service) {
    std::vector<std::string> sent;
    for (const auto& post : service.recorder().posts()) sent.push_back(post.url + " " + post.bearer + " " + post.body.dump());
    for (const auto& mail : service.recorder().mails) sent.push_back("mail to " + mail.to);
    return sent;
}

TEST(Epochs, WhereTheReferenceIsSaidToAnswerAlikeItDoes) {
    using reference_homeserver::testing::Service;
    using reference_homeserver::testing::base_config;
    const auto* reference = named("reference");
    const std::vector<std::pair<const char*, const char*>> neighbours{{"r0.4.0", "r0.5.0"}, {"r0.5.0", "r0.6.0"}, {"r0.4.0", "r0.6.1"}};
    std::size_t alike_pairs = 0;
    for (auto validation : {spec::Validation::proxy, spec::Validation::self, spec::Validation::delegate})
        for (const auto& [earlier, later] : neighbours)
            for (const auto& body : refusal_candidates()) {
                if (!alike(earlier, later, body, reference)) continue;
                ++alike_pairs;
                for (const char* path : {"/register/email/requestToken", "/register/msisdn/requestToken",
                                         "/account/password/email/requestToken", "/account/3pid/msisdn/requestToken"}) {
                    Service before(base_config(earlier, validation, validation));
                    Service after(base_config(later, validation, validation));
                    const auto first = before.post_raw(path, body);
                    const auto second = after.post_raw(path, body);
                    EXPECT_EQ(first.status, second.status) << earlier << " and " << later << " " << path << " " << body;
                    EXPECT_EQ(first.body, second.body) << earlier << " and " << later << " " << path << " " << body;
                    EXPECT_EQ(sent_on(before), sent_on(after)) << earlier << " and " << later << " " << path << " " << body;
                }
            }
    EXPECT_GT(alike_pairs, 100u) << "the predicate lets most refused bodies be shared";
}

TEST(Epochs, AVariantsOwnEpochSplitsToo) {
    const auto* variant = reference_homeserver::find_variant("content-type-required");
    ASSERT_NE(variant, nullptr);
    EXPECT_TRUE(alike("v1.1", "v1.3", valid, variant));
    EXPECT_FALSE(alike("v1.1", "v1.14", valid, variant)) << "json_content_type at v1.4 says nothing of the requests it reaches";
}

}  // namespace
