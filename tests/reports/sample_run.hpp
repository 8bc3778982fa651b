#pragma once
// Fixed inputs for the report tests: a run with one case of every verdict, and helpers for
// golden files and scratch directories.
#include <filesystem>
#include <string>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports::test_support {

/// 2024-05-01T12:00:00Z plus `millis`.
Clock::time_point at(long long millis);

/// Every verdict, three endpoints, and a response body full of what XML cannot hold.
RunResult sample_run();

/// sample_run, interrupted before its last three cases.
RunResult interrupted_run();

/// A run of four editions (r0.6.0, r0.6.1, v1.1, v1.2) of four cases: register/email/basic passes
/// in each, register/email/duplicate fails in r0.6.0–r0.6.1 and passes in v1.1–v1.2,
/// register/email/sid-grammar warns in each, 3pid/msisdn/duplicate is skipped in each.
RunResult several_editions_run();

/// A run interrupted before its first case.
RunResult empty_run();

/// The bytes of a response body no report may copy raw.
std::string hostile_body();

/// Compares `actual` with tests/reports/golden/<name>; with MX3PID_UPDATE_GOLDEN=1 rewrites it.
void expect_golden(const std::string& name, const std::string& actual);

/// The JUnit text with the machine's hostname replaced by "HOSTNAME".
std::string without_hostname(const std::string& junit);

/// A fresh directory under the system temporary directory, removed with its contents.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

/// The lines of `text` that start with `prefix`, in order.
std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix);

}  // namespace mx3pid::reports::test_support
