// The mx3pid command as a user runs it: exit codes, messages and report files.
#include "cli/cli.hpp"

#include <cstdlib>
#include <filesystem>
#include <tuple>

#include <nlohmann/json.hpp>

#include "spec/edition.hpp"

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

#include <filesystem>

#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using mx3pid::testing::TempDir;

using mx3pid::testing::count;
using mx3pid::testing::read;
using mx3pid::testing::run;

TEST(Cli, BuiltinRunIsConformantAndWritesAValidJUnitFile) {
    TempDir dir;
    auto junit = (dir.path() / "report.xml").string();
    auto result = run({"--homeserver", "builtin", "--spec", "r0.4.0", "--junit", junit});
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    auto xml = read(junit);
    EXPECT_GE(count(xml, "<testcase "), 24);
    EXPECT_EQ(count(xml, "<failure"), 0);
    EXPECT_EQ(count(xml, "<error"), 0);
    EXPECT_EQ(mx3pid::testing::junit_schema_problems(junit), "") << xml;
}

TEST(Cli, UnreachableHomeserverExitsThreeWithOneLine) {
    auto result = run({"--homeserver", "http://127.0.0.1:1"});
    EXPECT_EQ(result.code, 3);
    EXPECT_EQ(count(result.err, "\n"), 1) << result.err;
    EXPECT_NE(result.err.find("127.0.0.1:1"), std::string::npos);
}

TEST(Cli, MalformedProfileExitsTwoNamingFileAndLine) {
    TempDir dir;
    auto profile = dir.write("profile.yaml", "spec: r0.4.0\nfresh:\n  email_domian: x.example\n");
    auto result = run({"--profile", profile});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find(profile + ":3:"), std::string::npos) << result.err;
}

TEST(Cli, MalformedCaseFileExitsTwoNamingFileAndLine) {
    TempDir dir;
    dir.write("profiles/builtin.yaml", "spec: r0.4.0\n");
    std::filesystem::create_directory_symlink(std::string(MX3PID_SOURCE_DIR) + "/cases/sentences", dir.path() / "sentences");
    auto file = dir.write("bad.yaml", "- kind: x\n  title: y\n  endpoints: ['*']\n  steps:\n    - {expect: {status: 200}, sentences: {status: [cs.response.200.sent]}}\n  nope: 1\n");
    auto result = run({"--cases", dir.path().string()});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find(file + ":6:"), std::string::npos) << result.err;
}

TEST(Cli, ACasesDirectoryWithoutItsSentencesExitsTwo) {
    TempDir dir;
    dir.write("profiles/builtin.yaml", "spec: r0.4.0\n");
    auto result = run({"--cases", dir.path().string()});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("sentences:0: is not a directory of sentence files"), std::string::npos) << result.err;
}

TEST(Cli, FilterMatchingNothingExitsFour) {
    EXPECT_EQ(run({"--filter", "no/such/*"}).code, 4);
    EXPECT_EQ(run({"--list", "--filter", "no/such/*"}).code, 4);
}

