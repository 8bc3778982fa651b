#include "cli_run.hpp"

#include <fstream>
#include <sstream>

#include "harness/cli.hpp"

namespace mx3pid::testing {

CliRun run(std::vector<std::string> args) {
    args.insert(args.begin(), "mx3pid");
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    CliRun result;
    result.code = harness::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace mx3pid::testing
