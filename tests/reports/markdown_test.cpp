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

TEST(Markdown, HasARowPerEndpointAndAColumnPerKind) {
    const auto rows = lines_starting_with(markdown(sample_run()), "|");
    ASSERT_EQ(rows.size(), 6u);  // header, separator, four endpoints
    EXPECT_EQ(rows[0], "| endpoint | basic | duplicate | sid-grammar | unknown-address |");
    EXPECT_EQ(rows[2], "| register/email | \u2705 | \u274C | \u26A0\uFE0F | \u2014 |");
    EXPECT_EQ(rows[3], "| 3pid/msisdn | \U0001F4A5 | \u23ED\uFE0F | \u2014 | \u2014 |");
    EXPECT_EQ(rows[4], "| password/email | \U0001F7E1 | \u2014 | \u2014 | \u2757 |");
}

TEST(Markdown, ListsUnexpectedResultsThenWarnings) {
    const auto items = lines_starting_with(markdown(sample_run()), "- ");
    ASSERT_EQ(items.size(), 4u);
    EXPECT_NE(items[0].find("register/email/duplicate"), std::string::npos);
    EXPECT_NE(items[0].find("status: expected 400, got 200"), std::string::npos);
    EXPECT_NE(items[0].find("r0.4.0 \u2014 POST /\\_matrix/client/r0/register/email/requestToken"), std::string::npos);
    EXPECT_NE(items[1].find("3pid/msisdn/basic"), std::string::npos);
    EXPECT_NE(items[2].find("password/email/unknown-address"), std::string::npos);
    EXPECT_NE(items[3].find("register/email/sid-grammar"), std::string::npos);
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
