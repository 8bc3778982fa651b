// mx3pid-mutation-score: runs the suite against every built-in variant, in each edition given,
// and prints the score last.
#include <iostream>

#include <CLI/CLI.hpp>

#include "suite/config_error.hpp"
#include "suite/locations.hpp"
#include "proof/mutation.hpp"

using namespace mx3pid;

int main(int argc, char** argv) {
    std::string cases = suite::default_cases_dir();
    std::vector<std::string> edition_names{"r0.4.0", "r0.5.0", "r0.6.1", "v1.11", "v1.13"};
    CLI::App app{"Runs the suite against every built-in variant: each must fail exactly its kill set."};
    app.add_option("--cases", cases, "directory of case files; " + suite::cases_lookup_text());
    app.add_option("--spec", edition_names, "editions to judge against")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    std::vector<spec::Edition> editions;
    for (const auto& name : edition_names) {
        auto edition = spec::Edition::parse(name);
        if (!edition) {
            std::cerr << "mx3pid-mutation-score: unknown edition '" << name << "'\n";
            return 2;
        }
        editions.push_back(*edition);
    }
    try {
        auto summary = proof::score_all(cases, editions, [](const std::string& line) { std::cout << line << "\n"; });
        for (const auto& key : summary.unkilled) std::cout << "    no variant makes this case fail or warn: " << key << "\n";
        for (const auto& key : summary.checks_never_failed) std::cout << "    no faulty variant makes this check fail: " << key << "\n";
        if (summary.hostile_proven != summary.hostile)
            std::cout << summary.hostile - summary.hostile_proven << " hostile variants were judged as if they could be\n";
        std::cout << summary.line() << "\n";
        return summary.perfect() ? 0 : 1;
    } catch (const suite::ConfigError& e) {
        std::cerr << "mx3pid-mutation-score: " << e.what() << "\n";
        return 2;
    }
}
