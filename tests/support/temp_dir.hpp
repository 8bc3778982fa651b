#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "suite/config_error.hpp"

namespace mx3pid::testing {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::filesystem::path& path() const { return path_; }
    /// Writes `text` to `name` inside the directory and returns the full path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};

/// Writes `text` to a file, hands its path to `load`, and returns the ConfigError that raises
/// (checking it names that file); a test failure when it raises none.
template <class Load>
suite::ConfigError config_error_of(const std::string& text, Load load) {
    TempDir dir;
    auto path = dir.write("input.yaml", text);
    try {
        load(path);
    } catch (const suite::ConfigError& e) {
        EXPECT_EQ(e.file(), path);
        return e;
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return suite::ConfigError("", 0, "");
}

}  // namespace mx3pid::testing
