#pragma once
// The `sentences:` of a case file: reading them, and holding each check to citing an obligation
// wherever the case runs.
#include <initializer_list>
#include <string_view>

#include "suite/case_model.hpp"
#include "suite/detail/yaml_reader.hpp"

namespace mx3pid::suite::detail {

/// What a derive entry cites for the sentences of the field's definition its input breaks or tests
/// (suite/derived_cases); anywhere else it is an error.
inline constexpr std::string_view field_sentences = "$field";

/// A `sentences:` mapping: each key one of `keys`, each value a list of IDs or globs; for the keys in
/// `counts` also {fewer: [...], more: [...]} (with an optional `any`). Every ID and glob must name
/// a sentence of `catalogue`, or be `field_sentences`.
Citations read_citations(const YamlReader& reader, const YAML::Node& node, std::initializer_list<std::string_view> keys,
                         std::initializer_list<std::string_view> counts, const Catalogue& catalogue);

/// Every check the template asks for cites sentences, only checks it asks for do, and each cites an
/// obligation (a testable MUST, schema or SHOULD) in every edition, endpoint and validation mode it
/// runs in; none cites `field_sentences` any more. Throws ConfigError naming the case file's line.
void check_citations(const CaseTemplate& source, const Catalogue& catalogue);

}  // namespace mx3pid::suite::detail
