#pragma once
// A case file's `derive:` entry made into cases: one template per input suite/derive gives for the
// field it names, in every edition where a definition of that field holds. Each is
// `<field>.<input>` ("client_secret.line-feed-last"), its title the entry's with `{input}` replaced,
// its editions and endpoints those the entry, the field's definition and the input share, its depth
// the input's. Where the entry's checks cite `$field` they cite the catalogue sentences the input
// breaks (or, for a value the field allows, tests), so each check's level is theirs (suite/catalogue).
// A 5xx fails at any level (engine/judge).
#include <string>
#include <vector>

#include "suite/case_model.hpp"

namespace mx3pid::suite {

/// What a `derive:` entry asks for.
struct DerivePattern {
    std::string field;   ///< a request field's JSON key, or "body"
    InputFamily family = InputFamily::characters;
};

/// `pattern` (a template whose kind is empty, whose title may hold `{input}` and whose citations may
/// hold `$field`) made into one template per derived input, `$field` replaced by the catalogue
/// sentences the input breaks or tests. None when the field has no definition where the pattern
/// holds. Throws ConfigError (the pattern's file and line) when an input names a sentence the
/// catalogue lacks, or a made case's check cites no obligation where it runs.
std::vector<CaseTemplate> derive_templates(const CaseTemplate& pattern, const DerivePattern& derive, const Catalogue& catalogue);

/// The inputs of `family` that a `derive:` entry makes into cases for `field` in `edition`: those
/// derive_inputs gives that hold there and name a sentence the catalogue records there (before it,
/// the spec says nothing they could break); none of `absent` unless the field is required.
std::vector<DerivedInput> inputs_in(const spec::Field& field, InputFamily family, const spec::Edition& edition,
                                    const Catalogue& catalogue);

}  // namespace mx3pid::suite
