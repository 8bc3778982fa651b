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
    std::vector<std::string> edition_names = proof::default_editions();
    CLI::App app{"Runs the suite against every built-in variant: each must fail exactly its kill set."};
    app.add_option("--cases", cases, "directory of case files; " + suite::cases_lookup_text());
    app.add_option("--spec", edition_names, "editions to judge against")->capture_default_str();
    std::string only;
    app.add_option("--variant", only, "score only the variants whose name matches this glob (the score line then counts them alone)");
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
        auto summary = proof::score_all(cases, editions, [](const std::string& line) { std::cout << line << "\n"; }, only);
        for (const auto& key : summary.unkilled) std::cout << "    no variant makes this case fail or warn: " << key << "\n";
        for (const auto& key : summary.checks_never_failed) std::cout << "    no faulty variant makes this check fail: " << key << "\n";
        for (const auto& id : summary.freedoms_unused) std::cout << "    no conformant variant uses this freedom: " << id << "\n";
        for (const auto& id : summary.must_unbroken) std::cout << "    no faulty variant breaks this MUST sentence: " << id << "\n";
        for (const auto& id : summary.must_unscored) std::cout << "    this MUST sentence holds in no scored edition: " << id << "\n";
        if (summary.hostile_proven != summary.hostile)
            std::cout << summary.hostile - summary.hostile_proven << " hostile variants were judged as if they could be\n";
        std::cout << summary.line() << "\n";
        return summary.perfect() ? 0 : 1;
    } catch (const suite::ConfigError& e) {
        std::cerr << "mx3pid-mutation-score: " << e.what() << "\n";
        return 2;
    }
}
