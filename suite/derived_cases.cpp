#include "suite/derived_cases.hpp"

#include <algorithm>

#include "suite/config_error.hpp"
#include "suite/detail/case_citations.hpp"

namespace mx3pid::suite {
namespace {

bool names_endpoint(const std::vector<std::string>& globs, std::string_view key) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) { return glob_match(glob, std::string(key)); });
}

/// The endpoints the pattern names where the field's definition holds, by key.
std::vector<std::string> shared_endpoints(const CaseTemplate& pattern, const spec::Field& field) {
    std::vector<std::string> keys;
    for (const auto& endpoint : spec::endpoints())
        if (names_endpoint(pattern.endpoints, endpoint.key) && field.applies_to(endpoint)) keys.emplace_back(endpoint.key);
    return keys;
}

std::string replaced(std::string title, std::string_view placeholder, const std::string& by) {
    if (auto at = title.find(placeholder); at != std::string::npos) title.replace(at, placeholder.size(), by);
    return title;
}

/// `ids` with `$field` replaced by `sentences`.
void put_sentences(std::vector<std::string>& ids, const std::vector<std::string>& sentences) {
    const auto at = std::find(ids.begin(), ids.end(), detail::field_sentences);
    if (at == ids.end()) return;
    const auto index = ids.erase(at) - ids.begin();
    ids.insert(ids.begin() + index, sentences.begin(), sentences.end());
}

void put_sentences(Citations& citations, const std::vector<std::string>& sentences) {
    for (auto& [key, cited] : citations) {
        for (auto* list : {&cited.any, &cited.none, &cited.fewer, &cited.more}) put_sentences(*list, sentences);
        for (auto& [status, ids] : cited.by_status) put_sentences(ids, sentences);
    }
}

/// Every sentence the input names is in the catalogue.
void check_input(const CaseTemplate& pattern, const DerivedInput& input, const Catalogue& catalogue) {
    for (const auto& id : input.sentences)
        if (catalogue.matching(id).empty())
            throw ConfigError(pattern.file, pattern.line,
                              "derived input " + input.field + "." + input.name + " names unknown sentence '" + id +
                                  "' (no ID in cases/sentences/ matches it)");
}

/// The catalogue records, in `edition`, a sentence the input names.
bool recorded_in(const DerivedInput& input, const spec::Edition& edition, const Catalogue& catalogue) {
    for (const auto& id : input.sentences)
        for (const auto* sentence : catalogue.matching(id))
            if (sentence->holds_in(edition)) return true;
    return false;
}

/// `editions` from the first one where the catalogue records a sentence the input names: before
/// it the spec says nothing the input could break. Nothing when that is none of them.
std::optional<spec::EditionRange> where_recorded(const DerivedInput& input, const spec::EditionRange& editions,
                                                 const Catalogue& catalogue) {
    for (const auto& edition : spec::Edition::all())
        if (editions.contains(edition) && recorded_in(input, edition, catalogue))
            return editions.intersect(*spec::EditionRange::parse(">= " + edition.name()));
    return std::nullopt;
}

/// A field left out is refused only where the field is required.
bool derives(const spec::Field& field, InputFamily family) {
    return family != InputFamily::absent || field.presence == spec::Presence::required;
}

CaseTemplate one_template(const CaseTemplate& pattern, const DerivedInput& input, spec::EditionRange editions,
                          std::vector<std::string> endpoints, const Catalogue& catalogue) {
    CaseTemplate made = pattern;
    made.kind = input.field + "." + input.name;
    made.title = replaced(pattern.title, "{input}", input.describes);
    made.editions = std::move(editions);
    made.endpoints = std::move(endpoints);
    made.depth = input.depth;
    made.steps.front().request.derived = input;
    for (auto& step : made.steps) put_sentences(step.expect.sentences, input.sentences);
    put_sentences(made.side_channel.sentences, input.sentences);
    detail::check_citations(made, catalogue);
    return made;
}

}  // namespace

std::vector<CaseTemplate> derive_templates(const CaseTemplate& pattern, const DerivePattern& derive, const Catalogue& catalogue) {
    std::vector<CaseTemplate> made;
    for (const auto& field : spec::fields()) {
        if (field.name != derive.field) continue;
        if (!derives(field, derive.family)) continue;
        const auto editions = pattern.editions.intersect(*spec::EditionRange::parse(field.editions));
        auto endpoints = shared_endpoints(pattern, field);
        if (!editions || endpoints.empty()) continue;
        for (const auto& input : derive_inputs(field, derive.family)) {
            check_input(pattern, input, catalogue);
            auto narrowed = editions->intersect(*spec::EditionRange::parse(input.editions));
            if (narrowed) narrowed = where_recorded(input, *narrowed, catalogue);
            if (narrowed) made.push_back(one_template(pattern, input, *narrowed, endpoints, catalogue));
        }
    }
    return made;
}

std::vector<DerivedInput> inputs_in(const spec::Field& field, InputFamily family, const spec::Edition& edition,
                                    const Catalogue& catalogue) {
    std::vector<DerivedInput> inputs;
    if (!field.holds_in(edition) || !derives(field, family)) return inputs;
    for (auto& input : derive_inputs(field, family))
        if (spec::EditionRange::parse(input.editions)->contains(edition) && recorded_in(input, edition, catalogue))
            inputs.push_back(std::move(input));
    return inputs;
}

}  // namespace mx3pid::suite
