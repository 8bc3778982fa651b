#pragma once
// A case file's `derive:` entry made into cases: one template per input suite/derive gives for the
// field it names, in every edition where a definition of that field holds. Each is
// `<field>.<input>` ("client_secret.line-feed-last"), its title the entry's with `{input}` replaced,
// its editions and endpoints those the entry, the field's definition and the input share, its depth
// the input's, its citations and its level those of the catalogue sentences the input breaks (or,
// for a value the field allows, tests): MUST when one of them is MUST or a schema requirement, else
// SHOULD. A 5xx fails at any level (engine/judge).
#include <map>
#include <string>
#include <vector>

#include "suite/case_model.hpp"

namespace mx3pid::suite {

/// What a `derive:` entry asks for.
struct DerivePattern {
    std::string field;   ///< a request field's JSON key, or "body"
    InputFamily family = InputFamily::characters;
};

/// One catalogue sentence (cases/sentences/*.yaml), as far as a derived case needs it.
struct SentenceFacts {
    std::string level;  ///< "MUST", "SHOULD", "MAY" or "schema"
    spec::EditionRange editions;
    std::vector<std::string> endpoints;  ///< globs; empty: not tied to an endpoint
    std::string section;
    std::string says;
};
using SentenceTable = std::map<std::string, SentenceFacts>;

/// The sentences of `directory` (its *.yaml but sections.yaml); empty when it does not exist. Throws ConfigError.
SentenceTable load_sentence_table(const std::string& directory);

/// `pattern` (a template whose kind is empty and whose title may hold `{input}`) made into one
/// template per derived input. None when the field has no definition where the pattern holds.
std::vector<CaseTemplate> derive_templates(const CaseTemplate& pattern, const DerivePattern& derive, const SentenceTable& sentences);

}  // namespace mx3pid::suite
