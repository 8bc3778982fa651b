#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "reports/detail/text.hpp"
#include "reports/writers.hpp"
#include "sample_run.hpp"
#include "schema.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;

namespace {

std::string junit(const RunResult& run) {
    std::ostringstream out;
    write_junit(run, out);
    return out.str();
}

pugi::xml_document parse(const std::string& text) {
    pugi::xml_document document;
    const auto parsed = document.load_string(text.c_str());
    EXPECT_TRUE(parsed) << parsed.description();
    return document;
}

std::string attribute(pugi::xml_node node, const char* name) { return node.attribute(name).value(); }

/// Report shapes a consumer meets: every verdict together, and each kind of run on its own.
struct Shape {
    std::string label;
    RunResult run;
};

RunResult only(RunResult run, std::initializer_list<Verdict> verdicts) {
    std::erase_if(run.cases, [&](const CaseResult& result) {
        return std::find(verdicts.begin(), verdicts.end(), result.verdict) == verdicts.end();
    });
    return run;
}

std::vector<Shape> report_shapes() {
    RunResult empty_selection = empty_run();
    empty_selection.interrupted = false;
    empty_selection.planned = 0;
    return {
        {"every-verdict", sample_run()},
        {"passing", only(sample_run(), {Verdict::pass, Verdict::skip})},
        {"failures", only(sample_run(), {Verdict::pass, Verdict::fail})},
        {"warnings", only(sample_run(), {Verdict::pass, Verdict::warn})},
        {"not-implemented", only(sample_run(), {Verdict::not_implemented})},
        {"errors", only(sample_run(), {Verdict::error})},
        {"known-failures", only(sample_run(), {Verdict::xfail, Verdict::xpass})},
        {"not-run", interrupted_run()},
        {"interrupted-before-the-first-case", empty_run()},
        {"empty-selection", empty_selection},
    };
}

std::string written(const RunResult& run, const std::filesystem::path& path) {
    write_file_atomically(path, [&](std::ostream& out) { write_junit(run, out); });
    return path.string();
}

}  // namespace

TEST(Junit, EveryReportShapeIsValidAgainstTheSchemaMx3pidPromises) {
    ScratchDir dir;
    for (const auto& shape : report_shapes()) {
        SCOPED_TRACE(shape.label);
        const auto path = written(shape.run, dir.path() / (shape.label + ".xml"));
        EXPECT_EQ(mx3pid::testing::junit_schema_problems(path), "");
    }
}

TEST(Junit, TheSchemaRefusesWhatMx3pidNeverWrites) {
    ScratchDir dir;
    const auto valid = junit(sample_run());
    ASSERT_EQ(mx3pid::testing::junit_schema_problems(written(sample_run(), dir.path() / "valid.xml")), "")
        << "the unbroken report must validate, or the refusals below prove nothing";
    const std::vector<std::pair<std::string, std::string>> broken{
        {"a negative count", std::regex_replace(valid, std::regex(R"(failures="1")"), R"(failures="-1")", std::regex_constants::format_first_only)},
        {"a suite without counts", std::regex_replace(valid, std::regex(R"( skipped="\d+")"), "", std::regex_constants::format_first_only)},
        {"two outcomes in one case", std::regex_replace(valid, std::regex("</failure>"), "</failure><error type=\"error\" message=\"x\"/>", std::regex_constants::format_first_only)},
        {"a time that is not a number", std::regex_replace(valid, std::regex(R"(time="1.234")"), R"(time="soon")", std::regex_constants::format_first_only)},
    };
    for (const auto& [what, xml] : broken) {
        SCOPED_TRACE(what);
        ASSERT_NE(xml, valid) << "the mutation did not apply";
        const auto path = dir.path() / "broken.xml";
        std::ofstream(path) << xml;
        EXPECT_NE(mx3pid::testing::junit_schema_problems(path.string()), "");
    }
}

TEST(JunitJenkins, EveryReportShapeIsValidAgainstJenkinsSchemaWhereTheSharedFolderHasIt) {
    const auto schema = mx3pid::testing::jenkins_junit_schema();
    if (!schema) GTEST_SKIP() << mx3pid::testing::jenkins_schema_absent();
    ScratchDir dir;
    for (const auto& shape : report_shapes()) {
        SCOPED_TRACE(shape.label);
        const auto path = written(shape.run, dir.path() / (shape.label + ".xml"));
        EXPECT_EQ(mx3pid::testing::schema_problems(path, *schema), "");
    }
}

