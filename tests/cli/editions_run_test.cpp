// --spec all and --spec FIRST..LAST from the command line: every edition judged in one run, the
// exit code over all of them, known failures that name editions, and --filter and --jobs.
#include <gtest/gtest.h>
#include <algorithm>
#include <regex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "cli_run.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;
using Json = nlohmann::json;

TEST(SeveralEditions, AllOnTheReferenceJudgesEveryEditionAndExitsZero) {
    TempDir dir;
    const auto json = (dir.path() / "a.json").string(), junit = (dir.path() / "a.xml").string(), html = (dir.path() / "a.html").string();
    const auto result = run({"--homeserver", "builtin", "--spec", "all", "--json", json, "--junit", junit, "--html", html});
    EXPECT_EQ(result.code, 0) << result.out.substr(result.out.size() > 4000 ? result.out.size() - 4000 : 0) << result.err;
    const auto report = Json::parse(read(json));
    ASSERT_EQ(report["editions"].size(), 24u);
    EXPECT_EQ(report["editions"][0]["edition"], "r0.3.0");
    EXPECT_EQ(report["editions"][23]["edition"], "v1.19");
    EXPECT_EQ(report["conforming_editions"].size(), 24u);
    EXPECT_EQ(report["matrix"]["register/msisdn/valid"]["r0.3.0"], "skip") << "r0.3.0 documents no msisdn endpoint";
    EXPECT_EQ(report["matrix"]["register/email/valid"]["r0.3.0"], "pass");
    EXPECT_EQ(report["matrix"]["register/email/wrong-method"]["v1.5"], "skip");
    EXPECT_EQ(report["matrix"]["register/email/wrong-method"]["v1.6"], "pass");
    EXPECT_LT(report["shared"]["units"].get<int>(), report["shared"]["judgements"].get<int>() / 4)
        << "most requests are shared between editions";
    EXPECT_EQ(junit_schema_problems(junit), "");
    EXPECT_EQ(count(read(junit), "<testsuite "), 24);
    EXPECT_NE(read(html).find("<table id=\"matrix\">"), std::string::npos);
    EXPECT_NE(result.out.find("\n  v1.2    264 cases: "), std::string::npos) << "a line per edition";
    EXPECT_NE(result.out.find("conform: every edition (24)"), std::string::npos);
}

TEST(SeveralEditions, TwoBuiltInServersShareTheRequestsNoEpochBetweenThemCanTellApart) {
    // v1.13 and v1.14 are answered by two built-in servers (next_link must be a URI from v1.14); a
    // request whose next_link is one is answered alike by both, so it is sent once.
    TempDir dir;
    const auto json = (dir.path() / "a.json").string();
    const auto result = run({"--homeserver", "builtin", "--spec", "v1.13..v1.14", "--json", json});
    EXPECT_EQ(result.code, 0) << result.out.substr(result.out.size() > 4000 ? result.out.size() - 4000 : 0) << result.err;
    const auto report = Json::parse(read(json));
    const auto units = report["shared"]["units"].get<int>(), judgements = report["shared"]["judgements"].get<int>();
    EXPECT_LT(units * 10, judgements * 6) << units << " units for " << judgements << " judgements: v1.14 shares few of v1.13's";
    EXPECT_EQ(report["matrix"]["register/email/next_link-malformed"]["v1.14"], "pass") << "sent to the server that answers as v1.14";
}

