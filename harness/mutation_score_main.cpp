// mx3pid-mutation-score: runs the suite against every built-in variant, in each edition given,
// and prints the score. Each variant must fail exactly its kill set in every edition, and be
// caught in at least one; the reference must pass everything.
#include <iostream>
#include <map>
#include <set>

#include <CLI/CLI.hpp>

#include "harness/config_error.hpp"
#include "harness/mutation.hpp"

using namespace mx3pid;

int main(int argc, char** argv) {
    std::string cases = MX3PID_CASES_DIR;
    std::vector<std::string> edition_names{"r0.4.0", "r0.5.0", "r0.6.1", "v1.11"};
    CLI::App app{"Runs the suite against every built-in variant: each must fail exactly its kill set."};
    app.add_option("--cases", cases, "directory of case files")->capture_default_str();
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
    std::vector<harness::CaseTemplate> templates;
    harness::Profile profile;
    try {
        templates = harness::load_cases(cases);
        profile = harness::load_profile(cases + "/profiles/builtin.yaml");
    } catch (const harness::ConfigError& e) {
        std::cerr << "mx3pid-mutation-score: " << e.what() << "\n";
        return 2;
    }

    std::size_t variants = 0, detected = 0, collateral = 0;
    std::map<std::string, std::set<std::string>> killed_in;  // edition → case IDs some variant failed
    for (const auto& variant : reference_homeserver::variants()) {
        const bool reference = variant.fault == reference_homeserver::Fault::none;
        bool exact_everywhere = true, caught_somewhere = false;
        std::string per_edition;
        for (const auto& edition : editions) {
            auto score = harness::score_variant(variant, templates, profile, edition);
            collateral += score.collateral.size();
            killed_in[edition.name()].insert(score.killed.begin(), score.killed.end());
            killed_in[edition.name()].insert(score.warned.begin(), score.warned.end());
            exact_everywhere = exact_everywhere && score.exact();
            caught_somewhere = caught_somewhere || !score.killed.empty();
            per_edition += " " + edition.name() + ":" + std::to_string(score.killed.size()) + "/" +
                           std::to_string(score.cases_run);
            for (const auto& id : score.missed) std::cout << "    " << edition.name() << " missed: " << id << "\n";
            for (const auto& id : score.collateral) std::cout << "    " << edition.name() << " collateral: " << id << "\n";
            for (const auto& glob : score.stale_globs)
                std::cout << "    " << edition.name() << " kill-set glob matches no case: " << glob << "\n";
        }
        if (!reference) {
            ++variants;
            if (exact_everywhere && caught_somewhere) ++detected;
        }
        bool ok = exact_everywhere && (reference || caught_somewhere);
        std::cout << (ok ? "ok      " : "FINDING ") << variant.name << " (failed/run per edition:" << per_edition << ")"
                  << (ok || reference || caught_somewhere ? "" : ": no case catches it") << "\n";
    }
    for (const auto& edition : editions) {
        std::size_t unkilled = 0;
        for (const auto& instance : harness::expand(templates)) {
            if (!instance.source->editions.contains(edition) || killed_in[edition.name()].count(instance.id)) continue;
            std::cout << "    " << edition.name() << ": no variant makes this case fail or warn: " << instance.id << "\n";
            ++unkilled;
        }
        if (unkilled) std::cout << "edition " << edition.name() << ": " << unkilled << " cases no variant makes fail\n";
    }
    std::cout << "mutation score: " << detected << "/" << variants << " variants detected, " << collateral
              << " collateral failures\n";
    return detected == variants && collateral == 0 ? 0 : 1;
}
