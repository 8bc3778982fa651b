#include <algorithm>
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/detail/text.hpp"
#include "reports/progress.hpp"
#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;

namespace {

std::string console(const RunResult& run, const ConsoleOptions& options) {
    std::ostringstream out;
    write_console_header(run, out, options);
    for (const auto& result : run.cases) write_console_case(result, out, options);
    write_console_summary(run, out, options);
    return out.str();
}

std::string last_line(const std::string& text) {
    const auto end = text.find_last_not_of('\n');
    const auto start = text.rfind('\n', end);
    return text.substr(start + 1, end - start);
}

}  // namespace

TEST(Console, MatchesGolden) { expect_golden("console.txt", console(sample_run(), {})); }

TEST(Console, VerboseMatchesGolden) {
    expect_golden("console-verbose.txt", console(sample_run(), {.color = false, .verbose = true}));
}

TEST(Console, HeaderNamesTargetEditionWhyAndSeed) {
    std::ostringstream out;
    write_console_header(sample_run(), out, {});
    EXPECT_EQ(out.str(),
              "mx3pid 0.1.0 \u00B7 target builtin:reference \u00B7 edition r0.4.0 (detected) \u00B7 profile "
              "profiles/builtin.yaml \u00B7 seed 20240501\nwarning: the target also advertises v1.1; judged as r0.4.0\n");
}

TEST(Console, CaseLineHasTagIdTimeAndMessage) {
    const auto run = sample_run();
    std::ostringstream out;
    write_console_case(run.cases[1], out, {});
    EXPECT_EQ(out.str(), "FAIL  register/email/duplicate" + std::string(20, ' ') +
                             "   0.025s  status: expected 400, got 200 [cs.register.in_use.status]\n");
    out.str("");
    write_console_case(run.cases[0], out, {});
    EXPECT_EQ(out.str(), "PASS  register/email/basic" + std::string(24, ' ') + "   0.012s\n");
}

TEST(Console, ColoursOnlyWhenAsked) {
    const auto run = sample_run();
    const auto plain = console(run, {.color = false, .verbose = true});
    EXPECT_EQ(plain.find('\x1b'), std::string::npos) << "a server's escape sequence reached the terminal";
    const auto coloured = console(run, {.color = true, .verbose = false});
    EXPECT_NE(coloured.find("\x1b[31mFAIL \x1b[0m"), std::string::npos);
    EXPECT_NE(coloured.find("\x1b[32mPASS \x1b[0m"), std::string::npos);
}

TEST(Console, SummaryLineCountsEveryVerdict) {
    EXPECT_EQ(last_line(console(sample_run(), {})),
              "9 cases: 2 passed, 1 warned, 1 failed, 1 not implemented, 1 error, 1 skipped, 1 xfailed, 1 xpassed");
    EXPECT_EQ(last_line(console(interrupted_run(), {})),
              "6 of 9 cases: 1 passed, 1 warned, 1 failed, 1 error, 1 skipped, 1 xfailed, 3 not run \u2014 interrupted");
    EXPECT_EQ(last_line(console(empty_run(), {})),
              "0 cases: 0 passed, 0 warned, 0 failed, 0 errors, 0 skipped \u2014 interrupted");
}

TEST(Console, SummaryGroupsFailuresByCauseWithAnExampleAndAReproduction) {
    std::ostringstream out;
    ConsoleOptions options;
    options.repro = [](const CaseResult& result) { return "mx3pid repro " + result.id; };
    write_console_summary(sample_run(), out, options);
    const auto text = out.str();
    // A check's cause is the first sentence it breaks, in the catalogue's words.
    const auto status = text.find("FAIL  An address some account already has is refused with 400, unless concealed. (MUST, 1 case)\n"
                                  "      rule: cs.register.in_use.status https://");
    const auto missing = text.find("NOIMP password/msisdn \u2014 not implemented");
    const auto fixed = text.find("XPASS known failures listed in known-failures.yaml:7 now pass (1 case)");
    const auto refused = text.find("ERROR could not ask: connection refused (1 case)");
    const auto grammar = text.find("WARN  sid consists only of ASCII letters");
    ASSERT_NE(status, std::string::npos) << text;
    EXPECT_LT(status, missing);
    EXPECT_LT(missing, fixed);
    EXPECT_LT(fixed, refused);
    EXPECT_LT(refused, grammar);
    EXPECT_NE(text.find("      e.g. register/email/duplicate: errcode: expected M_THREEPID_IN_USE, got M_UNKNOWN\n"), std::string::npos);
    EXPECT_NE(text.find("      e.g. 3pid/msisdn/basic\n"), std::string::npos) << "the title already says why";
    EXPECT_NE(text.find("      reproduce: mx3pid repro register/email/duplicate\n"), std::string::npos);
    EXPECT_EQ(text.find("password/email/basic"), std::string::npos) << "an xfail is not a failure";
    EXPECT_EQ(text.find("case by case"), std::string::npos) << "per-case detail only with -v";
}

