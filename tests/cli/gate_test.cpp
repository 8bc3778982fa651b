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
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--spec", "r0.4.0", "--expectations", expectations, "--json", json});
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
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--spec", "r0.4.0", "--expectations", expectations});
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
    auto result = run({"--homeserver", "builtin:in-use-accepted", "--spec", "r0.4.0", "--expectations", expectations});
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
    EXPECT_EQ(count(md, "\u274C"), counts["failed"].get<int>() * 2 + 1 + count(md, "\n### \u274C "))
        << "a mark per failed cell, per case in the details, the legend, and per cause";
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

/// A variant's name as a test name: GoogleTest takes no '-'.
std::string variant_test_name(const ::testing::TestParamInfo<const mx3pid::reference_homeserver::Variant*>& info) {
    std::string name(info.param->name);
    for (auto& c : name)
        if (c == '-') c = '_';
    return name;
}

/// Every faulty built-in variant makes the run non-conformant: exit 1, from the command line.
class FaultyVariant : public ::testing::TestWithParam<const mx3pid::reference_homeserver::Variant*> {};

TEST_P(FaultyVariant, ExitsOneUnlessItBreaksOnlyShouldsOrCannotBeJudged) {
    using namespace mx3pid::suite;
    const auto& variant = *GetParam();
    const auto profile_path = std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/" + std::string(variant.profiles.front()) + ".yaml";
    const auto edition = *mx3pid::spec::Edition::parse("v1.13");
    if (!mx3pid::spec::EditionRange::parse(variant.editions)->contains(edition)) GTEST_SKIP() << "not judged in v1.13";
    // A variant that breaks only SHOULD sentences makes warnings, and the run still conforms: it
    // fails when some case that runs has a check citing a MUST (or schema) sentence it declares broken.
    const bool hostile = variant.behaviour == mx3pid::reference_homeserver::Behaviour::hostile;
    bool breaks_a_must = false;
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
                       edition.name(), "--timeout", "2", "--depth", "full"});
    // The hostile variants here only limit their rate, which a server may do: the cases they hold back are
    // not run, and the run is incomplete (exit 6), never a failure.
    EXPECT_EQ(result.code, hostile ? 6 : breaks_a_must ? 1 : 0)
        << variant.name << "\n" << result.out.substr(result.out.size() > 2000 ? result.out.size() - 2000 : 0);
}

std::vector<const mx3pid::reference_homeserver::Variant*> faulty_variants() {
    std::vector<const mx3pid::reference_homeserver::Variant*> list;
    for (const auto& variant : mx3pid::reference_homeserver::variants())
        if (variant.behaviour != mx3pid::reference_homeserver::Behaviour::conformant) list.push_back(&variant);
    return list;
}

INSTANTIATE_TEST_SUITE_P(Builtin, FaultyVariant, ::testing::ValuesIn(faulty_variants()), variant_test_name);

/// Every conformant built-in variant passes the gate from the command line (exit 0), in the first
/// profile it declares and the newest of v1.13 and its own last edition. The mutation score proves the
/// same in more editions; this one also runs under the sanitizers.
class ConformantVariant : public ::testing::TestWithParam<const mx3pid::reference_homeserver::Variant*> {};

TEST_P(ConformantVariant, PassesTheGate) {
    const auto& variant = *GetParam();
    const auto profile_path = std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/" + std::string(variant.profiles.front()) + ".yaml";
    const auto range = *mx3pid::spec::EditionRange::parse(variant.editions);
    std::optional<mx3pid::spec::Edition> chosen;
    for (const auto& edition : mx3pid::spec::Edition::all())
        if (range.contains(edition) && (!chosen || edition <= *mx3pid::spec::Edition::parse("v1.13"))) chosen = edition;
    ASSERT_TRUE(chosen) << variant.name << " is judged in no edition mx3pid knows";
    auto result = run({"--homeserver", "builtin:" + std::string(variant.name), "--profile", profile_path, "--spec",
                       chosen->name(), "--timeout", "2"});
    EXPECT_EQ(result.code, 0) << variant.name << " at " << chosen->name() << "\n"
                              << result.out.substr(result.out.size() > 2000 ? result.out.size() - 2000 : 0);
}

