// Coverage: every testable sentence of every edition is cited by some check of some case, and
// cases/LEVELS.md is the generated view of the catalogue and the cases as they are.
#include "suite/coverage.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "suite/check_plan.hpp"

using namespace mx3pid;

namespace {

const suite::Suite& shipped() {
    static const auto loaded = suite::load_suite(std::string(MX3PID_SOURCE_DIR) + "/cases");
    return loaded;
}

}  // namespace

TEST(Coverage, NoEditionLeavesATestableSentenceUncovered) {
    for (const auto& edition : spec::Edition::all()) {
        auto coverage = suite::coverage_of(shipped(), edition);
        std::string uncovered;
        for (const auto& entry : coverage.sentences)
            if (entry.state == suite::Covered::uncovered) uncovered += " " + entry.sentence->id;
        EXPECT_EQ(uncovered, "") << edition.name();
        EXPECT_EQ(coverage.last_line().rfind("sentences: " + std::to_string(coverage.sentences.size()) + " normative, ", 0), 0u);
        EXPECT_NE(coverage.last_line().find(", 0 uncovered"), std::string::npos) << coverage.last_line();
    }
}

TEST(Coverage, ListsEachSentenceWithItsChecksAndCasesOrWhyItIsUntestable) {
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("v1.11"));
    EXPECT_GE(coverage.sentences.size(), 80u);
    for (const auto& entry : coverage.sentences) {
        EXPECT_FALSE(entry.placed.url.empty()) << entry.sentence->id;
        if (entry.state == suite::Covered::untestable) EXPECT_FALSE(entry.sentence->untestable.empty());
        if (entry.state == suite::Covered::covered) EXPECT_FALSE(entry.tests.empty()) << entry.sentence->id;
    }
    std::ostringstream text;
    suite::write_coverage_text(coverage, text);
    EXPECT_NE(text.str().find("cs.response.sid.required  schema"), std::string::npos);
    EXPECT_NE(text.str().find("    sid: */valid"), std::string::npos) << text.str().substr(0, 2000);
    const auto last = text.str().substr(text.str().rfind("sentences: "));
    EXPECT_EQ(last, coverage.last_line() + "\n");
}

TEST(Coverage, CompactsCaseIdsOverEndpoints) {
    EXPECT_EQ(suite::compact_case_ids({"register/email/valid", "register/msisdn/valid", "3pid/email/valid", "3pid/msisdn/valid",
                                       "password/email/valid", "password/msisdn/valid", "3pid/email/duplicate",
                                       "register/email/duplicate", "register/msisdn/duplicate"}),
              (std::vector<std::string>{"*/valid", "register/*/duplicate", "3pid/email/duplicate"}));
}

TEST(Coverage, TheJudgesOwnChecksNameSentencesOfTheCatalogue) {
    const auto& catalogue = shipped().catalogue;
    for (const auto& check : suite::judge_checks())
        for (const auto& id : check.sentences) EXPECT_TRUE(catalogue.find(id)) << check.name << ": " << id;
    for (const auto& id : suite::errcode_form_sentences()) EXPECT_TRUE(catalogue.find(id)) << id;
}

// The committed cases/LEVELS.md is what `mx3pid coverage --levels-md` writes now.
TEST(LevelsMd, IsTheGeneratedViewOfTheCatalogueAndTheCases) {
    std::ostringstream generated;
    suite::write_levels_markdown(shipped(), generated);
    std::ifstream in(std::string(MX3PID_SOURCE_DIR) + "/cases/LEVELS.md");
    std::stringstream committed;
    committed << in.rdbuf();
    EXPECT_TRUE(committed.str() == generated.str())
        << "cases/LEVELS.md is stale: run `build/bin/mx3pid coverage --levels-md cases/LEVELS.md` and commit it";
}

TEST(Coverage, SaysHowTheIdentitySideCountsInEachValidationMode) {
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("v1.11"));
    std::ostringstream text;
    suite::write_coverage_text(coverage, text);
    EXPECT_NE(text.str().find("identity side (identity server request, identity server fields; "), std::string::npos);
    EXPECT_NE(text.str().find("): proxy judged at its sentences' level; delegate advice only; self not made\n"), std::string::npos)
        << text.str().substr(text.str().rfind("by level"));
    std::ostringstream json_text;
    suite::write_coverage_json(coverage, json_text);
    auto document = nlohmann::json::parse(json_text.str());
    const auto& side = document["identity_side"];
    EXPECT_EQ(side["modes"]["proxy"], "judged at its sentences' level");
    EXPECT_EQ(side["modes"]["delegate"], "advice only");
    EXPECT_EQ(side["modes"]["self"], "not made");
    const auto& ids = side["sentences"];
    for (const char* id : {"is.request.path", "is.request.email.defined_keys", "is.request.msisdn.defined_keys", "is.api.utf8"})
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "cs.response.sid.required"), ids.end());
}