TEST(SeveralEditions, AFaultyServerFailsTheRunAndOnlyTheEditionsItMeetsConform) {
    TempDir dir;
    const auto json = (dir.path() / "a.json").string(), junit = (dir.path() / "a.xml").string();
    const auto result = run({"--homeserver", "builtin:no-sid", "--spec", "all", "--filter", "register/email/*", "--json", json, "--junit", junit});
    EXPECT_EQ(result.code, 1) << result.err;
    // JUnit summed over its suites tells the JSON's counts.
    const auto counts = Json::parse(read(json))["counts"];
    pugi::xml_document document;
    ASSERT_TRUE(document.load_file(junit.c_str()));
    long tests = 0, failures = 0, skipped = 0;
    for (auto suite : document.child("testsuites").children("testsuite")) {
        tests += suite.attribute("tests").as_int();
        failures += suite.attribute("failures").as_int();
        skipped += suite.attribute("skipped").as_int();
    }
    EXPECT_EQ(tests, counts["total"].get<long>());
    EXPECT_EQ(failures, counts["failed"].get<long>() + counts["not_implemented"].get<long>() + counts["xpassed"].get<long>());
    EXPECT_EQ(skipped, counts["skipped"].get<long>() + counts["xfailed"].get<long>() + counts["not_run"].get<long>());
    EXPECT_GT(failures, 0);
    EXPECT_EQ(junit_schema_problems(junit), "");
    EXPECT_NE(result.out.find("; conform: r0.3.0 (1 of 24 editions)"), std::string::npos)
        << "r0.3.0's 200 is an empty object: a missing sid breaks no sentence there\n" << result.out;
    EXPECT_NE(result.out.find("reproduce: mx3pid repro register/email/valid --homeserver builtin:no-sid --spec r0.4.0 "), std::string::npos)
        << "a reproduction names the one edition its example was judged in:\n" << result.out;
}

TEST(SeveralEditions, ASpanJudgesItsEditionsAndNamesThoseThatConform) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string();
    const auto result =
        run({"--homeserver", "builtin:options-405", "--spec", "r0.4.0..r0.5.0", "--filter", "*/options", "--json", json});
    EXPECT_EQ(result.code, 1) << result.err;
    const auto report = Json::parse(read(json));
    ASSERT_EQ(report["editions"].size(), 2u);
    EXPECT_EQ(report["matrix"]["register/email/options"]["r0.4.0"], "warn") << "before r0.5.0 answering a pre-flight is a SHOULD";
    EXPECT_EQ(report["matrix"]["register/email/options"]["r0.5.0"], "fail");
    EXPECT_NE(result.out.find("conform: r0.4.0 (1 of 2 editions)"), std::string::npos) << result.out;
}

TEST(SeveralEditions, KnownFailuresHoldInTheEditionsTheyName) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string(), baseline = (dir.path() / "known.yaml").string();
    const std::vector<std::string> span{"--homeserver", "builtin:options-405", "--spec", "r0.4.0..r0.6.0", "--filter", "*/options",
                                        "--json", json};
    auto first = span;
    first.insert(first.end(), {"--write-known-failures", baseline});
    EXPECT_EQ(run(first).code, 1);
    const auto text = read(baseline);
    EXPECT_EQ(count(text, "  edition: \">= r0.5.0 <= r0.6.0\""), 6) << "one entry per case for its stretch of failing editions:\n" << text;
    auto second = span;
    second.insert(second.end(), {"--expectations", baseline});
    const auto passed = run(second);
    EXPECT_EQ(passed.code, 0) << passed.out << passed.err;
    EXPECT_EQ(Json::parse(read(json))["counts"]["xfailed"], 12);

    const auto only_one = dir.write("r050.yaml", "- {case: \"*/options\", reason: \"tracked\", edition: r0.5.0}\n");
    auto third = span;
    third.insert(third.end(), {"--expectations", only_one});
    EXPECT_EQ(run(third).code, 1) << "an entry naming r0.5.0 does not cover r0.6.0";
    const auto report = Json::parse(read(json));
    EXPECT_EQ(report["matrix"]["3pid/email/options"]["r0.5.0"], "xfail");
    EXPECT_EQ(report["matrix"]["3pid/email/options"]["r0.6.0"], "fail");
}

