#pragma once
// Known failures: a project's list of cases it knows it fails, so a CI gate fails only on news.
#include <optional>
#include <string>
#include <vector>

#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::suite {

struct KnownFailure {
    std::string case_glob;                 ///< over case IDs
    std::string reason;                    ///< free text or a link; required
    std::optional<spec::EditionRange> editions;  ///< narrows the entry to these editions
    std::optional<std::string> target_glob;      ///< narrows the entry to targets (URL or builtin:NAME)
    std::string file;
    int line = 0;
};

/// Reads a YAML list of {case, reason, edition?, target?}. Throws ConfigError naming file and line.
std::vector<KnownFailure> load_expectations(const std::string& path);

/// Applies a known-failures list to one run's cases as they finish, in each edition judged.
class KnownFailures {
public:
    KnownFailures(std::vector<KnownFailure> entries, const spec::Edition& edition, std::string target);
    /// For a run judging several editions: an entry with `edition` holds only in those it names.
    KnownFailures(std::vector<KnownFailure> entries, std::vector<spec::Edition> editions, std::string target);

    /// A listed failure (or warning) becomes xfail; a pass listed by its exact ID becomes xpass
    /// ("remove this entry"). A pass matched only by a glob stays a pass and makes the entry wrong
    /// (see glob_errors). Errors and skips stay as they are: a case that could not be judged says
    /// nothing either way. `result` was judged in `edition`.
    void apply(reports::CaseResult& result, const spec::Edition& edition);
    /// apply() for a run of one edition.
    void apply(reports::CaseResult& result) { apply(result, editions_.front()); }
    /// One warning for every entry that matched no case so far.
    std::vector<std::string> unmatched() const;
    /// One error for every glob entry that matched passing cases, naming file, line and the cases:
    /// a glob cannot be half removed, so it must list only what fails.
    std::vector<std::string> glob_errors() const;

private:
    bool in_scope(std::size_t entry, const spec::Edition& edition) const;

    std::vector<KnownFailure> entries_;
    std::vector<spec::Edition> editions_;
    std::vector<bool> for_target_, matched_;
    std::vector<std::vector<std::string>> passing_;  ///< per glob entry: the passing case IDs it matched
};

}  // namespace mx3pid::suite
