// mx3pid as a CI gate: known failures, concurrent cases, reports that agree, and interruption.
#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "suite/case_model.hpp"
#include "suite/check_plan.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"
#include "reference_homeserver/variants.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;

TEST(KnownFailures, ListedFailuresBecomeXfailAndTheRunPasses) {
    TempDir dir;
    auto expectations = dir.write("known.yaml", R"(- {case: "register/*/duplicate", reason: "tracked in our issue 123"}
- {case: "3pid/*/duplicate", reason: "https://tracker.example/124", edition: r0.4.0}
)");
    auto json = (dir.path() / "r.json").string();
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--expectations", expectations, "--json", json});
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    auto report = nlohmann::json::parse(read(json));
    EXPECT_EQ(report["counts"]["xfailed"], 4);
    EXPECT_EQ(report["counts"]["failed"], 0);
    EXPECT_NE(result.out.find("XFAIL register/email/duplicate"), std::string::npos);
}

TEST(KnownFailures, AnEntryForAPassingCaseFailsTheRunAsXpass) {
    TempDir dir;
    auto expectations = dir.write("known.yaml", R"(- {case: "register/*/duplicate", reason: "tracked"}
- {case: "3pid/*/duplicate", reason: "tracked"}
- {case: "register/email/valid", reason: "we thought this was broken"}
)");
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--expectations", expectations});
    EXPECT_EQ(result.code, 1);
    EXPECT_NE(result.out.find("XPASS register/email/valid"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("remove this entry"), std::string::npos);
}

TEST(KnownFailures, EntriesOutOfScopeOrMatchingNothingAreWarnings) {
    TempDir dir;
    auto expectations = dir.write("known.yaml", R"(- {case: "register/*/duplicate", reason: "only on v1", edition: ">= v1.1"}
- {case: "no/such/case", reason: "stale"}
- {case: "3pid/*/duplicate", reason: "other server", target: "https://*"}
)");
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--expectations", expectations});
    EXPECT_EQ(result.code, 1) << "out-of-scope entries must not hide failures";
    EXPECT_NE(result.err.find("known.yaml:2: the expectation 'no/such/case' matches no case"), std::string::npos) << result.err;
}

TEST(KnownFailures, AMalformedFileExitsTwoNamingFileAndLine) {
    TempDir dir;
    auto expectations = dir.write("known.yaml", "- {case: \"x\", reason: \"y\"}\n- {case: \"z\"}\n");
    auto result = run({"--expectations", expectations});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find(expectations + ":2:"), std::string::npos) << result.err;
}

TEST(Jobs, ConcurrentCasesGiveTheSameVerdictsInTheSameOrder) {
    TempDir dir;
    std::vector<std::string> verdicts[2];
    int i = 0;
    for (const char* jobs : {"1", "4"}) {
        auto json = (dir.path() / (std::string("r") + jobs + ".json")).string();
        auto result = run({"--homeserver", "builtin:policy-skipped-on-3pid", "--profile",
                           std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/builtin-self.yaml", "--jobs", jobs,
                           "--seed", "7", "--json", json});
        EXPECT_EQ(result.code, 1) << result.err;
        auto report = nlohmann::json::parse(read(json));
        for (const auto& c : report["cases"])
            verdicts[i].push_back(c["id"].get<std::string>() + " " + c["verdict"].get<std::string>());
        ++i;
    }
    EXPECT_EQ(verdicts[0], verdicts[1]);
    EXPECT_GT(verdicts[0].size(), 100u);
}

TEST(Reports, JsonMarkdownAndJunitAgree) {
    TempDir dir;
    auto junit = (dir.path() / "r.xml").string(), json = (dir.path() / "r.json").string(),
         markdown = (dir.path() / "r.md").string();
    auto result = run({"--homeserver", "builtin:denied-wrong-status", "--junit", junit, "--json", json, "--markdown", markdown});
    EXPECT_EQ(result.code, 1);
    auto counts = nlohmann::json::parse(read(json))["counts"];
    auto xml = read(junit);
    EXPECT_EQ(count(xml, "<testcase "), counts["total"].get<int>());
    EXPECT_EQ(count(xml, "<failure"), counts["failed"].get<int>() + counts["xpassed"].get<int>());
    EXPECT_EQ(count(xml, "<error"), counts["errors"].get<int>());
    EXPECT_EQ(count(xml, "<skipped"), counts["skipped"].get<int>() + counts["xfailed"].get<int>());
    EXPECT_GT(counts["failed"].get<int>(), 0);
    auto md = read(markdown);
    EXPECT_NE(md.find(std::to_string(counts["total"].get<int>()) + " cases: " + std::to_string(counts["passed"].get<int>()) +
                      " passed"),
              std::string::npos)
        << md.substr(0, 600);
    EXPECT_EQ(count(md, "\u274C"), counts["failed"].get<int>() * 2 + 1) << "a mark per failed cell, per failure line, and the legend";
}

