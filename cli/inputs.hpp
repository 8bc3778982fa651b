#pragma once
// What a run is given before it talks to anyone: the profile (with the command line's overrides),
// the cases, the known failures, the filters and the edition asked for; and the selection.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.hpp"
#include "cli/start_failure.hpp"
#include "suite/case_model.hpp"
#include "suite/known_failures.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"
#include "spec/edition.hpp"

namespace mx3pid::cli {

struct Inputs {
    suite::Profile profile;
    suite::Catalogue catalogue;  ///< the sentences the cases' checks cite
    std::vector<suite::CaseTemplate> templates;
    std::vector<suite::KnownFailure> known_failures;
    std::vector<std::string> filters;
    std::vector<std::string> excludes;
    std::optional<spec::Edition> given_edition;  ///< --spec EDITION (or the built-in default)
    /// --spec FIRST..LAST, or --spec all against a built-in target: every edition judged, oldest first.
    std::vector<spec::Edition> given_editions;
    bool all_advertised = false;  ///< --spec all against a server: every edition its /versions lists that mx3pid knows
    std::string edition_source = "given";  ///< how the editions were chosen, for the reports
};

/// Reads the profile, cases and known failures, and applies the command line over the profile
/// (the target defaults to the profile's, else builtin; builtin without --spec or a profile edition
/// is judged at the newest edition). A Stop (exit 2) naming file and line when something is wrong.
std::optional<Stop> read_inputs(Options& options, Inputs& inputs);

/// --list: the cases that would run; their number in `listed`.
void list_cases(const Inputs& inputs, std::ostream& out, std::size_t& listed);

/// The cases of the run: selected for the edition and profile, narrowed by --filter and --exclude.
/// A filter glob that matches no case ID is named on `err` with the nearest ID ("did you mean");
/// a Stop (exit 4) when nothing is left.
std::variant<std::vector<suite::SelectedCase>, Stop> select_for_run(const Inputs& inputs, const spec::Edition& edition,
                                                                    std::ostream& err);
/// The same for each of `editions`: one selection per edition, the same case IDs in each.
std::variant<std::vector<std::vector<suite::SelectedCase>>, Stop> select_for_editions(const Inputs& inputs,
                                                                                      const std::vector<spec::Edition>& editions,
                                                                                      std::ostream& err);

}  // namespace mx3pid::cli
