// A run of several editions in every report: each edition's counts, the cases whose verdict
// differs between editions, the editions that conform, and the case × edition matrix with
// neighbouring editions of the same verdicts merged.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/writers.hpp"
#include "sample_run.hpp"
#include "schema.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;

namespace {

template <typename Write>
std::string written(Write write) {
    std::ostringstream out;
    write(out);
    return out.str();
}

std::string console_summary(const RunResult& run) {
    return written([&](std::ostream& out) { write_console_summary(run, out, {}); });
}

}  // namespace

TEST(SeveralEditions, CountsAddUpOverEditionsAndConformingEditionsAreNamed) {
    const auto run = several_editions_run();
    EXPECT_EQ(run.counts().total, 16u);
    EXPECT_EQ(run.counts().failed, 2u);
    EXPECT_FALSE(run.editions[0].conforms());
    EXPECT_TRUE(run.editions[2].conforms()) << "a warning does not stop an edition conforming";
}

TEST(SeveralEditions, ConsoleGivesALinePerEditionThenTheCasesThatDiffer) {
    const auto text = console_summary(several_editions_run());
    EXPECT_NE(text.find("editions judged (4):\n  r0.6.0  4 cases: 1 passed, 1 warned, 1 failed, 0 errors, 1 skipped\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("  v1.2    4 cases: 2 passed, 1 warned, 0 failed, 0 errors, 1 skipped\n"), std::string::npos) << text;
    const auto differs = text.find("cases whose verdict differs between editions:\nFAIL  register/email/duplicate ");
    ASSERT_NE(differs, std::string::npos) << text;
    const auto row_end = text.find('\n', text.find('\n', differs) + 1);
    EXPECT_TRUE(text.substr(differs, row_end - differs).ends_with("  FAIL r0.6.0\u2013r0.6.1 \u00B7 PASS v1.1\u2013v1.2")) << text;
    EXPECT_EQ(text.find("register/email/sid-grammar  "), std::string::npos) << "a case that says the same everywhere is not listed as differing";
    EXPECT_NE(text.find("(MUST, 1 case in r0.6.0\u2013r0.6.1)"), std::string::npos) << "a cause names the editions it breaks in:\n" << text;
    EXPECT_NE(text.find("4 editions, 16 cases: 6 passed, 4 warned, 2 failed, 0 errors, 4 skipped; conform: v1.1\u2013v1.2 (2 of 4 editions)"),
              std::string::npos)
        << text;
}

TEST(SeveralEditions, ConsoleRowSaysWhichEditionsSayWhat) {
    const auto run = several_editions_run();
    std::vector<CaseResult> differing, same;
    for (const auto& edition : run.editions) {
        differing.push_back(edition.cases[1]);
        same.push_back(edition.cases[0]);
    }
    const std::vector<std::string> names{"r0.6.0", "r0.6.1", "v1.1", "v1.2"};
    const auto line = written([&](std::ostream& out) { write_console_row(differing, names, out, {}); });
    EXPECT_TRUE(line.starts_with("FAIL  register/email/duplicate")) << line;
    EXPECT_NE(line.find("FAIL r0.6.0\u2013r0.6.1 \u00B7 PASS v1.1\u2013v1.2: status: expected 400, got 200"), std::string::npos) << line;
    const auto plain = written([&](std::ostream& out) { write_console_row(same, names, out, {}); });
    EXPECT_EQ(plain, written([&](std::ostream& out) { write_console_case(same.front(), out, {}); }))
        << "a case every edition agrees on prints as in a run of one edition";
}

TEST(SeveralEditions, JsonHasEachEditionAsARunOfItAloneAndTheMatrix) {
    const auto document = nlohmann::json::parse(written([&](std::ostream& out) { write_json(several_editions_run(), out); }));
    ASSERT_EQ(document["editions"].size(), 4u);
    const auto& first = document["editions"][0];
    EXPECT_EQ(first["edition"], "r0.6.0");
    EXPECT_EQ(first["conforms"], false);
    EXPECT_EQ(first["counts"]["failed"], 1);
    ASSERT_EQ(first["cases"].size(), 4u);
    EXPECT_EQ(first["cases"][1]["verdict"], "fail");
    EXPECT_EQ(document["editions"][3]["cases"][1]["verdict"], "pass");
    EXPECT_EQ(document["matrix"]["register/email/duplicate"]["r0.6.1"], "fail");
    EXPECT_EQ(document["matrix"]["register/email/duplicate"]["v1.1"], "pass");
    EXPECT_EQ(document["matrix"]["3pid/msisdn/duplicate"]["v1.2"], "skip");
    EXPECT_EQ(document["conforming_editions"], nlohmann::json::array({"v1.1", "v1.2"}));
    EXPECT_EQ(document["counts"]["total"], 16);
    EXPECT_EQ(document["shared"]["units"], 5);
    EXPECT_TRUE(document["cases"].empty()) << "the cases are under each edition";
}

TEST(SeveralEditions, JunitHasOneSuitePerEditionAndValidates) {
    const auto text = written([&](std::ostream& out) { write_junit(several_editions_run(), out, {".{edition}x"}); });
    pugi::xml_document document;
    ASSERT_TRUE(document.load_string(text.c_str()));
    std::vector<std::string> names;
    std::set<std::pair<std::string, std::string>> pairs;
    std::size_t testcases = 0;
    for (auto suite : document.child("testsuites").children("testsuite")) {
        names.push_back(suite.attribute("name").value());
        for (auto property : suite.child("properties").children("property"))
            if (std::string(property.attribute("name").value()) == "edition")
                EXPECT_EQ(names.back(), "mx3pid." + std::string(property.attribute("value").value()) + "." + property.attribute("value").value() + "x");
        for (auto testcase : suite.children("testcase")) {
            ++testcases;
            pairs.insert({testcase.attribute("classname").value(), testcase.attribute("name").value()});
        }
    }
    EXPECT_EQ(names, (std::vector<std::string>{"mx3pid.r0.6.0.r0.6.0x", "mx3pid.r0.6.1.r0.6.1x", "mx3pid.v1.1.v1.1x", "mx3pid.v1.2.v1.2x"}));
    EXPECT_EQ(pairs.size(), testcases) << "no two testcases share a (classname, name) pair, so merging consumers keep them all";
    EXPECT_EQ(pairs.count({"mx3pid.v1.1.register.email.v1.1x", "duplicate"}), 1u);
    ScratchDir dir;
    const auto path = (dir.path() / "editions.xml").string();
    std::ofstream(path) << text;
    EXPECT_EQ(mx3pid::testing::junit_schema_problems(path), "");
}

TEST(SeveralEditions, MarkdownShowsTheMatrixWithEditionsOfTheSameVerdictsMerged) {
    const auto text = written([&](std::ostream& out) { write_markdown(several_editions_run(), out, {}); });
    EXPECT_NE(text.find("| r0.6.0\u2013r0.6.1 | 4 cases: 1 passed, 1 warned, 1 failed, 0 errors, 1 skipped | \u274C |"), std::string::npos)
        << text;
    EXPECT_NE(text.find("| case | r0.6.0\u2013r0.6.1 | v1.1\u2013v1.2 |"), std::string::npos) << text;
    EXPECT_NE(text.find("| register/email/duplicate | \u274C | \u2705 |"), std::string::npos) << text;
    EXPECT_NE(text.find("| register/email/sid-grammar | \u26A0\uFE0F | \u26A0\uFE0F |"), std::string::npos) << text;
    EXPECT_EQ(text.find("| register/email/basic |"), std::string::npos) << "a case passing everywhere is only counted";
    EXPECT_NE(text.find("1 more cases pass in every edition; 1 are skipped in every edition."), std::string::npos) << text;
    EXPECT_NE(text.find("conform: v1.1\u2013v1.2 (2 of 4 editions)"), std::string::npos) << text;
    EXPECT_NE(text.find("**register/email/duplicate** in r0.6.0 (fail)"), std::string::npos) << text;
    EXPECT_NE(text.find(" \u2014 1 case in r0.6.0\u2013r0.6.1 (MUST)"), std::string::npos) << "a cause names the editions it breaks in:\n" << text;
}

TEST(SeveralEditions, HtmlShowsTheMatrixAndASectionPerStretchOfOneVerdict) {
    const auto text = written([&](std::ostream& out) { write_html(several_editions_run(), out); });
    EXPECT_NE(text.find("<table id=\"matrix\"><thead><tr><th>case</th><th>r0.6.0\u2013r0.6.1</th><th>v1.1\u2013v1.2</th></tr>"),
              std::string::npos);
    // register/email/duplicate: a section for its failure in r0.6.0–r0.6.1 and one for its pass after.
    EXPECT_NE(text.find("id=\"case-2-r0.6.0\" data-verdict=\"fail\""), std::string::npos);
    EXPECT_NE(text.find("id=\"case-2-v1.1\" data-verdict=\"pass\""), std::string::npos);
    EXPECT_EQ(text.find("id=\"case-2-r0.6.1\""), std::string::npos) << "editions of one verdict share a section";
    EXPECT_NE(text.find(" \u2014 1 case in r0.6.0\u2013r0.6.1"), std::string::npos) << "a cause names the editions it breaks in";
    // Every link points at a section the page has.
    std::set<std::string> ids;
    const std::regex id_attr(R"re( id="([^"]+)")re"), href(R"re(href="#([^"]+)")re");
    for (std::sregex_iterator it(text.begin(), text.end(), id_attr), end; it != end; ++it) ids.insert((*it)[1]);
    std::size_t links = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), href), end; it != end; ++it, ++links)
        EXPECT_TRUE(ids.count((*it)[1])) << "a link to #" << (*it)[1] << " that nothing on the page carries";
    EXPECT_GT(links, 0u);
}
