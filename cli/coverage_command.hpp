#pragma once
// `mx3pid coverage [--spec EDITION] [--json FILE] [--levels-md FILE] [--cases DIR]`: which sentences of
// an edition the cases test and which of its fields' grammars and schemas the derived cases ask
// (suite/coverage.hpp), and the generated cases/LEVELS.md.
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace mx3pid::cli {

struct CoverageCommand {
    std::string spec;       ///< empty: the newest edition mx3pid knows
    std::string json;       ///< also write the coverage as JSON here
    std::string levels_md;  ///< write cases/LEVELS.md here instead ("-": standard output)
    std::string cases;
    CLI::App* command = nullptr;  ///< parsed: the subcommand was given
};

/// Adds the `coverage` subcommand to `app`, filling `options` when parsed.
void add_coverage_command(CLI::App& app, CoverageCommand& options);

/// Runs the parsed subcommand: 0 when no sentence and no field is uncovered, 1 when some is, 2 for a bad edition,
/// a malformed case or sentence file (naming file and line) or a file that cannot be written.
int run_coverage(const CoverageCommand& options, std::ostream& out, std::ostream& err);

}  // namespace mx3pid::cli