TEST(Console, OneCauseAcrossManyCasesIsOneEntryListingThemCompactly) {
    RunResult run;
    for (const char* endpoint : {"register/email", "3pid/email", "password/email"})
        for (const char* kind : {"denied", "duplicate"}) {
            CaseResult result;
            result.endpoint = endpoint;
            result.kind = kind;
            result.id = std::string(endpoint) + "/" + kind;
            result.verdict = Verdict::fail;
            CheckResult check{"content type", Verdict::fail, "application/json", "text/plain", "MUST", {"cs.errors.json"}, {}};
            result.checks = {check};
            run.cases.push_back(result);
        }
    run.cases.back().checks.push_back({"status", Verdict::fail, "403", "200", "MUST", {}, {}});
    run.sentences = {{"cs.errors.json", "MUST", "error responses are JSON objects", "API standards", "https://spec.example/#errors", ""}};
    std::ostringstream out;
    write_console_summary(run, out, {});
    const auto text = out.str();
    EXPECT_NE(text.find("FAIL  error responses are JSON objects (MUST, 6 cases)\n"
                        "      rule: cs.errors.json https://spec.example/#errors\n"
                        "      e.g. register/email/denied: content type: expected application/json, got text/plain\n"
                        "      cases: denied, duplicate on every endpoint\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("FAIL  status: expected 403 (MUST, 1 case)"), std::string::npos) << "a check citing no sentence is its own cause";
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 10) << text;
}

TEST(Console, CasesNotRunAreCountedWithTheirReasonAndTheWayToAvoidIt) {
    RunResult run;
    for (const char* kind : {"valid", "duplicate"}) {
        CaseResult result;
        result.endpoint = "register/msisdn";
        result.kind = kind;
        result.id = std::string("register/msisdn/") + kind;
        result.verdict = Verdict::skip;
        result.not_run = true;
        result.message = "not run: rate limited beyond --max-wait (the server asked for 600 s)";
        run.cases.push_back(result);
    }
    std::ostringstream out;
    write_console_summary(run, out, {});
    EXPECT_NE(out.str().find("not run: 2 cases, rate limited beyond --max-wait (the server asked for 600 s) (every case of "
                             "register/msisdn)\n      to avoid it: raise --max-wait"),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("2 not run"), std::string::npos);
}

TEST(NotImplemented, IsShownApartFromImplementedWrongly) {
    using namespace mx3pid::reports;
    RunResult run = test_support::sample_run();
    const auto& missing = run.cases.back();
    ASSERT_EQ(missing.verdict, Verdict::not_implemented);
    std::ostringstream console, markdown, junit, json_text;
    write_console_case(missing, console, {});
    write_markdown(run, markdown);
    write_junit(run, junit);
    write_json(run, json_text);
    EXPECT_EQ(console.str().rfind("NOIMP password/msisdn/valid", 0), 0u) << console.str();
    EXPECT_NE(markdown.str().find("\U0001F6AB **password/msisdn/valid** (not implemented)"), std::string::npos);
    EXPECT_NE(junit.str().find("type=\"not-implemented\""), std::string::npos);
    auto document = nlohmann::json::parse(json_text.str());
    EXPECT_EQ(document["counts"]["not_implemented"], 1);
    EXPECT_EQ(document["counts"]["failed"], 1) << "not implemented is counted apart from implemented wrongly";
    EXPECT_EQ(document["cases"].back()["verdict"], "not-implemented");
    EXPECT_TRUE(is_unexpected(Verdict::not_implemented));
}

TEST(Console, LongIdsNeverPushTheTimeColumnAndMessagesAreCutAtAWord) {
    auto run = sample_run();
    run.cases[1].id = "register/email/a-kind-whose-name-goes-on-far-longer-than-any-column";
    run.cases[1].message = "status: expected 400, got 200, and then a great deal more that an eighty column terminal cannot hold";
    const ConsoleOptions options{.width = 80, .id_width = 40};
    for (const auto& result : run.cases) {
        std::ostringstream out;
        write_console_case(result, out, options);
        const auto line = out.str().substr(0, out.str().size() - 1);
        EXPECT_LE(mx3pid::reports::detail::display_width(line), 80u) << line;
        const auto time_end = line.find("s", line.find('.', 5 + 1 + 40)) + 1;
        EXPECT_EQ(mx3pid::reports::detail::display_width(line.substr(0, time_end)), 5u + 1 + 40 + 1 + 8)
            << "the time ends in the same column: " << line;
    }
    std::ostringstream out;
    write_console_case(run.cases[1], out, options);
    EXPECT_EQ(out.str(), "FAIL  register/email/a-kind-whose-name-goes-o\u2026   0.025s  status: expected 400,\u2026\n");
}

TEST(Console, TheIdColumnIsTheLongestIdWithinTheWidth) {
    EXPECT_EQ(id_column({"a/b/c", "register/email/valid"}, 0), 20u);
    EXPECT_EQ(id_column({"a/b/c", std::string(70, 'x')}, 0), 70u) << "off a terminal nothing is cut";
    EXPECT_EQ(id_column({std::string(70, 'x')}, 80), 43u) << "80 columns leave 20 for the message";
    EXPECT_EQ(id_column({std::string(70, 'x')}, 200), 70u);
}

TEST(ProgressLine, ShowsACaseThatRunsLongerThanTheDelayAndClearsItBeforeTheNextLine) {
    std::ostringstream out;
    ProgressLine progress(out, true, 80, std::chrono::milliseconds(500), false);
    progress.case_started(36, 180, "3pid/email/resend");
    progress.tick(ProgressLine::Clock::now());
    EXPECT_EQ(out.str(), "") << "not before the delay";
    progress.tick(ProgressLine::Clock::now() + std::chrono::seconds(1));
    EXPECT_EQ(out.str(), "\r[37/180] 3pid/email/resend \u2026\x1b[K");
    progress.print([](std::ostream& stream) { stream << "PASS  3pid/email/resend\n"; });
    EXPECT_EQ(out.str(), "\r[37/180] 3pid/email/resend \u2026\x1b[K\r\x1b[KPASS  3pid/email/resend\n");
    progress.tick(ProgressLine::Clock::now() + std::chrono::seconds(1));
    EXPECT_EQ(out.str().find("[37/180]", 10), std::string::npos) << "a printed case is not shown again";
}

TEST(ProgressLine, KeepsShowingACaseStillRunningWhenAnEarlierOnePrints) {
    std::ostringstream out;
    ProgressLine progress(out, true, 80, std::chrono::milliseconds(500), false);
    progress.case_started(1, 3, "register/email/valid-no-id_server");
    progress.case_started(2, 3, "register/email/duplicate");
    progress.print([](std::ostream& stream) { stream << "SKIP  register/email/valid-no-id_server\n"; },
                   "register/email/valid-no-id_server");
    progress.tick(ProgressLine::Clock::now() + std::chrono::seconds(1));
    EXPECT_NE(out.str().find("\r[3/3] register/email/duplicate \u2026"), std::string::npos) << out.str();
    progress.print([](std::ostream& stream) { stream << "PASS  register/email/duplicate\n"; }, "register/email/duplicate");
    const auto printed = out.str().size();
    progress.tick(ProgressLine::Clock::now() + std::chrono::seconds(2));
    EXPECT_EQ(out.str().size(), printed) << "a finished case is not shown again";
}

TEST(ProgressLine, ShowsTheTimeLeftOfARateLimitAtOnce) {
    std::ostringstream out;
    ProgressLine progress(out, true, 80, std::chrono::milliseconds(500), false);
    progress.case_started(0, 2, "register/email/valid");
    progress.waiting("rate limited (429)", std::chrono::milliseconds(11200));
    EXPECT_EQ(out.str(), "\r[1/2] register/email/valid: rate limited (429), 12 s left\x1b[K");
    progress.waiting("rate limited (429)", std::chrono::milliseconds(0));
    EXPECT_TRUE(out.str().ends_with("\x1b[K\r\x1b[K")) << "cleared when the wait is over";
}

TEST(ProgressLine, PrintsPlainLinesOffATerminal) {
    std::ostringstream out;
    ProgressLine progress(out, false, 0);
    progress.case_started(0, 2, "register/email/valid");
    progress.tick(ProgressLine::Clock::now() + std::chrono::seconds(5));
    progress.waiting("rate limited", std::chrono::seconds(3));
    progress.print([](std::ostream& stream) { stream << "PASS  register/email/valid\n"; });
    EXPECT_EQ(out.str(), "PASS  register/email/valid\n");
}

TEST(Console, NoColorTurnsColourOffUnlessAskedForAlways) {
    EXPECT_TRUE(colour_wanted("auto", true, false));
    EXPECT_FALSE(colour_wanted("auto", true, true)) << "NO_COLOR";
    EXPECT_TRUE(colour_wanted("always", true, true)) << "--color always wins over NO_COLOR";
    EXPECT_TRUE(colour_wanted("always", false, false));
    EXPECT_FALSE(colour_wanted("auto", false, false)) << "not a terminal";
    EXPECT_FALSE(colour_wanted("never", true, false));
}

TEST(NotImplemented, TheSummaryNamesAnUnimplementedEndpointOnce) {
    using namespace mx3pid::reports;
    RunResult run;
    for (const char* kind : {"valid", "duplicate", "missing-client_secret"}) {
        CaseResult missing;
        missing.id = std::string("register/msisdn/") + kind;
        missing.endpoint = "register/msisdn";
        missing.kind = kind;
        missing.verdict = Verdict::not_implemented;
        missing.message = "not implemented: the endpoint answered a POST with 404 M_UNRECOGNIZED, as if it did not exist";
        run.cases.push_back(missing);
    }
    std::ostringstream console;
    write_console_summary(run, console, {});
    const auto text = console.str();
    EXPECT_NE(text.find("NOIMP register/msisdn \u2014 not implemented: the endpoint answered a POST with 404 M_UNRECOGNIZED, "
                        "as if it did not exist (3 cases)\n      cases: valid, duplicate, missing-client_secret on register/msisdn\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("register/msisdn/valid"), std::string::npos) << "no case of the endpoint is repeated: " << text;
}
