#pragma once
// --write-known-failures FILE: the run's failures as a known-failures file, to start a gate from
// where the server stands today.
#include <string>

#include "reports/run_result.hpp"

namespace mx3pid::cli {

/// Writes (atomically) one entry per FAIL and NOIMP (and with `strict` per WARN) of `run`, plus the
/// XFAILs it already knew: the exact case ID, the edition judged, and a reason to fill in that
/// names what broke. Throws std::runtime_error when the file cannot be written.
void write_known_failures(const std::string& path, const reports::RunResult& run, bool strict);

}  // namespace mx3pid::cli