TEST(Cli, FilterNarrowsTheRun) {
    auto result = run({"--filter", "3pid/*/valid,password/email/*", "--spec", "r0.4.0"});
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("3pid/msisdn/valid"), std::string::npos);
    EXPECT_EQ(result.out.find("register/email/valid"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
    EXPECT_EQ(run({"repro"}).code, 2) << "repro needs a case ID";
    EXPECT_EQ(run({"--no-such-flag"}).code, 2);
    EXPECT_EQ(run({"--spec", "r9"}).code, 2);
    EXPECT_EQ(run({"--homeserver", "ftp://x"}).code, 2);
    EXPECT_EQ(run({"--homeserver", "builtin:no-such-variant"}).code, 2);
}

TEST(Cli, ListsCasesAndBuiltinsAndVersion) {
    auto list = run({"--list"});
    EXPECT_EQ(list.code, 0);
    EXPECT_NE(list.out.find("register/email/valid"), std::string::npos);
    auto builtins = run({"--list-builtin"});
    EXPECT_EQ(builtins.code, 0);
    EXPECT_EQ(builtins.out.substr(0, 10), "reference\n");
    auto version = run({"--version"});
    EXPECT_EQ(version.code, 0);
    EXPECT_EQ(version.out.rfind("mx3pid ", 0), 0u);
}

TEST(Cli, AutoDetectsTheEditionTheBuiltinAdvertises) {
    const std::string newest(mx3pid::spec::Edition::all().back().name());
    auto result = run({"--spec", "auto", "--filter", "register/email/valid"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find(newest + " (detected"), std::string::npos) << result.out;
}

TEST(Cli, BuiltinWithoutProfileOrSpecIsJudgedAtTheNewestEditionAndTheOldestIsOneFlagAway) {
    const std::string newest(mx3pid::spec::Edition::all().back().name());
    auto result = run({"--filter", "register/email/valid"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("edition " + newest + " (the newest edition mx3pid knows"), std::string::npos) << result.out;
    auto oldest = run({"--spec", "r0.4.0", "--filter", "register/email/valid"});
    EXPECT_NE(oldest.out.find("edition r0.4.0 (given)"), std::string::npos) << oldest.out;
}

TEST(Cli, AnUnreachableTargetStillWritesEveryReportWithOneErrorNamingIt) {
    TempDir dir;
    const auto junit = (dir.path() / "j.xml").string(), markdown = (dir.path() / "s.md").string(),
               json = (dir.path() / "r.json").string(), html = (dir.path() / "r.html").string();
    auto result = run({"--homeserver", "http://127.0.0.1:9", "--junit", junit, "--markdown", markdown, "--json", json, "--html", html});
    EXPECT_EQ(result.code, 3);
    auto report = nlohmann::json::parse(read(json));
    ASSERT_EQ(report["cases"].size(), 1u);
    EXPECT_EQ(report["cases"][0]["verdict"], "error");
    const auto message = report["cases"][0]["message"].get<std::string>();
    EXPECT_NE(message.find("http://127.0.0.1:9"), std::string::npos) << message;
    EXPECT_NE(message.find("--wait-for-server"), std::string::npos) << "the fix is named: " << message;
    EXPECT_EQ(mx3pid::testing::junit_schema_problems(junit), "");
    EXPECT_EQ(count(read(junit), "<error "), 1);
    EXPECT_NE(read(markdown).find("127.0.0.1:9"), std::string::npos);
    EXPECT_NE(read(html).find("127.0.0.1:9"), std::string::npos);
}

TEST(Cli, EveryEarlyExitWritesTheReports) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string();
    auto profile = dir.write("profile.yaml", "spec: r0.4.0\nfresh:\n  email_domian: x.example\n");
    for (const auto& [args, code, says] :
         {std::tuple{std::vector<std::string>{"--profile", profile}, 2, profile + ":3:"},
          std::tuple{std::vector<std::string>{"--filter", "register/email/vaild"}, 4, std::string("did you mean register/email/valid?")},
          std::tuple{std::vector<std::string>{"--homeserver", "ftp://x"}, 2, std::string("ftp://x")}}) {
        std::filesystem::remove(json);
        auto with_report = args;
        with_report.insert(with_report.end(), {"--json", json});
        auto result = run(with_report);
        EXPECT_EQ(result.code, code) << result.err;
        ASSERT_TRUE(std::filesystem::exists(json)) << args.front();
        const auto message = nlohmann::json::parse(read(json))["cases"][0]["message"].get<std::string>();
        EXPECT_NE(message.find(says), std::string::npos) << message;
        EXPECT_NE(result.err.find(says), std::string::npos) << result.err;
    }
}

TEST(Cli, AMistypedFlagGetsASuggestion) {
    auto result = run({"--jsn", "x.json"});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("did you mean --json?"), std::string::npos) << result.err;
}

TEST(Cli, ExcludeLeavesCasesOutAndQuietPrintsOnlyWhatFails) {
    auto result = run({"--spec", "v1.11", "--filter", "register/email/*", "--exclude", "*/valid*,*client_secret*", "-q"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.out.find("PASS "), std::string::npos) << "-q prints no passing case: " << result.out;
    auto listed = run({"--list", "--spec", "v1.11", "--filter", "register/email/*", "--exclude", "*/valid*,*client_secret*"});
    EXPECT_EQ(listed.out.find("register/email/valid"), std::string::npos);
    EXPECT_EQ(listed.out.find("client_secret"), std::string::npos);
    EXPECT_NE(listed.out.find("register/email/duplicate"), std::string::npos);
}

TEST(Cli, TheEnvironmentStandsForAnAbsentFlag) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string();
    setenv("MX3PID_HOMESERVER", "builtin:denied-wrong-status", 1);
    setenv("MX3PID_SPEC", "v1.11", 1);
    setenv("MX3PID_FILTER", "register/email/denied", 1);
    auto result = run({"--json", json});
    auto flag_wins = run({"--homeserver", "builtin", "--json", json + "2"});
    unsetenv("MX3PID_HOMESERVER");
    unsetenv("MX3PID_SPEC");
    unsetenv("MX3PID_FILTER");
    EXPECT_EQ(result.code, 1) << result.err;
    auto report = nlohmann::json::parse(read(json));
    EXPECT_EQ(report["target"], "builtin:denied-wrong-status");
    EXPECT_EQ(report["edition"], "v1.11");
    EXPECT_EQ(report["counts"]["total"], 1);
    EXPECT_EQ(flag_wins.code, 0) << "a flag given wins over the environment";
}

TEST(Cli, SecretsNeverReachTheReportsUnlessAsked) {
    // Client secrets are "mx3pid-" and 24 letters or digits; the reference's tokens "tok<n>-" and 12 letters;
    // client_secret-255 grows the case's own secret to 255 characters, so it starts with one (its curl
    // line sends a stand-in of that length instead). (The 256 's' of client_secret-256 is no secret: no
    // server accepts it, and its curl line keeps it, since that case is about it.)
    const std::regex secret("mx3pid-[A-Za-z0-9]{24}|tok[0-9]+-[A-Za-z]{12}");
    for (bool redacted : {true, false}) {
        TempDir dir;
        auto junit = (dir.path() / "r.xml").string(), json = (dir.path() / "r.json").string(),
             markdown = (dir.path() / "r.md").string();
        std::vector<std::string> args{"--profile", std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/builtin-self.yaml",
                                      "--filter", "register/email/*,password/*/client_secret-255", "-v", "--junit", junit,
                                      "--json", json, "--markdown", markdown};
        if (!redacted) args.push_back("--no-redact");
        auto result = run(args);
        ASSERT_EQ(result.code, 0) << result.err;
        if (redacted) {
            for (const auto& [name, text] : {std::pair{"console", result.out + result.err}, std::pair{"junit", read(junit)},
                                             std::pair{"json", read(json)}, std::pair{"markdown", read(markdown)}})
                EXPECT_FALSE(std::regex_search(text, secret)) << "a secret reached the " << name << " output";
        } else {
            // The same search finds them when redaction is off: the check above can fail.
            EXPECT_TRUE(std::regex_search(read(junit), secret));
            EXPECT_TRUE(std::regex_search(read(json), secret));
        }
    }
}

TEST(Cli, HelpAndTheReadmeNameTheSameOptions) {
    auto options_in = [](const std::string& text) {
        std::set<std::string> names;
        const std::regex option("--[a-z][a-z-]*");
        for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it) names.insert(it->str());
        return names;
    };
    auto help = run({"--help"});
    ASSERT_EQ(help.code, 0);
    auto readme = read(std::string(MX3PID_SOURCE_DIR) + "/README.md");
    auto start = readme.find("## Command line");
    ASSERT_NE(start, std::string::npos);
    auto block_start = readme.find("```", start);
    auto block_end = readme.find("```", block_start + 3);
    auto documented = options_in(readme.substr(block_start, block_end - block_start));
    auto offered = options_in(help.out);
    offered.erase("--help");
    documented.erase("--help");
    EXPECT_EQ(documented, offered);
}
