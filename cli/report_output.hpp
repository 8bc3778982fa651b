#pragma once
// Where a finished (or never started) run goes: the report files asked for, and under GitHub
// Actions the annotations and the job summary.
#include <iosfwd>
#include <string>

#include "cli/options.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::cli {

/// `mx3pid repro ID --homeserver … --spec …` for a case of this run, with the flags that shape it.
std::string repro_command(const Options& options, const reports::RunResult& run, const reports::CaseResult& result);

/// Writes every report file asked for, atomically; under GitHub Actions also prints the
/// annotations to `out` and appends the Markdown summary to $GITHUB_STEP_SUMMARY. Throws
/// std::runtime_error naming the file that could not be written.
void write_reports(const Options& options, const reports::RunResult& run, std::ostream& out);

}  // namespace mx3pid::cli
