// The exit code a gate acts on: 1 before 5 before 6 before 0, 130 above all; --strict widens 1 and 6.
#include "cli/exit_code.hpp"

#include <gtest/gtest.h>

using mx3pid::cli::exit_code_of;
using mx3pid::reports::CaseResult;
using mx3pid::reports::RunResult;
using mx3pid::reports::Verdict;

namespace {

RunResult run_of(std::initializer_list<Verdict> verdicts, bool with_case_not_run = false) {
    RunResult run;
    for (const auto verdict : verdicts) {
        CaseResult result;
        result.verdict = verdict;
        run.cases.push_back(result);
    }
    if (with_case_not_run) {
        CaseResult result;
        result.verdict = Verdict::skip;
        result.not_run = true;
        run.cases.push_back(result);
    }
    return run;
}

}  // namespace

TEST(ExitCode, FailureBeforeErrorBeforeNotRunBeforeConformant) {
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::fail, Verdict::error}, true), false), 1);
    EXPECT_EQ(exit_code_of(run_of({Verdict::not_implemented}), false), 1);
    EXPECT_EQ(exit_code_of(run_of({Verdict::xpass, Verdict::error}), false), 1);
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::error}, true), false), 5);
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::warn}, true), false), 6);
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::warn, Verdict::skip, Verdict::xfail}), false), 0);
    EXPECT_EQ(exit_code_of(run_of({}), false), 0);
}

TEST(ExitCode, StrictFailsOnWarningsAndCountsSkipsAsIncomplete) {
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::warn}), true), 1);
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::skip}), true), 6);
    EXPECT_EQ(exit_code_of(run_of({Verdict::error, Verdict::skip}), true), 5);
    EXPECT_EQ(exit_code_of(run_of({Verdict::pass, Verdict::xfail}), true), 0) << "a known failure is known";
}

TEST(ExitCode, AnInterruptionIsSaidAboveEverything) {
    auto run = run_of({Verdict::fail});
    run.interrupted = true;
    EXPECT_EQ(exit_code_of(run, false), 130);
}
