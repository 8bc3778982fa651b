#pragma once
#include <filesystem>
#include <string>

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

}  // namespace mx3pid::testing
