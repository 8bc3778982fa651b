#include "suite/derived_cases.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "suite/config_error.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::suite;
using mx3pid::testing::TempDir;

namespace {

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";

std::map<std::string, const CaseTemplate*> by_kind(const std::vector<CaseTemplate>& templates, const std::string& edition) {
    std::map<std::string, const CaseTemplate*> kinds;
    const auto judged = *mx3pid::spec::Edition::parse(edition);
    for (const auto& made : templates)
        if (made.editions.contains(judged)) kinds.emplace(made.kind, &made);
    return kinds;
}

}  // namespace

TEST(DerivedCases, EachInputIsACaseNamedForItsFieldAndInput) {
    const auto templates = load_cases(cases_dir, Depth::full);
    const auto kinds = by_kind(templates, "v1.19");
    for (const char* kind : {"client_secret.line-feed-last", "client_secret.nul-first", "client_secret.emoji-middle",
                             "client_secret.length-256", "client_secret.longest", "send_attempt.type-string",
                             "send_attempt.2147483648", "body.nan", "body.no-content-type", "next_link.type-number"})
        EXPECT_TRUE(kinds.count(kind)) << kind;
    const auto& line_feed = *kinds.at("client_secret.line-feed-last");
    EXPECT_EQ(line_feed.title, "a client_secret with a line feed (U+000A) as its last character is refused");
    ASSERT_TRUE(line_feed.steps.front().request.derived);
    EXPECT_EQ(line_feed.steps.front().request.derived->edit.code_point, U'\n');
    EXPECT_EQ(line_feed.depth, Depth::quick);
}

TEST(DerivedCases, ALevelIsThatOfTheSentenceTheInputBreaks) {
    const auto templates = load_cases(cases_dir, Depth::full);
    const auto kinds = by_kind(templates, "v1.19");
    // The grammar "must" and the schema's type bind.
    EXPECT_EQ(kinds.at("client_secret.space-first")->level, Level::must);
    EXPECT_EQ(kinds.at("send_attempt.type-string")->level, Level::must);
    const auto& cited = kinds.at("client_secret.space-first")->spec;
    ASSERT_FALSE(cited.empty());
    EXPECT_NE(cited.front().says.find("client_secret"), std::string::npos) << cited.front().says;
    // The country's upper-case form is described without a keyword: SHOULD, whatever the entry says.
    const auto country = load_case_text(
        "- derive: {field: country, inputs: characters}\n  title: t {input}\n  endpoints: ['*/msisdn']\n"
        "  level: MUST\n  steps:\n    - expect: {status: 400}\n",
        cases_dir + "/country.yaml");
    ASSERT_FALSE(country.empty());
    for (const auto& made : country) EXPECT_EQ(made.level, Level::should) << made.kind;
}

TEST(DerivedCases, AQuickDepthKeepsTheHandWrittenCasesAndAFewDerivedOnes) {
    const auto quick = load_cases(cases_dir, Depth::quick);
    const auto full = load_cases(cases_dir, Depth::full);
    EXPECT_LT(quick.size() * 2, full.size());  // templates: a derived one serves every endpoint it names
    const auto kinds = by_kind(quick, "v1.19");
    EXPECT_TRUE(kinds.count("client_secret-forbidden-first"));
    EXPECT_TRUE(kinds.count("client_secret.line-feed-last"));
    EXPECT_FALSE(kinds.count("client_secret.emoji-middle"));
}

TEST(DerivedCases, AnInputOnlyLaterEditionsDefineIsNotDerivedBefore) {
    const auto templates = load_cases(cases_dir, Depth::full);
    const auto kinds = by_kind(templates, "v1.3");
    EXPECT_FALSE(kinds.count("body.no-content-type"));
    EXPECT_TRUE(kinds.count("body.nan"));
}

TEST(DerivedCases, AnUnknownFieldOrFamilyNamesFileAndLine) {
    TempDir dir;
    const auto entry = [](const std::string& derive) {
        return "- derive: " + derive + "\n  title: t {input}\n  endpoints: ['*']\n  steps:\n    - expect: {status: 400}\n";
    };
    for (const char* bad : {"{field: colour, inputs: types}", "{field: client_secret, inputs: colours}",
                            "{field: client_secret}"}) {
        try {
            load_case_file(dir.write("c.yaml", entry(bad)));
            ADD_FAILURE() << bad;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.line(), 1) << bad;
        }
    }
}
