// Every report of one run tells the same counts: JUnit read at the top and summed over its suites,
// JSON, Markdown, HTML and the console, for runs that pass, fail, only err, know their failures,
// and stop early. Each JUnit file also validates, no line of any report is longer than 70,000
// characters, and no curl line holds "<redacted>".
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "cli_run.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;
using Json = nlohmann::json;

namespace {

/// The counts every report should agree on, by the JSON report's names.
using Counts = std::map<std::string, long>;

struct Reports {
    std::string console, junit, json, markdown, html;
    int code = -1;
};

struct Paths {
    std::string junit, json, markdown, html;
    std::vector<std::string> args() const {
        return {"--junit", junit, "--json", json, "--markdown", markdown, "--html", html, "--color", "never"};
    }
};

Paths paths_in(const TempDir& dir) {
    return {(dir.path() / "r.xml").string(), (dir.path() / "r.json").string(), (dir.path() / "r.md").string(),
            (dir.path() / "r.html").string()};
}

Reports read_reports(const Paths& paths, std::string console, int code) {
    return {std::move(console), read(paths.junit), read(paths.json), read(paths.markdown), read(paths.html), code};
}

Reports run_in_process(std::vector<std::string> args) {
    TempDir dir;
    const auto paths = paths_in(dir);
    for (auto& arg : paths.args()) args.push_back(arg);
    auto result = run(args);
    EXPECT_NE(result.code, 2) << result.err;
    auto reports = read_reports(paths, result.out, result.code);
    EXPECT_EQ(junit_schema_problems(paths.junit), "") << "the JUnit file does not validate against doc/junit.xsd";
    return reports;
}

Counts from_json(const std::string& text) {
    Counts counts;
    const auto document = Json::parse(text);
    for (const auto& [name, value] : document["counts"].items()) counts[name] = value.get<long>();
    return counts;
}

/// The counts JUnit gives a consumer that sums the suites, and one that reads each testcase's outcome.
std::pair<Counts, Counts> from_junit(const std::string& text) {
    pugi::xml_document document;
    EXPECT_TRUE(document.load_string(text.c_str()));
    const auto root = document.child("testsuites");
    for (const char* count : {"tests", "failures", "errors", "skipped"})
        EXPECT_FALSE(root.attribute(count)) << "<testsuites> carries " << count << ": consumers would read it apart";
    Counts summed, outcomes;
    for (auto suite : root.children("testsuite")) {
        for (const char* count : {"tests", "failures", "errors", "skipped"}) summed[count] += suite.attribute(count).as_int();
        for (auto testcase : suite.children("testcase")) {
            std::string outcome = "passed";
            if (auto failure = testcase.child("failure")) {
                const std::string type = failure.attribute("type").value();
                outcome = type == "fail" ? "failed" : type == "not-implemented" ? "not_implemented" : "xpassed";
            } else if (testcase.child("error")) {
                outcome = "errors";
            } else if (auto skipped = testcase.child("skipped")) {
                const std::string type = skipped.attribute("type").value();
                outcome = type == "xfail" ? "xfailed" : type == "not-run" ? "not_run" : "skipped";
            } else if (testcase.child("system-err")) {
                outcome = "warned";
            }
            ++outcomes[outcome];
            ++outcomes["total"];
        }
    }
    return {summed, outcomes};
}

/// The counts in a summary line: "[N of] M cases: P passed, W warned, F failed, [I not implemented,] E errors, S skipped[, X xfailed][, Y xpassed][ — interrupted]".
Counts from_summary(const std::string& text) {
    static const std::regex line(
        R"re((?:(\d+) of )?(\d+) cases?: (\d+) passed, (\d+) warned, (\d+) failed, (?:(\d+) not implemented, )?(\d+) errors?, (\d+) skipped(?:, (\d+) xfailed)?(?:, (\d+) xpassed)?)re");
    std::smatch match;
    if (!std::regex_search(text, match, line)) {
        ADD_FAILURE() << "no summary line in:\n" << text.substr(0, 2000);
        return {};
    }
    const auto number = [&](int group) { return match[group].matched ? std::stol(match[group]) : 0L; };
    Counts counts{{"total", number(2)}, {"passed", number(3)},  {"warned", number(4)},  {"failed", number(5)},
                  {"not_implemented", number(6)}, {"errors", number(7)}, {"skipped", number(8)},
                  {"xfailed", number(9)}, {"xpassed", number(10)}};
    counts["not_run"] = match[1].matched ? number(2) - number(1) : 0;
    return counts;
}

Counts from_html(const std::string& text) {
    Counts counts;
    const std::regex section(R"re(<section class="case [^"]*" id="[^"]*" data-verdict="([^"]*)")re");
    const std::map<std::string, std::string> names{{"pass", "passed"}, {"warn", "warned"}, {"fail", "failed"},
                                                   {"not-implemented", "not_implemented"}, {"error", "errors"},
                                                   {"skip", "skipped"}, {"xfail", "xfailed"}, {"xpass", "xpassed"},
                                                   {"not-run", "not_run"}};
    for (std::sregex_iterator it(text.begin(), text.end(), section), end; it != end; ++it) {
        ++counts[names.at((*it)[1])];
        ++counts["total"];
    }
    return counts;
}

/// `counts` without its zeros, so that "absent" and "0" compare alike.
Counts nonzero(Counts counts) {
    std::erase_if(counts, [](const auto& entry) { return entry.second == 0; });
    return counts;
}

void expect_lines_at_most(const std::string& text, std::size_t limit, const std::string& what) {
    std::istringstream in(text);
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        EXPECT_LE(line.size(), limit) << what << " line " << number << " is " << line.size() << " bytes";
    }
}

void expect_agreement(const Reports& reports, const std::string& label) {
    SCOPED_TRACE(label);
    const auto json = from_json(reports.json);
    const auto [summed, outcomes] = from_junit(reports.junit);
    EXPECT_EQ(summed.at("tests"), json.at("total"));
    EXPECT_EQ(summed.at("failures"), json.at("failed") + json.at("not_implemented") + json.at("xpassed"));
    EXPECT_EQ(summed.at("errors"), json.at("errors"));
    EXPECT_EQ(summed.at("skipped"), json.at("skipped") + json.at("xfailed") + json.at("not_run"));
    EXPECT_EQ(nonzero(outcomes), nonzero(json)) << "JUnit testcases by outcome";
    EXPECT_EQ(nonzero(from_summary(reports.markdown)), nonzero(json)) << "Markdown";
    EXPECT_EQ(nonzero(from_summary(reports.console)), nonzero(json)) << "console";
    EXPECT_EQ(nonzero(from_html(reports.html)), nonzero(json)) << "HTML cases";
    EXPECT_EQ(nonzero(from_summary(reports.html)), nonzero(json)) << "HTML header";

    for (const auto& [name, text] : {std::pair{"JUnit", &reports.junit}, std::pair{"JSON", &reports.json},
                                     std::pair{"Markdown", &reports.markdown}, std::pair{"HTML", &reports.html},
                                     std::pair{"console", &reports.console}})
        expect_lines_at_most(*text, 70000, name);
    const auto document = Json::parse(reports.json);
    for (const auto& result : document["cases"])
        EXPECT_EQ(result["curl"].get<std::string>().find("<redacted>"), std::string::npos) << result["id"];
    std::istringstream junit(reports.junit);
    for (std::string line; std::getline(junit, line);)
        if (line.rfind("curl: ", 0) == 0) EXPECT_EQ(line.find("&lt;redacted&gt;"), std::string::npos) << line;
}

}  // namespace

TEST(ReportAgreement, BuiltinRun) {
    const auto reports = run_in_process({"--homeserver", "builtin"});
    EXPECT_EQ(reports.code, 0);
    expect_agreement(reports, "builtin");
    EXPECT_GT(from_json(reports.json).at("passed"), 100);
}

TEST(ReportAgreement, FaultyVariantRun) {
    const auto reports = run_in_process({"--homeserver", "builtin:denied-wrong-status"});
    EXPECT_EQ(reports.code, 1);
    expect_agreement(reports, "denied-wrong-status");
    EXPECT_GT(from_json(reports.json).at("failed"), 0);
}

TEST(ReportAgreement, NotImplementedRun) {
    const auto reports = run_in_process({"--homeserver", "builtin:register-msisdn-missing"});
    EXPECT_EQ(reports.code, 1);
    expect_agreement(reports, "register-msisdn-missing");
    EXPECT_GT(from_json(reports.json).at("not_implemented"), 0);
}

TEST(ReportAgreement, ChaosRunWithOnlyErrors) {
    const auto reports = run_in_process({"--homeserver", "builtin:chaos-garbage", "--timeout", "2"});
    EXPECT_EQ(reports.code, 5) << "only errors: could not judge";
    expect_agreement(reports, "chaos-garbage");
    const auto counts = from_json(reports.json);
    EXPECT_EQ(counts.at("errors") + counts.at("skipped"), counts.at("total")) << "errors only";
}

TEST(ReportAgreement, RunWithXfailXpassAndWarnings) {
    TempDir dir;
    const auto expectations = dir.write("known.yaml", "- case: \"register/*/wrong-method\"\n  reason: \"our router answers 404\"\n"
                                                      "- case: \"register/email/valid\"\n  reason: \"fixed since\"\n");
    const auto reports =
        run_in_process({"--homeserver", "builtin:wrong-method-404", "--spec", "v1.13", "--expectations", expectations});
    EXPECT_EQ(reports.code, 1) << "an xpass fails the run";
    expect_agreement(reports, "xfail and xpass");
    const auto counts = from_json(reports.json);
    EXPECT_GT(counts.at("xfailed"), 0);
    EXPECT_EQ(counts.at("xpassed"), 1);
    EXPECT_GT(counts.at("warned"), 0);
    EXPECT_NE(reports.junit.find("known.yaml:3) but passed: remove this entry"), std::string::npos)
        << "an xpass names the expectations file and line";
}

TEST(ReportAgreement, InterruptedRun) {
    TempDir dir;
    const auto paths = paths_in(dir);
    std::vector<std::string> args{"--homeserver", "builtin:chaos-silent", "--timeout", "2"};
    for (auto& arg : paths.args()) args.push_back(arg);
    auto child = spawn(args);
    ASSERT_GT(child.pid, 0);
    std::string console;
    ASSERT_TRUE(read_until(child.out, "ERROR", std::chrono::seconds(20), console)) << console;
    kill(child.pid, SIGINT);
    read_until(child.out, "\x01 the end of the output", std::chrono::seconds(20), console);
    auto status = wait_for(child.pid, std::chrono::seconds(20));
    close(child.out);
    if (!status) kill(child.pid, SIGKILL), waitpid(child.pid, nullptr, 0);
    ASSERT_TRUE(status) << "mx3pid did not end after SIGINT";
    EXPECT_EQ(*status, 130);
    const auto reports = read_reports(paths, console, *status);
    expect_agreement(reports, "interrupted");
    const auto counts = from_json(reports.json);
    EXPECT_GT(counts.at("not_run"), 100);
    const auto ran = std::to_string(counts.at("total") - counts.at("not_run"));
    const auto of = ran + " of " + std::to_string(counts.at("total")) + " cases: ";
    EXPECT_NE(console.find(of), std::string::npos) << console;
    EXPECT_NE(reports.markdown.find("**" + of), std::string::npos);
    EXPECT_EQ(Json::parse(reports.json)["planned"].get<long>(), counts.at("total"));
    EXPECT_EQ(junit_schema_problems(paths.junit), "");
}

TEST(JunitSuffix, AMergeOfTwoEditionsKeepsEveryCase) {
    TempDir dir;
    // A merger that keeps the first testcase of each (classname, name) pair, as GitLab does.
    const auto merge = [](const std::vector<std::string>& files) {
        std::set<std::pair<std::string, std::string>> kept;
        std::size_t total = 0;
        for (const auto& file : files) {
            pugi::xml_document document;
            EXPECT_TRUE(document.load_file(file.c_str()));
            for (auto suite : document.child("testsuites").children("testsuite"))
                for (auto testcase : suite.children("testcase")) {
                    ++total;
                    kept.emplace(testcase.attribute("classname").value(), testcase.attribute("name").value());
                }
        }
        return std::pair{kept.size(), total};
    };
    std::vector<std::string> plain, suffixed;
    for (const std::string edition : {"r0.4.0", "v1.13"}) {
        plain.push_back((dir.path() / (edition + ".xml")).string());
        suffixed.push_back((dir.path() / (edition + "-suffixed.xml")).string());
        EXPECT_EQ(run({"--spec", edition, "--junit", plain.back()}).code, 0);
        EXPECT_EQ(run({"--spec", edition, "--junit", suffixed.back(), "--junit-suffix", ".{edition}"}).code, 0);
    }
    const auto [kept_plain, total_plain] = merge(plain);
    EXPECT_LT(kept_plain, total_plain) << "without a suffix the merge drops the cases both editions share";
    const auto [kept, total] = merge(suffixed);
    EXPECT_EQ(kept, total);
    EXPECT_EQ(total, total_plain);
    EXPECT_NE(read(suffixed.back()).find("<testsuite name=\"mx3pid.register.email.v1.13\""), std::string::npos);
}
