#include "suite/derived_cases.hpp"

#include <algorithm>
#include <filesystem>

#include "suite/citation.hpp"
#include "suite/detail/yaml_reader.hpp"

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

std::optional<spec::Edition> first_shared(const spec::EditionRange& a, const spec::EditionRange& b) {
    for (const auto& edition : spec::Edition::all())
        if (a.contains(edition) && b.contains(edition)) return edition;
    return std::nullopt;
}

/// The level and the citations of the sentences `ids` (IDs or globs) name, where the case holds.
struct Cited {
    std::optional<Level> level;
    std::vector<Citation> citations;
};

Cited cite_sentences(const std::vector<std::string>& ids, const SentenceTable& table, const spec::EditionRange& editions,
                     const std::vector<std::string>& endpoints) {
    Cited cited;
    for (const auto& id : ids)
        for (const auto& [name, facts] : table) {
            if (!glob_match(id, name)) continue;
            const auto edition = first_shared(editions, facts.editions);
            const bool on_endpoint = facts.endpoints.empty() || std::any_of(endpoints.begin(), endpoints.end(), [&](const std::string& key) {
                                         return names_endpoint(facts.endpoints, key);
                                     });
            if (!edition || !on_endpoint || facts.level == "MAY") continue;
            const auto level = facts.level == "SHOULD" ? Level::should : Level::must;
            if (!cited.level || level == Level::must) cited.level = level;
            Citation citation{edition->name(), facts.section, facts.says};
            if (!citation_problem(citation)) cited.citations.push_back(std::move(citation));
        }
    return cited;
}

std::string replaced(std::string title, std::string_view placeholder, const std::string& by) {
    if (auto at = title.find(placeholder); at != std::string::npos) title.replace(at, placeholder.size(), by);
    return title;
}

CaseTemplate one_template(const CaseTemplate& pattern, const DerivedInput& input, spec::EditionRange editions,
                          std::vector<std::string> endpoints, const SentenceTable& sentences) {
    CaseTemplate made = pattern;
    made.kind = input.field + "." + input.name;
    made.title = replaced(pattern.title, "{input}", input.describes);
    made.editions = std::move(editions);
    made.endpoints = std::move(endpoints);
    made.depth = input.depth;
    made.steps.front().request.derived = input;
    auto cited = cite_sentences(input.sentences, sentences, made.editions, made.endpoints);
    if (cited.level) made.level = *cited.level;
    made.spec.insert(made.spec.begin(), cited.citations.begin(), cited.citations.end());
    return made;
}

}  // namespace

SentenceTable load_sentence_table(const std::string& directory) {
    namespace fs = std::filesystem;
    SentenceTable table;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) return table;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory, ec))
        if (entry.path().extension() == ".yaml" && entry.path().filename() != "sections.yaml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        detail::YamlReader reader(file.string());
        const auto root = reader.load();
        reader.expect_sequence(root, "a sentence file");
        for (const auto& record : root) {
            const auto id = reader.string(record["id"], "id");
            SentenceFacts facts{reader.string(record["level"], "level"), *spec::EditionRange::parse("*"), {},
                                record["section"] ? reader.string(record["section"], "section") : std::string(),
                                record["says"] ? reader.string(record["says"], "says") : std::string()};
            std::string why;
            auto editions = spec::EditionRange::parse(reader.string(record["editions"], "editions"), &why);
            if (!editions) reader.fail(record["editions"], "editions: " + why);
            facts.editions = *editions;
            if (record["endpoints"]) facts.endpoints = reader.strings(record["endpoints"], "endpoints");
            table.emplace(id, std::move(facts));
        }
    }
    return table;
}

std::vector<CaseTemplate> derive_templates(const CaseTemplate& pattern, const DerivePattern& derive, const SentenceTable& sentences) {
    std::vector<CaseTemplate> made;
    for (const auto& field : spec::fields()) {
        if (field.name != derive.field) continue;
        // A field left out is refused only where the field is required.
        if (derive.family == InputFamily::absent && field.presence != spec::Presence::required) continue;
        const auto editions = pattern.editions.intersect(*spec::EditionRange::parse(field.editions));
        auto endpoints = shared_endpoints(pattern, field);
        if (!editions || endpoints.empty()) continue;
        for (const auto& input : derive_inputs(field, derive.family)) {
            const auto narrowed = editions->intersect(*spec::EditionRange::parse(input.editions));
            if (narrowed) made.push_back(one_template(pattern, input, *narrowed, endpoints, sentences));
        }
    }
    return made;
}

}  // namespace mx3pid::suite
