#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::spec;

TEST(Edition, KnowsTheEditionsInReleaseOrder) {
    const auto& all = Edition::all();
    ASSERT_EQ(all.size(), 5u + 19u);
    EXPECT_EQ(all.front().name(), "r0.3.0");
    EXPECT_EQ(all.back().name(), "v1.19");
    EXPECT_LT(*Edition::parse("r0.6.1"), *Edition::parse("v1.1"));
    EXPECT_LT(*Edition::parse("v1.2"), *Edition::parse("v1.10"));
    EXPECT_FALSE(Edition::parse("r0.2.0"));
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
    EXPECT_FALSE(EditionRange::parse(">= r0.2.0", &why));
    EXPECT_NE(why.find("r0.2.0"), std::string::npos);
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

TEST(EditionChoice, ReadsAutoAllOneEditionAndASpan) {
    EXPECT_EQ(EditionChoice::parse("auto")->kind, EditionChoice::Kind::newest);
    EXPECT_EQ(EditionChoice::parse("all")->kind, EditionChoice::Kind::all);
    const auto one = EditionChoice::parse("v1.2");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->kind, EditionChoice::Kind::given);
    ASSERT_EQ(one->editions.size(), 1u);
    EXPECT_EQ(one->editions.front().name(), "v1.2");
    const auto span = EditionChoice::parse("r0.6.0..v1.4");
    ASSERT_TRUE(span);
    std::vector<std::string> names;
    for (const auto& edition : span->editions) names.push_back(edition.name());
    EXPECT_EQ(names, (std::vector<std::string>{"r0.6.0", "r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4"}));
    EXPECT_EQ(EditionChoice::parse("v1.3..v1.3")->editions.size(), 1u);
}

TEST(EditionChoice, RefusesUnknownEditionsAndBackwardSpansSayingWhy) {
    std::string why;
    EXPECT_FALSE(EditionChoice::parse("v1.4..r0.6.0", &why));
    EXPECT_NE(why.find("r0.6.0 is older than v1.4"), std::string::npos) << why;
    EXPECT_FALSE(EditionChoice::parse("r0.6.0..v9.9", &why));
    EXPECT_NE(why.find("unknown edition 'v9.9'"), std::string::npos) << why;
    EXPECT_FALSE(EditionChoice::parse("everything", &why));
    EXPECT_NE(why.find("unknown edition 'everything'"), std::string::npos) << why;
    EXPECT_FALSE(EditionChoice::parse("..v1.2"));
}

TEST(Edition, DescribeMergesNeighbouringEditionsIntoSpans) {
    const auto at = [](const char* name) { return *Edition::parse(name); };
    EXPECT_EQ(describe(Edition::all()), "r0.3.0\u2013v1.19");
    EXPECT_EQ(describe({at("r0.4.0"), at("r0.6.0"), at("r0.6.1"), at("v1.1"), at("v1.3")}), "r0.4.0, r0.6.0\u2013v1.1, v1.3");
    EXPECT_EQ(describe({at("v1.2")}), "v1.2");
    EXPECT_EQ(describe({}), "");
}
