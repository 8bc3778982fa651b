// Where the built-in servers' answers change between editions, and which requests can tell: a run
// of several editions sends a request once for two servers only when no epoch between them can
// reach it.
#include <gtest/gtest.h>

#include "reference_homeserver/epochs.hpp"
#include "reference_homeserver/variants.hpp"

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

TEST(Epochs, AVariantsOwnEpochSplitsToo) {
    const auto* variant = reference_homeserver::find_variant("content-type-required");
    ASSERT_NE(variant, nullptr);
    EXPECT_TRUE(alike("v1.1", "v1.3", valid, variant));
    EXPECT_FALSE(alike("v1.1", "v1.14", valid, variant)) << "json_content_type at v1.4 says nothing of the requests it reaches";
}

}  // namespace
