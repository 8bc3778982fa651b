// GitHub Actions workflow commands: one annotation per cause, bounded, escaped.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using mx3pid::reports::test_support::lines_starting_with;

namespace {

CaseResult failing(const std::string& kind, const std::string& check_name, const std::string& expected, Verdict verdict = Verdict::fail) {
    CaseResult result;
    result.endpoint = "register/email";
    result.kind = kind;
    result.id = "register/email/" + kind;
    result.verdict = verdict;
    result.checks = {{check_name, verdict, expected, "something else", verdict == Verdict::fail ? "MUST" : "SHOULD", {}, {}}};
    return result;
}

}  // namespace

TEST(Github, OneErrorPerFailureCauseAndOneWarningPerShouldCause) {
    std::ostringstream out;
    GithubOptions options;
    options.repro = [](const CaseResult& result) { return "mx3pid repro " + result.id; };
    write_github_annotations(test_support::sample_run(), out, options);
    const auto errors = lines_starting_with(out.str(), "::error ");
    const auto warnings = lines_starting_with(out.str(), "::warning ");
    ASSERT_EQ(errors.size(), 4u) << out.str();  // the broken MUST sentence, NOIMP, XPASS, ERROR
    ASSERT_EQ(warnings.size(), 2u);              // the errcode's SHOULD, the sid grammar's
    EXPECT_EQ(errors[0].rfind("::error title=mx3pid%3A An address some account already has is refused with 400%2C unless concealed.::"
                              "1 case: duplicate on register/email. e.g. "
                              "register/email/duplicate: status: expected 400, got 200. Broken MUST. Spec: https://matrix.org/docs/spec/client_server/r0.4.0#",
                              0),
              0u)
        << errors[0];
    EXPECT_NE(errors[0].find("%0AReproduce: mx3pid repro register/email/duplicate"), std::string::npos) << "one line, newline escaped";
}

TEST(Github, AnnotationsAreBoundedAndSayHowManyCausesMore) {
    RunResult run;
    for (int i = 0; i < 25; ++i) run.cases.push_back(failing("kind-" + std::to_string(i), "check " + std::to_string(i), "x"));
    for (int i = 0; i < 3; ++i) run.cases.push_back(failing("should-" + std::to_string(i), "hint " + std::to_string(i), "y", Verdict::warn));
    std::ostringstream out;
    write_github_annotations(run, out, {.max_errors = 10, .max_warnings = 2, .repro = {}});
    const auto errors = lines_starting_with(out.str(), "::error ");
    const auto warnings = lines_starting_with(out.str(), "::warning ");
    ASSERT_EQ(errors.size(), 10u);
    EXPECT_NE(errors.back().find("16 more causes"), std::string::npos) << errors.back();
    ASSERT_EQ(warnings.size(), 2u);
    EXPECT_NE(warnings.back().find("2 more causes"), std::string::npos);
}

TEST(Github, ServerTextCannotEndTheCommandOrStartAnother) {
    RunResult run;
    auto result = failing("evil", "errcode", "M_X");
    result.checks[0].actual = "a\r\n::error::forged 100% %0A";
    run.cases.push_back(result);
    std::ostringstream out;
    write_github_annotations(run, out);
    const auto text = out.str();
    EXPECT_EQ(lines_starting_with(text, "::").size(), 1u) << text;
    EXPECT_EQ(text.find("100% "), std::string::npos) << "% is escaped";
    EXPECT_NE(text.find("100%25 %250A"), std::string::npos) << text;
}

TEST(Github, CasesNotRunAreOneWarningPerReason) {
    RunResult run;
    for (const char* kind : {"valid", "duplicate"}) {
        CaseResult result;
        result.id = std::string("register/email/") + kind;
        result.verdict = Verdict::skip;
        result.not_run = true;
        result.message = "not run: interrupted";
        run.cases.push_back(result);
    }
    std::ostringstream out;
    write_github_annotations(run, out);
    EXPECT_EQ(out.str(), "::warning title=mx3pid%3A cases not run::2 cases not run: interrupted. To avoid it: run again without "
                         "interrupting it.\n");
}
