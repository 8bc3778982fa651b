#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::spec;

TEST(Edition, KnowsTheEditionsInReleaseOrder) {
    const auto& all = Edition::all();
    ASSERT_EQ(all.size(), 4u + 19u);
    EXPECT_EQ(all.front().name(), "r0.4.0");
    EXPECT_EQ(all.back().name(), "v1.19");
    EXPECT_LT(*Edition::parse("r0.6.1"), *Edition::parse("v1.1"));
    EXPECT_LT(*Edition::parse("v1.2"), *Edition::parse("v1.10"));
    EXPECT_FALSE(Edition::parse("r0.3.0"));
    EXPECT_FALSE(Edition::parse("v1.20"));
    EXPECT_FALSE(Edition::parse("v1.0"));
}

TEST(Edition, ClientPrefixIsR0ThenV3) {
    EXPECT_EQ(Edition::parse("r0.6.1")->client_prefix(), "r0");
    EXPECT_EQ(Edition::parse("v1.1")->client_prefix(), "v3");
}

TEST(EditionRange, BoundsAreInclusiveBelowAndExclusiveAbove) {
    auto range = EditionRange::parse(">= r0.5.0 < r0.6.0");
    ASSERT_TRUE(range);
    EXPECT_FALSE(range->contains(*Edition::parse("r0.4.0")));
    EXPECT_TRUE(range->contains(*Edition::parse("r0.5.0")));
    EXPECT_FALSE(range->contains(*Edition::parse("r0.6.0")));
    auto above_newest = EditionRange::parse("> v1.19");
    ASSERT_TRUE(above_newest);
    EXPECT_FALSE(above_newest->contains(*Edition::parse("v1.19")));
    auto exactly = EditionRange::parse("== v1.13");
    EXPECT_TRUE(exactly->contains(*Edition::parse("v1.13")));
    EXPECT_FALSE(exactly->contains(*Edition::parse("v1.14")));
    EXPECT_TRUE(EditionRange::parse("*")->contains(*Edition::parse("r0.4.0")));
}

TEST(EditionRange, RejectsUnknownEditionsAndOperators) {
    std::string why;
    EXPECT_FALSE(EditionRange::parse(">= r0.3.0", &why));
    EXPECT_NE(why.find("r0.3.0"), std::string::npos);
    EXPECT_FALSE(EditionRange::parse("~ v1.1", &why));
    EXPECT_FALSE(EditionRange::parse(">=", &why));
    EXPECT_FALSE(EditionRange::parse("", &why));
}

TEST(Endpoints, SixWithPurposeAndMedium) {
    ASSERT_EQ(endpoints().size(), 6u);
    const auto* reset = find_endpoint_by_path("/account/password/msisdn/requestToken");
    ASSERT_NE(reset, nullptr);
    EXPECT_EQ(reset->key, "password/msisdn");
    EXPECT_TRUE(reset->wants_bound_address());
    EXPECT_FALSE(find_endpoint_by_key("3pid/email")->wants_bound_address());
    EXPECT_EQ(find_endpoint_by_key("nope"), nullptr);
}
