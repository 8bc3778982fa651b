#pragma once
// A run of several editions as the writers show it: a case's verdicts across the editions, with
// neighbouring editions of one verdict merged into a span ("r0.4.0–r0.6.1 FAIL · v1.1–v1.19 PASS").
#include <string>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports::detail {

/// One verdict held over neighbouring editions of a run (indices into its editions).
struct VerdictSpan {
    std::size_t first = 0, last = 0;
    Verdict verdict = Verdict::pass;
    bool not_run = false;
};

/// The run's editions by name, in the order judged.
std::vector<std::string> edition_names(const RunResult& run);
/// The case at `index` in each of the run's editions.
std::vector<const CaseResult*> row_of(const RunResult& run, std::size_t index);

/// A case's results across editions (one per edition), neighbours with the same verdict merged.
std::vector<VerdictSpan> verdict_spans(const std::vector<const CaseResult*>& row);

/// "v1.2" or "r0.4.0–r0.6.1": the editions `first` to `last` of `names`.
std::string span_text(const std::vector<std::string>& names, std::size_t first, std::size_t last);
/// "r0.4.0–r0.5.0, v1.3": the editions at `indices` (ascending) of `names`, neighbours merged.
std::string editions_text(const std::vector<std::string>& names, const std::vector<std::size_t>& indices);

/// How much a reader must see a case with this outcome, most first: FAIL, NOIMP, XPASS, ERROR,
/// WARN, XFAIL, not run, PASS, SKIP.
int attention(const CaseResult& result);
/// Of a case's results across editions, the one a reader must see first (the earliest of equals).
const CaseResult& most_telling(const std::vector<const CaseResult*>& row);

/// Something in the row needs attention (it fails, warns, was not judged or not run somewhere) and
/// not every edition says the same.
bool differs_with_trouble(const std::vector<const CaseResult*>& row);

/// " in r0.4.0–r0.5.0, v1.3" after a count, for the editions at `indices` of a run of several; empty otherwise.
std::string in_editions(const RunResult& run, const std::vector<std::size_t>& indices);

/// The editions (indices) in which every case conforms (EditionResult::conforms).
std::vector<std::size_t> conforming_editions(const RunResult& run);
/// "every edition (23)", "r0.6.0–v1.19 (14 of 23 editions)", "none of 23 editions".
std::string conforming_text(const RunResult& run);

/// What "NOT RUN" or a verdict is called where the editions' verdicts are shown: "not-run" or to_string.
std::string state_of(const CaseResult& result);

/// The case × edition matrix of a run of several editions, made compact: a column is a stretch of
/// neighbouring editions in which every shown case has one verdict, and a case whose verdict is
/// the same pass (or skip) in every edition is only counted.
struct EditionMatrix {
    std::vector<std::pair<std::size_t, std::size_t>> columns;  ///< first and last edition index of each
    std::vector<std::size_t> rows;  ///< the shown cases, by their index in every edition's list
    std::size_t passing_everywhere = 0;
    std::size_t skipped_everywhere = 0;
};
EditionMatrix edition_matrix(const RunResult& run);

}  // namespace mx3pid::reports::detail
