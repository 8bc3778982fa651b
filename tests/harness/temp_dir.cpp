#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace mx3pid::testing {

TempDir::TempDir() {
    std::random_device random;
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto candidate = std::filesystem::temp_directory_path() / ("mx3pid-test-" + std::to_string(random()));
        if (std::filesystem::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
}

std::optional<bool> junit_schema_valid(const std::string& path) {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return std::nullopt;
    auto command = "xmllint --noout --schema '" + std::string(MX3PID_SHARED_DIR) + "/junit/junit-10.xsd' '" + path +
                   "' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
}

}  // namespace mx3pid::testing
