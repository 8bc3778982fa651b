#pragma once
#include <stdexcept>
#include <string>

namespace mx3pid::suite {

/// A problem in a file the user gave (a case file, a profile): exit code 2.
/// what() reads "FILE:LINE: message" (LINE is 1-based; 0 when the whole file is at fault).
class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string& file, int line, const std::string& message)
        : std::runtime_error(file + ":" + std::to_string(line) + ": " + message), file_(file), line_(line) {}

    const std::string& file() const { return file_; }
    int line() const { return line_; }

private:
    std::string file_;
    int line_;
};

}  // namespace mx3pid::suite