namespace {

void expect_schema_valid(const RunResult& run, const std::string& label) {
    ScratchDir dir;
    EXPECT_EQ(mx3pid::testing::junit_schema_problems(written(run, dir.path() / (label + ".xml"))), "");
}

}  // namespace

TEST(Junit, MatchesGolden) { expect_golden("junit.xml", without_hostname(junit(sample_run()))); }

TEST(Junit, EmptyRunMatchesGolden) { expect_golden("junit-empty.xml", without_hostname(junit(empty_run()))); }

TEST(Junit, HasOneSuitePerEndpointInOrderOfFirstAppearance) {
    const auto document = parse(junit(sample_run()));
    const auto root = document.child("testsuites");
    EXPECT_EQ(attribute(root, "name"), "mx3pid");
    EXPECT_EQ(attribute(root, "time"), "1.234");
    // No counts at the top: consumers that read them and consumers that sum the suites then agree.
    for (const char* count : {"tests", "failures", "errors", "skipped"}) EXPECT_FALSE(root.attribute(count)) << count;

    std::vector<std::string> names;
    for (auto suite : root.children("testsuite")) {
        names.push_back(attribute(suite, "name"));
        for (auto testcase : suite.children("testcase"))
            EXPECT_EQ(attribute(testcase, "classname"), attribute(suite, "name"));
    }
    EXPECT_EQ(names, (std::vector<std::string>{"mx3pid.register.email", "mx3pid.3pid.msisdn",
                                               "mx3pid.password.email", "mx3pid.register.msisdn",
                                               "mx3pid.password.msisdn"}));

    const auto email = root.find_child_by_attribute("testsuite", "name", "mx3pid.register.email");
    EXPECT_EQ(attribute(email, "tests"), "3");
    EXPECT_EQ(attribute(email, "failures"), "1");
    EXPECT_EQ(attribute(email, "skipped"), "0");
    EXPECT_EQ(attribute(email, "time"), "0.040");
    EXPECT_EQ(attribute(email, "timestamp"), "2024-05-01T12:00:00");
    EXPECT_FALSE(attribute(email, "hostname").empty());

    const auto password = root.find_child_by_attribute("testsuite", "name", "mx3pid.password.email");
    EXPECT_EQ(attribute(password, "skipped"), "1");
    EXPECT_EQ(attribute(password, "failures"), "1");
    EXPECT_EQ(attribute(password, "timestamp"), "2024-05-01T12:00:01");
}

TEST(Junit, EverySuiteCarriesTheRunProperties) {
    const auto document = parse(junit(sample_run()));
    for (auto suite : document.child("testsuites").children("testsuite")) {
        std::vector<std::pair<std::string, std::string>> properties;
        for (auto property : suite.child("properties").children("property"))
            properties.emplace_back(attribute(property, "name"), attribute(property, "value"));
        EXPECT_EQ(properties, (std::vector<std::pair<std::string, std::string>>{
                                  {"target", "builtin:reference"},
                                  {"edition", "r0.4.0"},
                                  {"edition_source", "detected"},
                                  {"advertised_editions", "r0.4.0, r0.5.0"},
                                  {"profile", "profiles/builtin.yaml"},
                                  {"mx3pid_version", "0.1.0"},
                                  {"seed", "20240501"},
                                  {"interrupted", "false"},
                                  {"warned", attribute(suite, "name") == "mx3pid.register.email" ? "1" : "0"},
                                  {"run_warnings", "1"},
                                  {"jobs", "1"},
                                  {"filter", "*"}}));
    }
}

