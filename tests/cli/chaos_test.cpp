// mx3pid against hostile servers: errors, never failures, crashes or hangs, and a valid report.
#include <chrono>

#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "reference_homeserver/chaos.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;

class Chaos : public ::testing::TestWithParam<std::string> {};

TEST_P(Chaos, EveryCaseIsAnErrorAndTheReportIsValid) {
    TempDir dir;
    auto junit = (dir.path() / "chaos.xml").string();
    auto started = std::chrono::steady_clock::now();
    auto result = run({"--homeserver", "builtin:" + GetParam(), "--timeout", "1", "--junit", junit});
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_TRUE(result.code == 5 || result.code == 3) << "only errors: could not judge, or could not test\n" << result.code << "\n" << result.err;
    EXPECT_LT(seconds, 30.0) << "the run must end within its timeouts";
    auto xml = read(junit);
    EXPECT_EQ(count(xml, "<failure"), 0) << "a transport fault is an error, not a failure";
    EXPECT_GT(count(xml, "<error"), 0);
    EXPECT_EQ(junit_schema_problems(junit), "") << xml.substr(0, 4000);
}

std::vector<std::string> hostile() {
    std::vector<std::string> names;
    for (const auto& variant : mx3pid::reference_homeserver::chaos_variants())
        if (variant.name != "chaos-http10" && variant.name != "chaos-bad-utf8") names.emplace_back(variant.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Targets, Chaos, ::testing::ValuesIn(hostile()), [](const auto& info) {
    std::string name = info.param;
    for (auto& c : name)
        if (c == '-') c = '_';
    return name;
});

TEST(Chaos, AnswersThatAreNotUtf8AreJudgedAsTheMustTheyBreak) {
    TempDir dir;
    auto junit = (dir.path() / "utf8.xml").string();
    auto json = (dir.path() / "utf8.json").string();
    auto result = run({"--homeserver", "builtin:chaos-bad-utf8", "--spec", "v1.11", "--timeout", "1", "--filter", "register/*",
                       "--junit", junit, "--json", json});
    EXPECT_EQ(result.code, 1) << result.err;
    auto xml = read(junit);
    EXPECT_EQ(count(xml, "<error"), 0) << "an answer that is not UTF-8 can be judged";
    EXPECT_GT(count(xml, "<failure"), 0);
    EXPECT_NE(read(json).find("\"cs.api.utf8\""), std::string::npos) << "the failures name the UTF-8 sentence";
    EXPECT_EQ(junit_schema_problems(junit), "");
}

TEST(Chaos, AnOldStyleHttp10AnswerIsParsedAndJudged) {
    TempDir dir;
    auto junit = (dir.path() / "http10.xml").string();
    auto result = run({"--homeserver", "builtin:chaos-http10", "--timeout", "1", "--filter", "*/valid", "--junit", junit});
    EXPECT_EQ(result.code, 1) << result.err;
    auto xml = read(junit);
    EXPECT_EQ(count(xml, "<error"), 0) << "a close-delimited HTTP/1.0 body is a real answer";
    EXPECT_GT(count(xml, "<failure"), 0) << "its sid does not come from the identity server";
    EXPECT_EQ(junit_schema_problems(junit), "");
}
