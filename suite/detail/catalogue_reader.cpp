// Reads cases/sentences/: sections.yaml first, then every other *.yaml as sentence records, strictly.
#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <fstream>
#include <sstream>

#include "suite/catalogue.hpp"
#include "suite/config_error.hpp"
#include "suite/detail/yaml_reader.hpp"

namespace mx3pid::suite {
namespace {

using detail::YamlReader;

constexpr std::string_view sections_file = "sections.yaml";

spec::EditionRange read_editions(const YamlReader& reader, const YAML::Node& node) {
    std::string why;
    auto range = spec::EditionRange::parse(reader.string(node, "editions"), &why);
    if (!range) reader.fail(node, "editions: " + why);
    const auto& all = spec::Edition::all();
    if (std::none_of(all.begin(), all.end(), [&](const spec::Edition& e) { return range->contains(e); }))
        reader.fail(node, "editions '" + range->text() + "' holds no edition mx3pid knows");
    return *range;
}

SectionRecord read_section(const YamlReader& reader, const YAML::Node& node) {
    reader.expect_map(node, {"name", "kind", "api", "editions", "title", "note", "anchor_r0", "anchor_v1"}, "a section");
    for (const char* key : {"name", "api", "editions", "title"})
        if (!node[key]) reader.fail(node, std::string("a section needs '") + key + "'");
    SectionRecord section;
    section.file = reader.file();
    section.line = detail::line_of(node);
    section.name = reader.string(node["name"], "name");
    section.title = reader.string(node["title"], "title");
    auto api = reader.string(node["api"], "api");
    if (api == "client-server") section.api = SectionRecord::Api::client_server;
    else if (api == "identity") section.api = SectionRecord::Api::identity;
    else if (api == "index") section.api = SectionRecord::Api::index;
    else reader.fail(node["api"], "api must be client-server, identity or index, not '" + api + "'");
    if (auto kind = node["kind"]) {
        if (reader.string(kind, "kind") != "operation") reader.fail(kind, "kind can only be 'operation'");
        section.operation = true;
    }
    section.editions = read_editions(reader, node["editions"]);
    if (section.api == SectionRecord::Api::index)
        for (const auto& edition : spec::Edition::all())
            if (section.editions.contains(edition) && !edition.is_v1())
                reader.fail(node["editions"], "the spec's front page is published from v1.1 only");
    if (node["anchor_r0"]) section.anchor_r0 = reader.string(node["anchor_r0"], "anchor_r0");
    if (node["anchor_v1"]) section.anchor_v1 = reader.string(node["anchor_v1"], "anchor_v1");
    return section;
}

std::vector<SectionRecord> read_sections(const YamlReader& reader, const YAML::Node& root) {
    reader.expect_sequence(root, "sections.yaml");
    std::vector<SectionRecord> sections;
    for (const auto& node : root) {
        auto section = read_section(reader, node);
        for (const auto& earlier : sections)
            if (earlier.name == section.name)
                reader.fail(node, "section '" + section.name + "' is also at line " + std::to_string(earlier.line));
        sections.push_back(std::move(section));
    }
    return sections;
}

bool is_sentence_id(const std::string& id) {
    const bool known_prefix = id.rfind("cs.", 0) == 0 || id.rfind("is.", 0) == 0 || id.rfind("index.", 0) == 0;
    return known_prefix && id.back() != '.' && id.find("..") == std::string::npos &&
           id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.") == std::string::npos;
}

SentenceLevel read_level(const YamlReader& reader, const YAML::Node& node) {
    auto text = reader.string(node, "level");
    if (text == "MUST") return SentenceLevel::must;
    if (text == "SHOULD") return SentenceLevel::should;
    if (text == "MAY") return SentenceLevel::may;
    if (text == "schema") return SentenceLevel::schema;
    reader.fail(node, "level must be MUST, SHOULD, MAY or schema, not '" + text + "'");
}

/// The section exists, and its page has it in every edition the sentence holds in.
void check_section(const YamlReader& reader, const YAML::Node& node, const SentenceRecord& sentence,
                   const std::vector<SectionRecord>& sections) {
    auto found = std::find_if(sections.begin(), sections.end(), [&](const SectionRecord& s) { return s.name == sentence.section; });
    if (found == sections.end()) reader.fail(node["section"], "unknown section '" + sentence.section + "' (sections.yaml lists none such)");
    for (const auto& edition : spec::Edition::all())
        if (sentence.holds_in(edition) && !found->editions.contains(edition))
            reader.fail(node["section"], "section '" + sentence.section + "' is not in " + edition.name() +
                                             ", where the sentence holds (the section's editions: " + found->editions.text() + ")");
    if (found->operation && sentence.endpoints.empty())
        reader.fail(node, "a sentence of '" + sentence.section + "' names the endpoints whose section says it");
}

SentenceRecord read_sentence(const YamlReader& reader, const YAML::Node& node, const std::vector<SectionRecord>& sections) {
    reader.expect_map(node, {"id", "level", "editions", "endpoints", "section", "says", "modes", "untestable", "freedom"},
                      "a sentence");
    for (const char* key : {"id", "level", "editions", "section", "says"})
        if (!node[key]) reader.fail(node, std::string("a sentence needs '") + key + "'");
    SentenceRecord sentence;
    sentence.file = reader.file();
    sentence.line = detail::line_of(node);
    sentence.id = reader.string(node["id"], "id");
    if (!is_sentence_id(sentence.id))
        reader.fail(node["id"], "id '" + sentence.id + "' must start cs., is. or index. and hold only a-z, 0-9, '_' and '.'");
    sentence.level = read_level(reader, node["level"]);
    sentence.editions = read_editions(reader, node["editions"]);
    if (auto endpoints = node["endpoints"]) {
        sentence.endpoints = reader.strings(endpoints, "endpoints");
        for (const auto& glob : sentence.endpoints) {
            bool any = std::any_of(spec::endpoints().begin(), spec::endpoints().end(), [&](const spec::Endpoint& e) {
                return fnmatch(glob.c_str(), std::string(e.key).c_str(), 0) == 0;
            });
            if (!any) reader.fail(endpoints, "'" + glob + "' matches none of the six endpoints");
        }
    }
    sentence.section = reader.string(node["section"], "section");
    sentence.says = reader.string(node["says"], "says");
    if (sentence.says.empty()) reader.fail(node["says"], "says must say what the sentence requires");
    if (auto modes = node["modes"])
        for (const auto& text : reader.strings(modes, "modes")) {
            auto mode = spec::parse_validation(text);
            if (!mode) reader.fail(modes, "modes are proxy, delegate or self, not '" + text + "'");
            sentence.modes.push_back(*mode);
        }
    if (node["untestable"]) sentence.untestable = reader.string(node["untestable"], "untestable");
    if (node["freedom"]) sentence.freedom = reader.string(node["freedom"], "freedom");
    if (node["untestable"] && sentence.untestable.empty()) reader.fail(node["untestable"], "untestable needs its reason");
    if (node["freedom"] && sentence.freedom.empty()) reader.fail(node["freedom"], "freedom needs what it allows");
    check_section(reader, node, sentence, sections);
    return sentence;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path.string(), 0, "cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// `files` in name order, sections first; the names are what errors say.
Catalogue read_catalogue(const std::vector<std::pair<std::string, std::string>>& files, const std::string& sections_name,
                         const std::string& sections_text) {
    YamlReader section_reader(sections_name);
    auto sections = read_sections(section_reader, section_reader.parse(sections_text));
    std::vector<SentenceRecord> sentences;
    for (const auto& [name, text] : files) {
        YamlReader reader(name);
        auto root = reader.parse(text);
        if (root.IsNull()) continue;
        reader.expect_sequence(root, "a sentence file");
        for (const auto& node : root) {
            auto sentence = read_sentence(reader, node, sections);
            for (const auto& earlier : sentences)
                if (earlier.id == sentence.id)
                    reader.fail(node["id"], "duplicate id '" + sentence.id + "' (first at " + earlier.file + ":" +
                                                std::to_string(earlier.line) + ")");
            sentences.push_back(std::move(sentence));
        }
    }
    if (sentences.empty()) throw ConfigError(sections_name, 0, "no sentence file beside it holds a sentence");
    return Catalogue(std::move(sentences), std::move(sections));
}

}  // namespace

Catalogue load_catalogue(const std::string& directory) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) throw ConfigError(directory, 0, "is not a directory of sentence files");
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(directory, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml" && entry.path().filename() != sections_file)
            paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());
    const auto sections_path = (fs::path(directory) / sections_file).string();
    std::vector<std::pair<std::string, std::string>> files;
    for (const auto& path : paths) files.emplace_back(path.string(), read_text(path));
    return read_catalogue(files, sections_path, read_text(sections_path));
}

Catalogue load_catalogue_texts(const std::map<std::string, std::string>& files) {
    auto sections = files.find(std::string(sections_file));
    if (sections == files.end()) throw ConfigError(std::string(sections_file), 0, "is missing");
    std::vector<std::pair<std::string, std::string>> sentence_files;
    for (const auto& [name, text] : files)
        if (name != sections_file) sentence_files.emplace_back(name, text);
    return read_catalogue(sentence_files, sections->first, sections->second);
}

}  // namespace mx3pid::suite