TEST(SeveralEditions, JobsAndSeedChangeNoVerdict) {
    TempDir dir;
    const auto one = (dir.path() / "one.json").string(), two = (dir.path() / "two.json").string();
    EXPECT_EQ(run({"--homeserver", "builtin:in-use-accepted", "--spec", "r0.6.1..v1.2", "--filter", "register/email/*", "--seed", "7",
                   "--jobs", "1", "--json", one})
                  .code,
              1);
    EXPECT_EQ(run({"--homeserver", "builtin:in-use-accepted", "--spec", "r0.6.1..v1.2", "--filter", "register/email/*", "--seed", "7",
                   "--jobs", "4", "--json", two})
                  .code,
              1);
    const auto a = Json::parse(read(one)), b = Json::parse(read(two));
    EXPECT_EQ(a["matrix"], b["matrix"]);
    EXPECT_EQ(a["seed"], "7");
    EXPECT_EQ(a["matrix"]["register/email/duplicate"]["v1.1"], "fail");
    for (const auto& [id, verdicts] : a["matrix"].items()) EXPECT_TRUE(id.starts_with("register/email/")) << id;
}

TEST(SeveralEditions, ABackwardSpanIsAUsageError) {
    const auto result = run({"--homeserver", "builtin", "--spec", "v1.6..v1.5"});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("v1.5 is older than v1.6"), std::string::npos) << result.err;
}

namespace {

/// What a case's judgement in one edition says, with what differs between two runs by chance
/// (ports, the mock identity server's sids and access tokens, send_attempt's clock) made alike.
std::string judged_text(const Json& result) {
    static const std::regex chance(R"(127\.0\.0\.1:\d+|mockis-\d+-\w+|mockis_\w+|(send_attempt\W{1,3})\d+)");
    Json kept;
    for (const char* key : {"id", "verdict", "level", "message", "checks", "side_channel", "not_run", "spec"})
        if (result.contains(key)) kept[key] = result[key];
    return std::regex_replace(kept.dump(), chance, "$1*");
}

}  // namespace

class SharedJudgements : public ::testing::TestWithParam<const char*> {};

// Editions that judge alike share one judgement of each unit; judged each on its own, every
// edition gives every case the same verdict, checks, levels and messages.
TEST_P(SharedJudgements, GiveWhatEveryEditionJudgedOnItsOwnGives) {
    TempDir dir;
    const auto shared = (dir.path() / "shared.json").string(), own = (dir.path() / "own.json").string();
    const std::string homeserver = std::string("builtin:") + GetParam();
    const auto once = run({"--homeserver", homeserver, "--spec", "all", "--seed", "7", "--quiet", "--json", shared});
    const auto each = run({"--homeserver", homeserver, "--spec", "all", "--seed", "7", "--quiet", "--json", own, "--judge-every-edition"});
    EXPECT_EQ(once.code, each.code) << once.err << each.err;
    const auto a = Json::parse(read(shared)), b = Json::parse(read(own));
    EXPECT_EQ(a["matrix"], b["matrix"]);
    EXPECT_EQ(a["shared"]["judgements"], b["shared"]["judgements"]);
    EXPECT_EQ(b["shared"]["distinct_judgements"], b["shared"]["judgements"]) << "--judge-every-edition shares no judgement";
    EXPECT_LT(a["shared"]["distinct_judgements"].get<int>() * 3, a["shared"]["judgements"].get<int>() * 2)
        << "editions that judge alike share their judgements";
    ASSERT_EQ(a["editions"].size(), b["editions"].size());
    std::size_t compared = 0;
    for (std::size_t e = 0; e < a["editions"].size(); ++e) {
        const auto &left = a["editions"][e]["cases"], &right = b["editions"][e]["cases"];
        ASSERT_EQ(left.size(), right.size());
        for (std::size_t c = 0; c < left.size(); ++c, ++compared)
            ASSERT_EQ(judged_text(left[c]), judged_text(right[c])) << a["editions"][e]["edition"] << " " << left[c]["id"];
    }
    EXPECT_GT(compared, 4000u);
}

// The reference; a fault on the answer (no sid); faults and freedoms the judge's own edition
// thresholds decide (the identity API's version, CORS headers, Retry-After, submit_url); a malformed body forwarded (a freedom).
INSTANTIATE_TEST_SUITE_P(Builtin, SharedJudgements,
                         ::testing::Values("reference", "no-sid", "identity-v1-only", "identity-v2-too-early", "no-cors-headers",
                                           "rate-limited-malformed", "submit-url-relative", "forwards-malformed"),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });
