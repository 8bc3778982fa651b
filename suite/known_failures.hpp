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

/// Applies a known-failures list to one run's cases as they finish.
class KnownFailures {
public:
    KnownFailures(std::vector<KnownFailure> entries, const spec::Edition& edition, std::string target);

    /// A listed failure (or warning) becomes xfail; a listed pass becomes xpass ("remove this entry").
    /// Errors and skips stay as they are: a case that could not be judged says nothing either way.
    void apply(reports::CaseResult& result);
    /// One warning for every entry that matched no case so far.
    std::vector<std::string> unmatched() const;

private:
    std::vector<KnownFailure> entries_;
    std::vector<bool> in_scope_, matched_;
};

}  // namespace mx3pid::suite
