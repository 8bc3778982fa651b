#pragma once
// The mx3pid command run in-process, as a user would run it.
#include <string>
#include <vector>

namespace mx3pid::testing {

struct CliRun {
    int code = -1;
    std::string out, err;
};

/// Runs `mx3pid ARGS…` and returns its exit code and output.
CliRun run(std::vector<std::string> args);

std::string read(const std::string& path);

/// How many times `needle` occurs in `text`.
int count(const std::string& text, const std::string& needle);

}  // namespace mx3pid::testing
