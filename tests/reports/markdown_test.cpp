#include <gtest/gtest.h>

#include <algorithm>

#include <sstream>
#include <string>

#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;

namespace {

std::string markdown(const RunResult& run) {
    std::ostringstream out;
    write_markdown(run, out);
    return out.str();
}

}  // namespace

TEST(Markdown, MatchesGolden) { expect_golden("report.md", markdown(sample_run())); }

TEST(Markdown, HasARowPerKindAndAColumnPerEndpoint) {
    const auto rows = lines_starting_with(markdown(sample_run()), "|");
    ASSERT_EQ(rows.size(), 7u);  // header, separator, five kinds
    EXPECT_EQ(rows[0], "| kind | register/email | 3pid/msisdn | password/email | register/msisdn | password/msisdn |");
    EXPECT_EQ(rows[2], "| basic | \u2705 | \U0001F4A5 | \U0001F7E1 | \u2705 | \u2014 |");
    EXPECT_EQ(rows[3], "| duplicate | \u274C | \u23ED\uFE0F | \u2014 | \u2014 | \u2014 |");
    EXPECT_EQ(rows[6], "| valid | \u2014 | \u2014 | \u2014 | \u2014 | \U0001F6AB |");
}

TEST(Markdown, SaysHowManyOfTheSelectedCasesRanWhenInterrupted) {
    const auto text = markdown(interrupted_run());
    EXPECT_NE(text.find("**6 of 9 cases: "), std::string::npos) << text.substr(0, 400);
    EXPECT_NE(text.find("\u2014 interrupted**"), std::string::npos);
    EXPECT_EQ(lines_starting_with(text, "| basic |").at(0), "| basic | \u2705 | \U0001F4A5 | \U0001F7E1 | \u23F8\uFE0F | \u2014 |");
}

TEST(Markdown, GroupsFailuresByCauseThenWarningsThenEveryCaseInDetails) {
    const auto text = markdown(sample_run());
    const auto failures = text.find("\n## Failures by cause\n"), warnings = text.find("\n## Warnings (SHOULD) by cause\n"),
               details = text.find("\n<details><summary>Every failure and warning, case by case (5)</summary>\n");
    ASSERT_NE(failures, std::string::npos);
    ASSERT_LT(failures, warnings);
    ASSERT_LT(warnings, details);
    const auto causes = lines_starting_with(text.substr(failures, warnings - failures), "### ");
    // The errcode is a SHOULD here: the failures are the broken sentence, NOIMP, XPASS and ERROR.
    ASSERT_EQ(causes.size(), 4u);
    EXPECT_EQ(causes[0], "### \u274C An address some account already has is refused with 400, unless concealed. \u2014 1 case (MUST)");
    EXPECT_NE(causes[2].find("known-failures.yaml:7"), std::string::npos);
    EXPECT_EQ(causes[3], "### \U0001F4A5 could not ask: connection refused \u2014 1 case");
    const auto items = lines_starting_with(text.substr(details), "- ");
    ASSERT_EQ(items.size(), 5u);
    EXPECT_NE(items[0].find("register/email/duplicate"), std::string::npos);
    EXPECT_NE(items[0].find("status: expected 400, got 200"), std::string::npos);
    EXPECT_NE(items[0].find("[r0.4.0 \u2014 POST /\\_matrix/client/r0/register/email/requestToken]("
                            "https://spec.matrix.org/legacy/client_server/r0.4.0.html#post-matrix-client-r0-register-email-requesttoken)"
                            " ([in v1.1](https://spec.matrix.org/v1.1/client-server-api/#post_matrixclientv3registeremailrequesttoken))"),
              std::string::npos)
        << items[0];
    EXPECT_NE(items[3].find("password/msisdn/valid** (not implemented)"), std::string::npos);
    EXPECT_NE(items[4].find("register/email/sid-grammar"), std::string::npos);
    EXPECT_TRUE(text.ends_with("</details>\n"));
}

TEST(Markdown, StaysWithinItsBudgetLeavingOutWholePartsLeastImportantFirst) {
    auto run = sample_run();
    // Many failures of one cause, each with long citations: far past a small budget.
    for (int i = 0; i < 400; ++i) {
        auto copy = run.cases[1];
        copy.id = "register/email/kind-" + std::to_string(i);
        copy.kind = "kind-" + std::to_string(i);
        run.cases.push_back(copy);
    }
    std::ostringstream whole;
    write_markdown(run, whole, {.max_bytes = 0, .full_report = "", .repro = {}});
    ASSERT_GT(whole.str().size(), 100000u);
    for (const std::size_t budget : {65536u, 20000u, 8000u}) {
        std::ostringstream out;
        write_markdown(run, out, {.max_bytes = budget, .full_report = "r.html or r.json", .repro = {}});
        const auto text = out.str();
        EXPECT_LE(text.size(), budget);
        EXPECT_NE(text.find("left out to keep this summary under " + std::to_string(budget) + " bytes: r.html or r.json have everything"),
                  std::string::npos);
        EXPECT_NE(text.find("### \u274C An address some account already has is refused with 400, unless concealed. \u2014 401 cases (MUST)"), std::string::npos) << "the cause stays";
        // No table is cut: every table line that is there has all its cells.
        for (const auto& row : lines_starting_with(text, "|")) EXPECT_EQ(std::count(row.begin(), row.end(), '|'), 7) << row;
        EXPECT_TRUE(text.find("<details>") == std::string::npos || text.ends_with("</details>\n"));
    }
    std::ostringstream tight;
    write_markdown(run, tight, {.max_bytes = 8000, .full_report = "", .repro = {}});
    EXPECT_TRUE(lines_starting_with(tight.str(), "|").empty()) << "at 8000 bytes the grid goes before the causes";
}

TEST(Markdown, LinksEachSectionOnceWhereSeveralSentencesShareIt) {
    auto run = sample_run();
    auto& duplicate = run.cases[1];
    ASSERT_EQ(duplicate.id, "register/email/duplicate");
    const auto place = duplicate.spec.front();
    duplicate.spec.insert(duplicate.spec.begin() + 1, place);  // a second sentence of the same section
    duplicate.spec[1].says = "another sentence of that section";
    const auto text = markdown(run);
    const auto item = text.substr(text.find("- \u274C **register/email/duplicate**"));
    const auto line = item.substr(0, item.find('\n'));
    std::size_t links = 0;
    for (auto at = line.find(place.url); at != std::string::npos; at = line.find(place.url, at + 1)) ++links;
    EXPECT_EQ(links, 1u) << line;
}

TEST(Markdown, EscapesTableSeparatorsAndLineBreaksInCells) {
    auto run = sample_run();
    run.cases[0].endpoint = "odd|endpoint\nname";
    const auto text = markdown(run);
    EXPECT_NE(text.find("| odd\\|endpoint name |"), std::string::npos);
    EXPECT_NE(text.find("got \"a\\|b c\""), std::string::npos);
}

TEST(Markdown, EmptyRunSaysSo) {
    const auto text = markdown(empty_run());
    EXPECT_NE(text.find("0 cases"), std::string::npos);
    EXPECT_NE(text.find("0 skipped \u2014 interrupted**"), std::string::npos);
    EXPECT_NE(text.find("None."), std::string::npos);
    EXPECT_TRUE(lines_starting_with(text, "|").empty());
}
