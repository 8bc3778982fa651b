#pragma once
// The exit code of a run that got to its cases: what a CI gate acts on.
#include "reports/run_result.hpp"

namespace mx3pid::cli {

/// 130 when interrupted; else 1 when a case failed (FAIL, NOIMP, XPASS, and with `strict` a WARN);
/// else 5 when a case could not be judged (ERROR); else 6 when a case was not run (and with
/// `strict`, skipped); else 0. With several editions, over the cases of every edition.
int exit_code_of(const reports::RunResult& run, bool strict);

}  // namespace mx3pid::cli