std::vector<const mx3pid::reference_homeserver::Variant*> conformant_variants() {
    std::vector<const mx3pid::reference_homeserver::Variant*> list;
    for (const auto& variant : mx3pid::reference_homeserver::variants())
        if (variant.behaviour == mx3pid::reference_homeserver::Behaviour::conformant) list.push_back(&variant);
    return list;
}

INSTANTIATE_TEST_SUITE_P(Builtin, ConformantVariant, ::testing::ValuesIn(conformant_variants()), variant_test_name);

TEST(ExitCodes, OnlyErrorsIsNotAFailureAndStrictRefusesSkips) {
    auto garbage = run({"--homeserver", "builtin:chaos-garbage", "--timeout", "1"});
    EXPECT_EQ(garbage.code, 5) << "could not judge: distinct from 0 and 1\n" << garbage.err;
    auto plain = run({"--homeserver", "builtin", "--spec", "v1.11"});
    EXPECT_EQ(plain.code, 0);
    EXPECT_NE(plain.out.find("24 skipped"), std::string::npos) << plain.out.substr(plain.out.size() - 300);
    auto strict = run({"--homeserver", "builtin", "--spec", "v1.11", "--strict"});
    EXPECT_EQ(strict.code, 6) << "skipped cases make a strict run incomplete";
    // A variant that breaks only a SHOULD: a WARN passes the gate, and fails it with --strict.
    auto lenient = run({"--homeserver", "builtin:resend-on-repeat", "--spec", "v1.11", "--filter", "*/repeat"});
    EXPECT_NE(lenient.out.find("WARN "), std::string::npos) << lenient.out;
    EXPECT_EQ(lenient.code, 0);
    auto should = run({"--homeserver", "builtin:resend-on-repeat", "--spec", "v1.11", "--filter", "*/repeat", "--strict"});
    EXPECT_EQ(should.code, 1);
}

TEST(ExitCodes, FailFastStopsAtTheFirstFailureAndSaysWhy) {
    TempDir dir;
    auto json = (dir.path() / "r.json").string();
    auto result = run({"--homeserver", "builtin:denied-wrong-status", "--spec", "v1.11", "--fail-fast", "--json", json});
    EXPECT_EQ(result.code, 1);
    auto report = nlohmann::json::parse(read(json));
    EXPECT_EQ(report["counts"]["failed"], 1);
    EXPECT_GT(report["counts"]["not_run"].get<int>(), 100);
    bool said = false;
    for (const auto& c : report["cases"])
        if (c["not_run"].get<bool>()) said = c["message"].get<std::string>().starts_with("not run: --fail-fast stopped the run at ");
    EXPECT_TRUE(said);
    EXPECT_NE(result.out.find("to avoid it: run without --fail-fast"), std::string::npos);
}

TEST(KnownFailures, WriteKnownFailuresMakesABaselineThatTheNextRunPasses) {
    TempDir dir;
    auto baseline = (dir.path() / "known.yaml").string(), json = (dir.path() / "r.json").string();
    auto first = run({"--homeserver", "builtin:denied-wrong-status", "--spec", "v1.11", "--write-known-failures", baseline, "--json", json});
    EXPECT_EQ(first.code, 1);
    const auto failed = nlohmann::json::parse(read(json))["counts"]["failed"].get<int>();
    ASSERT_GT(failed, 0);
    const auto text = read(baseline);
    EXPECT_EQ(count(text, "- case: \""), failed) << text;
    EXPECT_EQ(count(text, "  edition: \"v1.11\""), failed);
    EXPECT_EQ(count(text, "  reason: \"FILL IN: "), failed);
    EXPECT_EQ(count(text, "*"), 0) << "exact IDs, no globs";
    auto second = run({"--homeserver", "builtin:denied-wrong-status", "--spec", "v1.11", "--expectations", baseline, "--json", json});
    EXPECT_EQ(second.code, 0) << second.err;
    EXPECT_EQ(nlohmann::json::parse(read(json))["counts"]["xfailed"].get<int>(), failed);
}

