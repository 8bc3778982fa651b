#pragma once
// Which sentences of an edition the cases test: each sentence with the checks and case IDs that
// cite it, the untestable ones with their reason, and the counts. `mx3pid coverage` prints it; a
// ctest holds every edition to no uncovered sentence. The same plan gives cases/LEVELS.md.
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "suite/case_model.hpp"
#include "suite/catalogue.hpp"

namespace mx3pid::suite {

enum class Covered { covered, untestable, uncovered };

struct SentenceCoverage {
    const SentenceRecord* sentence = nullptr;
    reports::Sentence placed;  ///< words and URL in the edition (an endpoint's section: the first endpoint it holds for)
    Covered state = Covered::uncovered;
    /// Check name → the case IDs whose check cites it, in run order.
    std::vector<std::pair<std::string, std::vector<std::string>>> tests;
};

struct Coverage {
    spec::Edition edition;
    std::vector<SentenceCoverage> sentences;  ///< every sentence holding in the edition, in catalogue order

    std::size_t count(Covered state) const;
    /// "sentences: N normative, C covered, U untestable, X uncovered"
    std::string last_line() const;
};

/// The coverage of `edition` by every case template (and the judge's own checks) that runs in it.
Coverage coverage_of(const Suite& suite, const spec::Edition& edition);

/// The plain text `mx3pid coverage` prints: each sentence, its checks and cases (or why it is
/// untestable), the counts by level and validation mode, how the checks on what reached the
/// identity server count in each validation mode (suite::identity_side), and last_line().
void write_coverage_text(const Coverage& coverage, std::ostream& out);
/// The same as JSON ("identity_side": its checks, the sentences they test here, each mode's treatment).
void write_coverage_json(const Coverage& coverage, std::ostream& out);

/// cases/LEVELS.md: the catalogue's counts per edition, every case kind's checks with the sentences
/// they cite and the level they take, the judge's own checks, and every sentence.
void write_levels_markdown(const Suite& suite, std::ostream& out);

/// "*/valid", "register/*/duplicate", "3pid/email/email-malformed": case IDs, shortened where a kind
/// runs on every endpoint or on both media of one.
std::vector<std::string> compact_case_ids(const std::vector<std::string>& ids);

}  // namespace mx3pid::suite
