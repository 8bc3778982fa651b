#include <gtest/gtest.h>

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

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) lines.push_back(line);
    return lines;
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

TEST(Markdown, ListsUnexpectedResultsThenWarningsUnderTheirOwnHeading) {
    const auto text = markdown(sample_run());
    const auto failures = text.find("\n## Failures\n"), warnings = text.find("\n## Warnings (SHOULD)\n");
    ASSERT_NE(failures, std::string::npos);
    ASSERT_NE(warnings, std::string::npos);
    const auto items = lines_starting_with(text.substr(failures, warnings - failures), "- ");
    ASSERT_EQ(items.size(), 4u);
    EXPECT_NE(items[0].find("register/email/duplicate"), std::string::npos);
    EXPECT_NE(items[0].find("status: expected 400, got 200"), std::string::npos);
    EXPECT_NE(items[0].find("[r0.4.0 \u2014 POST /\\_matrix/client/r0/register/email/requestToken]("
                            "https://spec.matrix.org/legacy/client_server/r0.4.0.html#post-matrix-client-r0-register-email-requesttoken)"
                            " ([in v1.1](https://spec.matrix.org/v1.1/client-server-api/#post_matrixclientv3registeremailrequesttoken))"),
              std::string::npos)
        << items[0];
    EXPECT_NE(items[1].find("3pid/msisdn/basic"), std::string::npos);
    EXPECT_NE(items[2].find("password/email/unknown-address"), std::string::npos);
    EXPECT_NE(items[3].find("password/msisdn/valid** (not implemented)"), std::string::npos);
    const auto warned = lines_starting_with(text.substr(warnings), "- ");
    ASSERT_EQ(warned.size(), 1u);
    EXPECT_NE(warned[0].find("register/email/sid-grammar"), std::string::npos);
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
