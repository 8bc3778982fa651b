#include "cli/coverage_command.hpp"

#include <ostream>

#include <CLI/CLI.hpp>

#include "reports/writers.hpp"
#include "suite/config_error.hpp"
#include "suite/coverage.hpp"
#include "suite/locations.hpp"

namespace mx3pid::cli {

void add_coverage_command(CLI::App& app, CoverageCommand& options) {
    options.command = app.add_subcommand(
        "coverage", "list every sentence of an edition with the checks and cases that test it, or why it is untestable, "
                    "and every request field with the inputs derived from its grammar or schema");
    options.command->add_option("--spec", options.spec, "the edition (default: the newest mx3pid knows)");
    options.command->add_option("--json", options.json, "also write the coverage as JSON to FILE");
    options.command->add_option("--levels-md", options.levels_md,
                                "write the generated cases/LEVELS.md to FILE ('-' for standard output) instead");
    options.command->add_option("--cases", options.cases, "directory of case files; " + suite::cases_lookup_text());
}

int run_coverage(const CoverageCommand& options, std::ostream& out, std::ostream& err) {
    const auto edition = options.spec.empty() ? spec::Edition::all().back() : spec::Edition::parse(options.spec);
    if (!edition) {
        err << "mx3pid: unknown edition '" << options.spec << "' (r0.3.0, r0.4.0, r0.5.0, r0.6.0, r0.6.1, v1.1 … v1.19)\n";
        return 2;
    }
    try {
        const auto suite = suite::load_suite(options.cases.empty() ? suite::default_cases_dir() : options.cases);
        if (!options.levels_md.empty()) {
            if (options.levels_md == "-") suite::write_levels_markdown(suite, out);
            else reports::write_file_atomically(options.levels_md, [&](std::ostream& file) { suite::write_levels_markdown(suite, file); });
            return 0;
        }
        const auto coverage = suite::coverage_of(suite, *edition);
        if (!options.json.empty())
            reports::write_file_atomically(options.json, [&](std::ostream& file) { suite::write_coverage_json(coverage, file); });
        suite::write_coverage_text(coverage, out);
        return coverage.count(suite::Covered::uncovered) == 0 && coverage.count_fields(suite::Covered::uncovered) == 0 ? 0 : 1;
    } catch (const suite::ConfigError& e) {
        err << "mx3pid: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "mx3pid: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace mx3pid::cli
