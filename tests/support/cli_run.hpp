#pragma once
// The mx3pid command run in-process, as a user would run it.
#include <sys/types.h>

#include <chrono>
#include <optional>
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

/// The mx3pid binary in a child process, its stdout on a pipe.
struct Child {
    pid_t pid = -1;
    int out = -1;
};

Child spawn(const std::vector<std::string>& args);

/// Reads the child's output until `needle` shows, for at most `limit`.
bool read_until(int fd, const std::string& needle, std::chrono::milliseconds limit, std::string& seen);

/// The child's exit status, waiting at most `limit`; nothing if it did not end.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds limit);

}  // namespace mx3pid::testing