TEST(Interrupt, SigintLeavesAValidReportAndExits130) {
    TempDir dir;
    auto junit = (dir.path() / "r.xml").string();
    auto child = spawn({"--homeserver", "builtin:chaos-silent", "--timeout", "2", "--junit", junit, "--color", "never"});
    ASSERT_GT(child.pid, 0);
    std::string seen;
    ASSERT_TRUE(read_until(child.out, "ERROR", std::chrono::seconds(20), seen)) << seen;
    kill(child.pid, SIGINT);
    auto status = wait_for(child.pid, std::chrono::seconds(20));
    close(child.out);
    if (!status) kill(child.pid, SIGKILL), waitpid(child.pid, nullptr, 0);
    ASSERT_TRUE(status) << "mx3pid did not end after SIGINT";
    EXPECT_EQ(*status, 130);
    auto xml = read(junit);
    EXPECT_NE(xml.find("name=\"interrupted\" value=\"true\""), std::string::npos) << xml.substr(0, 800);
    EXPECT_GE(count(xml, "<testcase "), 150) << "every selected case is in the report";
    EXPECT_GE(count(xml, "<skipped type=\"not-run\" message=\"not run: interrupted\""), 100) << "the run stopped early";
    EXPECT_EQ(junit_schema_problems(junit), "");
}

/// Every faulty built-in variant makes the run non-conformant: exit 1, from the command line.
class FaultyVariant : public ::testing::TestWithParam<const mx3pid::reference_homeserver::Variant*> {};

TEST_P(FaultyVariant, ExitsOneUnlessItBreaksOnlyShoulds) {
    using namespace mx3pid::suite;
    const auto& variant = *GetParam();
    const auto profile_path = std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/" + std::string(variant.profiles.front()) + ".yaml";
    const auto edition = *mx3pid::spec::Edition::parse("v1.13");
    if (!mx3pid::spec::EditionRange::parse(variant.editions)->contains(edition)) GTEST_SKIP() << "not judged in v1.13";
    // A variant that breaks only SHOULD sentences makes warnings, and the run still conforms: it
    // fails when some case that runs has a check citing a MUST (or schema) sentence it declares broken.
    bool breaks_a_must = variant.behaviour == mx3pid::reference_homeserver::Behaviour::hostile;
    const auto suite = load_suite(std::string(MX3PID_SOURCE_DIR) + "/cases");
    const auto profile = load_profile(profile_path);
    for (const auto& selected : select_cases(suite.templates, edition, profile, {})) {
        if (selected.skip_reason) continue;
        const auto& endpoint = *selected.instance.endpoint;
        const JudgedIn where{edition, &endpoint, profile.validation_for(endpoint.medium)};
        for (const auto& planned : planned_checks(*selected.instance.source, edition))
            for (const auto& id : suite.catalogue.resolve(planned.cited, where).obligations)
                for (const auto& kill : variant.kills) {
                    if (!mx3pid::spec::EditionRange::parse(kill.editions)->contains(edition) ||
                        !glob_match(std::string(kill.endpoints), std::string(endpoint.key)) ||
                        (!kill.modes.empty() && std::find(kill.modes.begin(), kill.modes.end(), where.mode) == kill.modes.end()))
                        continue;
                    for (auto pattern : kill.sentences)
                        if (glob_match(std::string(pattern), id) && suite.catalogue.find(id)->binds())
                            breaks_a_must = true;
                }
    }
    auto result = run({"--homeserver", "builtin:" + std::string(variant.name), "--profile", profile_path, "--spec",
                       edition.name(), "--timeout", "2"});
    EXPECT_EQ(result.code, breaks_a_must ? 1 : 0)
        << variant.name << "\n" << result.out.substr(result.out.size() > 2000 ? result.out.size() - 2000 : 0);
}

std::vector<const mx3pid::reference_homeserver::Variant*> faulty_variants() {
    std::vector<const mx3pid::reference_homeserver::Variant*> list;
    for (const auto& variant : mx3pid::reference_homeserver::variants())
        if (variant.behaviour != mx3pid::reference_homeserver::Behaviour::conformant) list.push_back(&variant);
    return list;
}

INSTANTIATE_TEST_SUITE_P(Builtin, FaultyVariant, ::testing::ValuesIn(faulty_variants()), [](const auto& info) {
    std::string name(info.param->name);
    for (auto& c : name)
        if (c == '-') c = '_';
    return name;
});
