#include "cli/exit_code.hpp"

#include <algorithm>

#include "cli/cli.hpp"

namespace mx3pid::cli {

int exit_code_of(const reports::RunResult& run, bool strict) {
    using reports::Verdict;
    if (run.interrupted) return exit_interrupted;
    const auto cases = run.all_cases();
    const auto any = [&](auto&& wanted) {
        return std::any_of(cases.begin(), cases.end(), [&](const reports::CaseResult* c) { return wanted(*c); });
    };
    if (any([&](const reports::CaseResult& c) {
            return !c.not_run && (c.verdict == Verdict::fail || c.verdict == Verdict::not_implemented || c.verdict == Verdict::xpass ||
                                  (strict && c.verdict == Verdict::warn));
        }))
        return exit_not_conformant;
    if (any([](const reports::CaseResult& c) { return !c.not_run && c.verdict == Verdict::error; })) return exit_not_judged;
    if (any([&](const reports::CaseResult& c) { return c.not_run || (strict && c.verdict == Verdict::skip); })) return exit_incomplete;
    return exit_conformant;
}

}  // namespace mx3pid::cli