TEST(KnownFailures, AGlobThatAlsoMatchesPassingCasesIsAnErrorNamingThem) {
    TempDir dir;
    auto expectations = dir.write("known.yaml", "- {case: \"register/email/d*\", reason: \"denied is broken\"}\n");
    auto json = (dir.path() / "r.json").string();
    auto result = run({"--homeserver", "builtin:denied-wrong-status", "--spec", "v1.11", "--filter", "register/email/*", "--expectations",
                       expectations, "--json", json});
    EXPECT_EQ(result.code, 2) << result.err;
    EXPECT_NE(result.err.find(expectations + ":1: the known-failures glob 'register/email/d*' also matches 1 case that passes: "
                                             "register/email/duplicate"),
              std::string::npos)
        << result.err;
    auto report = nlohmann::json::parse(read(json));
    EXPECT_EQ(report["counts"]["xpassed"], 0) << "not a surprise XPASS";
    EXPECT_EQ(report["counts"]["xfailed"], 1);
}

TEST(Repro, ReproducesAFailingCaseOfAFaultyVariantOnItsOwn) {
    auto result = run({"repro", "register/email/denied", "--homeserver", "builtin:denied-wrong-status", "--spec", "v1.11"});
    EXPECT_EQ(result.code, 1) << result.err;
    EXPECT_NE(result.out.find("FAIL  register/email/denied"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("> POST http://127.0.0.1:"), std::string::npos) << "the exchange, verbosely";
    EXPECT_NE(result.out.find("curl line of register/email/denied"), std::string::npos);
    EXPECT_NE(result.out.find("curl "), std::string::npos);
    EXPECT_EQ(result.out.find("register/email/valid"), std::string::npos) << "only that case";
    auto typo = run({"repro", "register/email/denid", "--homeserver", "builtin:denied-wrong-status"});
    EXPECT_EQ(typo.code, 4);
    EXPECT_NE(typo.err.find("did you mean register/email/denied?"), std::string::npos) << typo.err;
}

TEST(Repro, TheRecapPrintsOneReproductionPerCause) {
    auto result = run({"--homeserver", "builtin:json-as-text-plain", "--spec", "v1.11", "--seed", "5"});
    EXPECT_EQ(result.code, 1);
    // Every failure breaks one sentence: one cause, one reproduction.
    EXPECT_EQ(count(result.out, "\nFAIL  Servers must send Content-Type: application/json with every JSON response. (MUST, "), 1);
    EXPECT_EQ(count(result.out, "      reproduce: mx3pid repro "), 1);
    EXPECT_NE(result.out.find("reproduce: mx3pid repro register/email/valid --homeserver builtin:json-as-text-plain --spec v1.11 --seed 5"),
              std::string::npos)
        << result.out.substr(result.out.size() - 1500);
}

TEST(Github, OneCauseIsOneAnnotationAndTheSummaryIsAppended) {
    TempDir dir;
    const auto summary = (dir.path() / "summary.md").string();
    const auto markdown = (dir.path() / "s.md").string();
    setenv("GITHUB_ACTIONS", "true", 1);
    setenv("GITHUB_STEP_SUMMARY", summary.c_str(), 1);
    auto result = run({"--homeserver", "builtin:json-as-text-plain", "--spec", "v1.11", "--markdown", markdown});
    unsetenv("GITHUB_ACTIONS");
    unsetenv("GITHUB_STEP_SUMMARY");
    EXPECT_EQ(result.code, 1);
    const auto errors = count(result.out, "\n::error ");
    EXPECT_GE(errors, 1);
    EXPECT_LE(errors, 10);
    EXPECT_EQ(count(result.out, "::group::"), 1);
    EXPECT_EQ(count(result.out, "::endgroup::"), 1);
    const auto text = read(markdown);
    EXPECT_LE(text.size(), 65536u);
    EXPECT_EQ(count(text, "### \u274C Servers must send Content-Type: application/json with every JSON response."), 1) << "the cause, once";
    EXPECT_NE(text.find("Cases: valid, valid-no-next\\_link, no-content-type, duplicate"), std::string::npos);
    EXPECT_EQ(read(summary), text + "\n");
    auto plain = run({"--homeserver", "builtin:json-as-text-plain", "--spec", "v1.11", "--ci", "none"});
    EXPECT_EQ(count(plain.out, "::error"), 0);
}
