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

const Suite& full_suite() {
    static const auto loaded = load_suite(cases_dir, Depth::full);
    return loaded;
}

/// The level the status check of the case's first step takes in `edition` on `endpoint`.
std::string status_level(const CaseTemplate& made, const std::string& edition, const std::string& endpoint) {
    const JudgedIn where{*mx3pid::spec::Edition::parse(edition), mx3pid::spec::find_endpoint_by_key(endpoint),
                         mx3pid::spec::Validation::proxy};
    return full_suite().catalogue.resolve(made.steps.front().expect.sentences.at("status").all(), where).level;
}

std::map<std::string, const CaseTemplate*> by_kind(const std::vector<CaseTemplate>& templates, const std::string& edition) {
    std::map<std::string, const CaseTemplate*> kinds;
    const auto judged = *mx3pid::spec::Edition::parse(edition);
    for (const auto& made : templates)
        if (made.editions.contains(judged)) kinds.emplace(made.kind, &made);
    return kinds;
}

}  // namespace

TEST(DerivedCases, EachInputIsACaseNamedForItsFieldAndInput) {
    const auto& templates = full_suite().templates;
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

TEST(DerivedCases, ACheckCitesTheSentencesTheInputBreaksAndTakesTheirLevel) {
    const auto kinds = by_kind(full_suite().templates, "v1.19");
    // `$field` became the grammar (a MUST) beside what the entry cites itself.
    const auto& space = *kinds.at("client_secret.space-first");
    const auto cited = space.steps.front().expect.sentences.at("status").all();
    EXPECT_NE(std::find(cited.begin(), cited.end(), "cs.request.client_secret.grammar"), cited.end());
    EXPECT_EQ(std::find(cited.begin(), cited.end(), "$field"), cited.end());
    EXPECT_EQ(status_level(space, "v1.19", "register/email"), "MUST");
    EXPECT_EQ(status_level(*kinds.at("send_attempt.type-string"), "v1.19", "register/email"), "MUST");
    // The country's upper-case form is described without a keyword: SHOULD.
    const auto country = load_case_text(
        "- derive: {field: country, inputs: characters}\n  title: t {input}\n  endpoints: ['*/msisdn']\n"
        "  steps:\n    - expect: {status: 400}\n      sentences: {status: [$field]}\n",
        cases_dir + "/country.yaml", full_suite().catalogue);
    ASSERT_FALSE(country.empty());
    for (const auto& made : country) EXPECT_EQ(status_level(made, "v1.19", "register/msisdn"), "SHOULD") << made.kind;
}

TEST(DerivedCases, AQuickDepthKeepsTheHandWrittenCasesAndAFewDerivedOnes) {
    const auto quick = load_cases(cases_dir, full_suite().catalogue, Depth::quick);
    const auto& full = full_suite().templates;
    EXPECT_LT(quick.size() * 2, full.size());  // templates: a derived one serves every endpoint it names
    const auto kinds = by_kind(quick, "v1.19");
    EXPECT_TRUE(kinds.count("client_secret-forbidden-first"));
    EXPECT_TRUE(kinds.count("client_secret.line-feed-last"));
    EXPECT_FALSE(kinds.count("client_secret.emoji-middle"));
}

TEST(DerivedCases, AnInputOnlyLaterEditionsDefineIsNotDerivedBefore) {
    const auto& templates = full_suite().templates;
    const auto kinds = by_kind(templates, "v1.3");
    EXPECT_FALSE(kinds.count("body.no-content-type"));
    EXPECT_TRUE(kinds.count("body.nan"));
}

TEST(DerivedCases, AnUnknownFieldOrFamilyNamesFileAndLine) {
    TempDir dir;
    const auto entry = [](const std::string& derive) {
        return "- derive: " + derive + "\n  title: t {input}\n  endpoints: ['*']\n  steps:\n    - expect: {status: 400}\n"
               "      sentences: {status: [$field]}\n";
    };
    for (const char* bad : {"{field: colour, inputs: types}", "{field: client_secret, inputs: colours}",
                            "{field: client_secret}"}) {
        try {
            load_case_file(dir.write("c.yaml", entry(bad)), full_suite().catalogue);
            ADD_FAILURE() << bad;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.line(), 1) << bad;
        }
    }
}

TEST(DerivedCases, AnUnknownSentenceNamesFileAndLine) {
    TempDir dir;
    const std::string padding = "# a comment\n";
    // An input whose definition names a sentence the catalogue lacks (the spellings of an email
    // cite the 3PID Types, not yet in cases/sentences/).
    const auto spellings = padding + "- derive: {field: email, inputs: spellings}\n  title: t {input}\n  endpoints: ['*/email']\n"
                                     "  steps:\n    - expect: {status: 200}\n      sentences: {status: [$field]}\n";
    // An entry citing an unknown sentence beside $field, and a hand-written case citing $field.
    const auto unknown = padding + "- derive: {field: client_secret, inputs: types}\n  title: t {input}\n  endpoints: ['*']\n"
                                   "  steps:\n    - expect: {status: 400}\n      sentences: {status: [$field, cs.no.such.sentence]}\n";
    const auto placeholder = padding + "- kind: k\n  title: t\n  endpoints: ['*']\n"
                                       "  steps:\n    - expect: {status: 400}\n      sentences: {status: [$field]}\n";
    for (const auto& [text, line] : {std::pair{spellings, 2}, std::pair{unknown, 7}, std::pair{placeholder, 7}}) {
        try {
            load_case_file(dir.write("c.yaml", text), full_suite().catalogue);
            ADD_FAILURE() << text;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.line(), line) << error.what();
            EXPECT_NE(std::string(error.what()).find("c.yaml"), std::string::npos) << error.what();
        }
    }
}