TEST(Junit, MapsEachVerdictToItsElement) {
    const auto document = parse(junit(sample_run()));
    const auto root = document.child("testsuites");
    const auto find = [&](const char* suite, const char* name) {
        return root.find_child_by_attribute("testsuite", "name", suite).find_child_by_attribute("testcase", "name", name);
    };

    const auto pass = find("mx3pid.register.email", "basic");
    EXPECT_FALSE(pass.child("failure") || pass.child("error") || pass.child("skipped"));
    EXPECT_NE(std::string(pass.child("system-out").text().get()).find("status: expected 200, got 200 [pass, MUST]"),
              std::string::npos);

    const auto warn = find("mx3pid.register.email", "sid-grammar");
    EXPECT_FALSE(warn.child("failure") || warn.child("error") || warn.child("skipped"));
    EXPECT_EQ(std::string(warn.child("system-err").text().get()).rfind("warning (SHOULD): sid grammar: expected", 0), 0u)
        << "a warning is visible in viewers that show only failures, errors and stderr";

    const auto fail = find("mx3pid.register.email", "duplicate");
    EXPECT_EQ(attribute(fail.child("failure"), "type"), "fail");
    EXPECT_EQ(attribute(fail.child("failure"), "message"), "status: expected 400, got 200 [cs.register.in_use.status]");
    const std::string failure_text = fail.child("failure").text().get();
    EXPECT_NE(failure_text.find("    breaks cs.register.in_use.status (schema): An address some account already has is refused with "
                                "400, unless concealed. <https://matrix.org/docs/spec/client_server/r0.4.0#post-matrix-client-r0-"
                                "register-email-requesttoken>"),
              std::string::npos)
        << failure_text;

    const auto error = find("mx3pid.3pid.msisdn", "basic");
    EXPECT_EQ(attribute(error.child("error"), "type"), "error");
    EXPECT_EQ(attribute(error.child("error"), "message"), "could not ask: connection refused");
    EXPECT_NE(std::string(error.child("error").text().get()).find("no response: connection refused (127.0.0.1:8008)"),
              std::string::npos);

    const auto skip = find("mx3pid.3pid.msisdn", "duplicate");
    EXPECT_EQ(attribute(skip.child("skipped"), "message"), "the profile sets enumeration_protection");
    EXPECT_EQ(attribute(skip.child("skipped"), "type"), "skip");

    const auto xfail = find("mx3pid.password.email", "basic");
    EXPECT_EQ(attribute(xfail.child("skipped"), "type"), "xfail");
    EXPECT_EQ(attribute(xfail.child("skipped"), "message"),
              "known failure (known-failures.yaml:3): upstream issue 1234: 500 on reset");

    const auto xpass = find("mx3pid.password.email", "unknown-address");
    EXPECT_EQ(attribute(xpass.child("failure"), "type"), "xpass");
    EXPECT_EQ(attribute(xpass.child("failure"), "message"),
              "listed as a known failure (known-failures.yaml:7) but passed: remove this entry (upstream issue 99)")
        << "an xpass names the expectations file and line of its entry";

    const auto missing = find("mx3pid.password.msisdn", "valid");
    EXPECT_EQ(attribute(missing.child("failure"), "type"), "not-implemented");
}

TEST(Junit, RunWarningsAreInTheFirstSuitesStderr) {
    auto run = sample_run();
    run.edition_note = "judged as r0.4.0, which the homeserver does not advertise";
    const auto document = parse(junit(run));
    const auto first = document.child("testsuites").child("testsuite");
    EXPECT_EQ(std::string(first.child("system-err").text().get()),
              "mx3pid: warning: judged as r0.4.0, which the homeserver does not advertise\n"
              "mx3pid: warning: the target also advertises v1.1; judged as r0.4.0\n");
    EXPECT_FALSE(first.next_sibling("testsuite").child("system-err")) << "once per report, not per suite";
}

TEST(Junit, CasesAnInterruptionLeftOutAreSkippedAsNotRun) {
    const auto run = interrupted_run();
    const auto document = parse(junit(run));
    std::size_t tests = 0, skipped = 0, not_run = 0;
    for (auto suite : document.child("testsuites").children("testsuite")) {
        tests += suite.attribute("tests").as_ullong();
        skipped += suite.attribute("skipped").as_ullong();
        for (auto testcase : suite.children("testcase"))
            if (attribute(testcase.child("skipped"), "type") == "not-run") {
                ++not_run;
                EXPECT_EQ(attribute(testcase.child("skipped"), "message"), "not run: interrupted");
            }
    }
    EXPECT_EQ(tests, run.cases.size());
    EXPECT_EQ(not_run, 3u);
    EXPECT_EQ(skipped, 1u + 1u + not_run) << "skip, xfail and the three not run";
    expect_schema_valid(run, "interrupted");
}

