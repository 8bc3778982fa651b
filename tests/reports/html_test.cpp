#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>

#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;

namespace {

std::string html(const RunResult& run) {
    std::ostringstream out;
    write_html(run, out);
    return out.str();
}

}  // namespace

TEST(Html, IsOneFileThatLoadsNothingFromElsewhere) {
    const auto text = html(sample_run());
    EXPECT_EQ(text.rfind("<!DOCTYPE html>", 0), 0u);
    for (const char* external : {"<link", " src=", "@import", "url(", "@font-face"})
        EXPECT_EQ(text.find(external), std::string::npos) << external;
    // The only links are the spec's pages and anchors within the page.
    const std::regex href(R"re(href="([^"]*)")re");
    for (std::sregex_iterator it(text.begin(), text.end(), href), end; it != end; ++it) {
        const auto target = (*it)[1].str();
        EXPECT_TRUE(target.rfind("#case-", 0) == 0 || target.rfind("https://spec.matrix.org/", 0) == 0 ||
                    target.rfind("https://matrix.org/docs/spec/", 0) == 0)
            << target;
    }
}

TEST(Html, ListsTheSentencesBrokenByThisServerWithTheCasesThatShowThem) {
    const auto text = html(sample_run());
    const auto start = text.find("<h2>sentences broken by this server</h2>");
    ASSERT_NE(start, std::string::npos);
    const auto section = text.substr(start, text.find("</section>", start) - start);
    EXPECT_NE(section.find("<code>cs.register.in_use.status</code> (schema): An address some account already has is refused"),
              std::string::npos)
        << section;
    EXPECT_NE(section.find("<a href=\"#case-2\">register/email/duplicate</a>"), std::string::npos) << section;
    EXPECT_EQ(section.find("cs.check.unbound.r0_4"), std::string::npos) << "a passing check breaks nothing";
    EXPECT_EQ(section.find("cs.register.in_use.conceal"), std::string::npos) << "a freedom is never broken";
}

TEST(Html, HeaderNamesTargetEditionsProfileSeedAndCounts) {
    const auto text = html(sample_run());
    for (const char* expected : {"<dt>target</dt><dd>builtin:reference</dd>", "<dt>edition judged</dt><dd>r0.4.0 (detected)</dd>",
                                 "<dt>advertised</dt><dd>r0.4.0, r0.5.0</dd>", "<dt>profile</dt><dd>profiles/builtin.yaml</dd>",
                                 "<dt>seed</dt><dd>20240501</dd>",
                                 "9 cases: 2 passed, 1 warned, 1 failed, 1 not implemented, 1 error, 1 skipped, 1 xfailed, 1 xpassed",
                                 "<li>warning: the target also advertises v1.1; judged as r0.4.0</li>"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected;
}

TEST(Html, ListsFailuresAndNotImplementedFirst) {
    const auto text = html(sample_run());
    std::vector<std::string> order;
    const std::regex section(R"re(<section class="case [^"]*" id="[^"]*" data-verdict="([^"]*)")re");
    for (std::sregex_iterator it(text.begin(), text.end(), section), end; it != end; ++it) order.push_back((*it)[1]);
    EXPECT_EQ(order, (std::vector<std::string>{"fail", "not-implemented", "error", "xpass", "warn", "xfail", "pass", "pass",
                                               "skip"}));
}

TEST(Html, ShowsEveryCheckTheSpecLinksTheTranscriptAndTheCurlLine) {
    auto run = sample_run();
    run.cases[1].curl = "curl -sS -i -X POST 'http://127.0.0.1:8008/x' --data-raw '{\"a\":1}'";
    const auto text = html(run);
    const auto start = text.find("data-id=\"register/email/duplicate\"");
    ASSERT_NE(start, std::string::npos);
    const auto section = text.substr(start, text.find("</section>", start) - start);
    EXPECT_NE(section.find("<details open>"), std::string::npos) << "a failure is open";
    EXPECT_NE(section.find("<td>errcode</td><td>warn</td><td>M_THREEPID_IN_USE</td><td>M_UNKNOWN</td><td>SHOULD</td>"
                           "<td><code>cs.error.code.threepid_in_use.r0</code> </td>"),
              std::string::npos);
    EXPECT_NE(section.find("<td>untrusted identity server requests</td><td>pass</td><td>0</td><td>0</td><td>MUST</td>"), std::string::npos);
    EXPECT_NE(section.find("<a href=\"https://spec.matrix.org/legacy/client_server/r0.4.0.html#post-matrix-client-r0-register-email-requesttoken\">"
                           "r0.4.0 \u2014 POST /_matrix/client/r0/register/email/requestToken</a> (<a href=\"https://spec.matrix.org/v1.1/"
                           "client-server-api/#post_matrixclientv3registeremailrequesttoken\">in v1.1</a>)"),
              std::string::npos);
    EXPECT_NE(section.find("<li>identity server: no request</li>"), std::string::npos);
    EXPECT_NE(section.find("&lt; HTTP 200"), std::string::npos);
    EXPECT_NE(section.find("\\xff\\xfe invalid"), std::string::npos) << "invalid UTF-8 shown as its bytes";
    EXPECT_NE(section.find("<pre class=\"curl\">curl -sS -i -X POST &#39;http://127.0.0.1:8008/x&#39; --data-raw &#39;{&quot;a&quot;:1}&#39;</pre>"),
              std::string::npos);
    EXPECT_EQ(section.find("\x1b"), std::string::npos);
}

TEST(Html, GridAndFilterCoverEveryVerdictOfTheRun) {
    const auto text = html(interrupted_run());
    for (const char* state : {"fail", "error", "warn", "xfail", "pass", "skip", "not-run"})
        EXPECT_NE(text.find("<input type=\"checkbox\" value=\"" + std::string(state) + "\" checked>"), std::string::npos) << state;
    EXPECT_NE(text.find("<td class=\"v-not-run\" data-verdict=\"not-run\"><a href=\"#case-9\""), std::string::npos);
    EXPECT_NE(text.find("6 of 9 cases"), std::string::npos);
}

TEST(Html, EscapesWhatTheServerSent) {
    auto run = sample_run();
    run.cases[1].checks[1].actual = "<script>alert(1)</script>";
    run.cases[1].title = "\"><img onerror=x>";
    const auto text = html(run);
    EXPECT_EQ(text.find("<script>alert"), std::string::npos);
    EXPECT_EQ(text.find("<img"), std::string::npos);
    EXPECT_NE(text.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(EveryReport, KeepsEveryLineUnder70000CharactersWhateverTheServerSent) {
    auto run = sample_run();
    auto& exchange = run.cases[1].exchanges[0];
    exchange.response_body = std::string(10 * 1024 * 1024, '\x01') + "\n" + std::string(3 * 1024 * 1024, '\xff');
    exchange.response_headers.emplace_back("X-Huge", std::string(1024 * 1024, '\x02'));
    run.cases[1].message = std::string(200000, '\x03');
    run.cases[1].curl = "curl " + std::string(100000, 'c');
    std::ostringstream junit, json, markdown, page, console;
    write_junit(run, junit);
    write_json(run, json);
    write_markdown(run, markdown);
    write_html(run, page);
    for (const auto& result : run.cases) write_console_case(result, console, {.color = false, .verbose = true});
    write_console_summary(run, console, {});
    for (const auto& [name, text] : {std::pair{"JUnit", junit.str()}, std::pair{"JSON", json.str()},
                                     std::pair{"Markdown", markdown.str()}, std::pair{"HTML", page.str()},
                                     std::pair{"console", console.str()}}) {
        std::istringstream lines(text);
        std::size_t longest = 0;
        for (std::string line; std::getline(lines, line);) longest = std::max(longest, line.size());
        EXPECT_LE(longest, 70000u) << name;
    }
}

TEST(Html, GroupsFailuresByCauseLinkingToTheirCases) {
    const auto text = html(sample_run());
    const auto causes = text.find("<section id=\"causes\">");
    ASSERT_NE(causes, std::string::npos);
    EXPECT_LT(text.find("<table id=\"grid\">"), causes);
    EXPECT_LT(causes, text.find("<main id=\"cases\">"));
    EXPECT_NE(text.find("<h2>Failures by cause</h2>\n<div class=\"cause v-fail\">\n<h3><span class=\"badge\">FAIL</span> An address some "
                        "account already has is refused with 400, unless concealed. \u2014 1 case (MUST)</h3>"),
              std::string::npos);
    EXPECT_NE(text.find("e.g. <a href=\"#case-2\"><code>register/email/duplicate</code></a>: status: expected 400, got 200"),
              std::string::npos);
    EXPECT_NE(text.find("<h2>Warnings (SHOULD) by cause</h2>"), std::string::npos);
}
