#include "schema.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace mx3pid::testing {
namespace {

std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string shared_dir() {
    if (const char* from_environment = std::getenv("MX3PID_SHARED_DIR")) return from_environment;
    return MX3PID_SHARED_DIR;
}

}  // namespace

std::string schema_problems(const std::string& path, const std::string& schema) {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0)
        return "xmllint is not installed (bash scripts/setup installs libxml2-utils)";
    const auto command = "xmllint --noout --schema " + shell_quoted(schema) + " " + shell_quoted(path) + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return "cannot run xmllint";
    std::string output;
    std::array<char, 4096> buffer{};
    while (auto read = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) output.append(buffer.data(), read);
    const int status = pclose(pipe.release());
    return status == 0 ? std::string() : (output.empty() ? "xmllint failed" : output);
}

std::string junit_schema_problems(const std::string& path) {
    return schema_problems(path, std::string(MX3PID_SOURCE_DIR) + "/doc/junit.xsd");
}

std::optional<std::string> jenkins_junit_schema() {
    auto schema = shared_dir() + "/junit/junit-10.xsd";
    if (!std::filesystem::is_regular_file(schema)) return std::nullopt;
    return schema;
}

std::string jenkins_schema_absent() {
    return "optional extra skipped: Jenkins' JUnit schema is not at " + shared_dir() +
           "/junit/junit-10.xsd (set MX3PID_SHARED_DIR to a folder holding junit/junit-10.xsd to run it)";
}

}  // namespace mx3pid::testing
