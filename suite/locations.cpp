#include "suite/locations.hpp"

#include <filesystem>
#include <system_error>

namespace mx3pid::suite {

namespace fs = std::filesystem;

std::string default_cases_dir() {
    std::error_code error;
    auto executable = fs::read_symlink("/proc/self/exe", error);
    if (error || executable.empty()) return "cases";
    return (executable.parent_path() / ".." / "share" / "mx3pid" / "cases").lexically_normal().string();
}

std::string cases_lookup_text() {
    return "cases are read from --cases DIR, else from ../share/mx3pid/cases beside the executable's directory "
           "(here " + default_cases_dir() + "); the built-in profiles are in its profiles/ folder";
}

}  // namespace mx3pid::suite