TEST(Junit, ASuffixKeepsTheCasesOfTwoEditionsApartWhenMerged) {
    auto older = sample_run(), newer = sample_run();
    newer.edition = "v1.13";
    // A merger that keeps the first testcase of each (classname, name) pair, as GitLab does.
    const auto merged_pairs = [](const std::vector<std::string>& reports) {
        std::set<std::pair<std::string, std::string>> pairs;
        std::size_t total = 0;
        for (const auto& text : reports) {
            pugi::xml_document document;
            document.load_string(text.c_str());
            for (auto suite : document.child("testsuites").children("testsuite"))
                for (auto testcase : suite.children("testcase")) {
                    ++total;
                    pairs.emplace(attribute(testcase, "classname"), attribute(testcase, "name"));
                }
        }
        return std::pair{pairs.size(), total};
    };
    const auto with = [](const RunResult& run, const std::string& suffix) {
        std::ostringstream out;
        write_junit(run, out, {suffix});
        return out.str();
    };
    const auto [kept_plain, total_plain] = merged_pairs({junit(older), junit(newer)});
    EXPECT_LT(kept_plain, total_plain) << "without a suffix a merge drops cases";
    const auto [kept, total] = merged_pairs({with(older, ".r0.4.0"), with(newer, ".v1.13")});
    EXPECT_EQ(kept, total);
    EXPECT_EQ(total, 2 * older.cases.size());
    const auto document = parse(with(newer, ".v1.13"));
    EXPECT_EQ(attribute(document.child("testsuites").child("testsuite"), "name"), "mx3pid.register.email.v1.13");
}

TEST(Junit, KeepsTheFileWellFormedWhateverTheServerSent) {
    const auto text = junit(sample_run());
    EXPECT_EQ(detail::valid_utf8(text), text);
    for (const unsigned char c : text) EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << int(c);
    EXPECT_EQ(text.find("\xEF\xBF\xBF"), std::string::npos);
    EXPECT_EQ(text.find("]]>"), std::string::npos);
    EXPECT_EQ(text.find("&#1;"), std::string::npos);

    const auto document = parse(text);
    const std::string body = document.child("testsuites")
                                 .find_child_by_attribute("testsuite", "name", "mx3pid.register.email")
                                 .find_child_by_attribute("testcase", "name", "duplicate")
                                 .child("failure")
                                 .text()
                                 .get();
    for (const char* expected : {"\\x00\\x01\\x1b[31mred\\x1b[0m", "\\xff\\xfe invalid", "\\uFFFF nonchar",
                                 "]]> <&>", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "truncated \\xe2\\x82\"}",
                                 "  < second\\rline\n"})
        EXPECT_NE(body.find(expected), std::string::npos) << expected << "\nin\n" << body;
}

TEST(Junit, MessagesStayOnOneLineAndShort) {
    auto run = sample_run();
    run.cases[1].message = std::string(2000, 'x') + "\nsecond line";
    const auto document = parse(junit(run));
    const std::string message = document.child("testsuites")
                                    .child("testsuite")
                                    .find_child_by_attribute("testcase", "name", "duplicate")
                                    .child("failure")
                                    .attribute("message")
                                    .value();
    EXPECT_EQ(message, std::string(500, 'x') + "\xE2\x80\xA6");
}

TEST(Junit, CapsHugeBodies) {
    auto run = sample_run();
    run.cases[1].exchanges[0].response_body = std::string(10 * 1024 * 1024, '\x01');
    const auto text = junit(run);
    EXPECT_LT(text.size(), 512u * 1024);
    EXPECT_NE(text.find("[\xE2\x80\xA6 " + std::to_string(10 * 1024 * 1024 - detail::body_limit) + " bytes cut]"),
              std::string::npos);
}

TEST(Junit, EmptyRunHasOneSuiteWithTheProperties) {
    const auto document = parse(junit(empty_run()));
    const auto root = document.child("testsuites");
    const auto suite = root.child("testsuite");
    EXPECT_EQ(attribute(suite, "name"), "mx3pid");
    EXPECT_EQ(attribute(suite, "tests"), "0");
    EXPECT_FALSE(suite.next_sibling("testsuite"));
    EXPECT_EQ(attribute(suite.child("properties").find_child_by_attribute("property", "name", "interrupted"), "value"),
              "true");
}

TEST(Junit, TimesMatchTheSurefirePattern) {
    const std::regex surefire(R"((([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?)");
    const std::regex timestamp(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})");
    const auto document = parse(junit(sample_run()));
    for (auto suite : document.child("testsuites").children("testsuite")) {
        EXPECT_TRUE(std::regex_match(attribute(suite, "time"), surefire)) << attribute(suite, "time");
        EXPECT_TRUE(std::regex_match(attribute(suite, "timestamp"), timestamp)) << attribute(suite, "timestamp");
        for (auto testcase : suite.children("testcase"))
            EXPECT_TRUE(std::regex_match(attribute(testcase, "time"), surefire)) << attribute(testcase, "time");
    }
}
