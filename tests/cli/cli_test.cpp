// The mx3pid command as a user runs it: exit codes, messages and report files.
#include "cli/cli.hpp"

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
    EXPECT_EQ(result.out.find("register/email"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
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
    auto result = run({"--spec", "auto", "--filter", "register/email/valid"});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_NE(result.out.find("r0.4.0 (detected"), std::string::npos) << result.out;
}

TEST(Cli, SecretsNeverReachTheReportsUnlessAsked) {
    // Client secrets are "mx3pid-" and 24 letters or digits; the reference's tokens "tok<n>-" and 12 letters;
    // client_secret-255 sends 255 's'. (The 256 's' of client_secret-256 is no secret: no server accepts it,
    // and its curl line keeps it, since that case is about it.)
    const std::regex secret("mx3pid-[A-Za-z0-9]{24}|tok[0-9]+-[A-Za-z]{12}|(^|[^s])s{255}([^s]|$)");
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
