#pragma once
// Which sentences of an edition the cases test: each sentence with the checks and case IDs that
// cite it, the untestable ones with their reason, and the counts; and which request fields'
// grammars and schemas (spec/fields.hpp) the derived cases (cases/11-derived.yaml) ask, aspect by
// aspect. `mx3pid coverage` prints it; a ctest holds every edition to no uncovered sentence and no
// uncovered field. The same plan gives cases/LEVELS.md.
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

/// What a field's definition says that a derived input breaks or, for a value it allows, tests.
enum class Aspect { presence, type, characters, lengths };
std::string_view to_string(Aspect aspect);

/// One family of inputs a field's definition gives in the edition, at full depth.
struct FamilyCoverage {
    InputFamily family = InputFamily::characters;
    std::vector<std::string> inputs;  ///< the inputs' names ("nul-middle"), in derivation order
    std::vector<std::string> cases;   ///< the derived cases sending one of them in the edition, in run order
};

struct AspectCoverage {
    Aspect aspect = Aspect::presence;
    /// covered: a derived case sends an input of it; untestable: the definition gives no input for
    /// it (`why`); uncovered: it gives some and no `derive:` entry makes them cases.
    Covered state = Covered::uncovered;
    std::string why;
};

/// One field definition holding in the edition (on any endpoint) and the inputs derived from it.
struct FieldCoverage {
    const spec::Field* field = nullptr;
    std::vector<FamilyCoverage> families;  ///< each family giving inputs, in derive order
    std::vector<AspectCoverage> aspects;   ///< presence, type, characters, lengths

    /// uncovered when an aspect is; covered when a derived case asks any; untestable otherwise.
    Covered state() const;
};

struct Coverage {
    spec::Edition edition;
    std::vector<SentenceCoverage> sentences;  ///< every sentence holding in the edition, in catalogue order
    std::vector<FieldCoverage> fields;        ///< every field definition holding in the edition, in spec::fields() order

    std::size_t count(Covered state) const;
    std::size_t count_fields(Covered state) const;
    /// "sentences: N normative, C covered, U untestable, X uncovered"
    std::string last_line() const;
    /// "fields: N defined, C with derived inputs, U with nothing to derive, X uncovered (aspects: …)"
    std::string fields_line() const;
};

/// The coverage of `edition` by every case template (and the judge's own checks) that runs in it,
/// and of its fields' definitions by the derived cases among them.
Coverage coverage_of(const Suite& suite, const spec::Edition& edition);

/// The plain text `mx3pid coverage` prints: each sentence, its checks and cases (or why it is
/// untestable), the counts by level and validation mode, how the checks on what reached the
/// identity server count in each validation mode (suite::identity_side), last_line(); then each
/// field with its type, presence, grammar, the families of inputs derived from it with their
/// cases, each aspect's state, and fields_line().
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
