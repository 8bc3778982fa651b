#include <algorithm>
#include <filesystem>
#include <fnmatch.h>
#include <map>

#include "suite/case_model.hpp"
#include "suite/derived_cases.hpp"
#include "suite/detail/case_citations.hpp"
#include "suite/detail/yaml_reader.hpp"

namespace mx3pid::suite {
namespace {

using detail::YamlReader;

const std::initializer_list<std::string_view> step_checks = {"status", "errcode", "cors"};
const std::initializer_list<std::string_view> side_checks = {"tokens_delivered", "decoy_requests", "delivered", "sid_matches"};
const std::initializer_list<std::string_view> count_checks = {"tokens_delivered", "decoy_requests"};

/// What one case file may expand to: YAML aliases and !repeat can multiply a few bytes of YAML into
/// gigabytes, so the JSON values a file spells are bounded in nodes and bytes.
struct JsonBudget {
    static constexpr std::size_t most_nodes = 100000;
    static constexpr std::size_t most_bytes = 8u << 20;
    std::size_t nodes = 0;
    std::size_t bytes = 0;

    void spend(const YamlReader& reader, const YAML::Node& at, std::size_t more_bytes) {
        ++nodes;
        bytes += more_bytes;
        if (nodes > most_nodes || bytes > most_bytes)
            reader.fail(at, "the values in this file expand past 8 MiB or 100000 nodes (YAML aliases or !repeat)");
    }
};

nlohmann::json to_json(const YamlReader& reader, const YAML::Node& node, JsonBudget& budget) {
    budget.spend(reader, node, 0);
    if (node.Tag() == "!repeat") {
        // !repeat [TEXT, COUNT]: TEXT written COUNT times, for values at and past length limits.
        if (!node.IsSequence() || node.size() != 2) reader.fail(node, "!repeat takes [text, count]");
        auto count = reader.integer(node[1], "the count of !repeat");
        if (count < 0 || count > 1 << 20) reader.fail(node[1], "the count of !repeat must be 0 to 1048576");
        auto unit = reader.string(node[0], "the text of !repeat");
        budget.spend(reader, node, unit.size() * static_cast<std::size_t>(count));
        std::string text;
        text.reserve(unit.size() * static_cast<std::size_t>(count));
        for (long long i = 0; i < count; ++i) text += unit;
        return text;
    }
    if (node.IsNull()) return nullptr;
    if (node.IsSequence()) {
        auto array = nlohmann::json::array();
        for (const auto& item : node) array.push_back(to_json(reader, item, budget));
        return array;
    }
    if (node.IsMap()) {
        auto object = nlohmann::json::object();
        for (const auto& entry : node)
            object[reader.string(entry.first, "key")] = to_json(reader, entry.second, budget);
        return object;
    }
    // A quoted scalar stays a string; a plain one becomes the JSON value it spells.
    const auto& text = node.Scalar();
    budget.spend(reader, node, text.size());
    if (node.Tag() == "!") return text;
    if (text == "true") return true;
    if (text == "false") return false;
    if (text == "null" || text == "~") return nullptr;
    auto number = nlohmann::json::parse(text, nullptr, false);
    if (!number.is_discarded() && number.is_number()) return number;
    return text;
}

std::vector<int> read_statuses(const YamlReader& reader, const YAML::Node& node) {
    std::vector<int> statuses;
    auto one = [&](const YAML::Node& item) {
        auto value = reader.integer(item, "status");
        if (value < 100 || value > 599) reader.fail(item, "status must be between 100 and 599");
        statuses.push_back(static_cast<int>(value));
    };
    if (node.IsSequence()) {
        for (const auto& item : node) one(item);
    } else {
        one(node);
    }
    return statuses;
}

/// `resize: {FIELD: LENGTH}`: the case's own value of a field with a grammar made that long, fresh in every run.
DerivedInput read_resize(const YamlReader& reader, const YAML::Node& node) {
    if (!node.IsMap() || node.size() != 1) reader.fail(node, "resize takes one field and its length, e.g. {client_secret: 255}");
    const auto entry = *node.begin();
    const auto field = reader.string(entry.first, "the field of resize");
    const auto length = reader.integer(entry.second, "the length of resize");
    const bool has_grammar = std::any_of(spec::fields().begin(), spec::fields().end(),
                                         [&](const spec::Field& known) { return known.name == field && known.grammar; });
    if (!has_grammar) reader.fail(entry.first, "resize needs a field with a grammar, not '" + field + "'");
    if (length < 1 || length > 1 << 16) reader.fail(entry.second, "the length of resize must be 1 to 65536");
    return resized_input(field, static_cast<std::size_t>(length));
}

RequestSpec read_request(const YamlReader& reader, const YAML::Node& node, JsonBudget& budget) {
    RequestSpec request;
    if (node.IsNull()) return request;
    reader.expect_map(node,
                      {"method", "id_server", "id_access_token", "set", "remove", "raw_body", "content_type",
                       "send_attempt_increment", "path_medium", "resize"},
                      "send");
    if (node["send_attempt_increment"])
        request.send_attempt_increment = static_cast<int>(reader.integer(node["send_attempt_increment"], "send_attempt_increment"));
    if (node["method"]) request.method = reader.string(node["method"], "method");
    if (auto choice = node["id_server"]) {
        auto text = reader.string(choice, "id_server");
        if (text == "trusted") request.id_server = IdServerChoice::trusted;
        else if (text == "untrusted") request.id_server = IdServerChoice::untrusted;
        else if (text == "omit") request.id_server = IdServerChoice::omit;
        else reader.fail(choice, "id_server must be trusted, untrusted or omit");
    }
    if (auto token = node["id_access_token"]) {
        auto text = reader.string(token, "id_access_token");
        if (text != "omit" && text != "send") reader.fail(token, "id_access_token must be omit or send");
        request.id_access_token = text == "send";
    }
    if (auto set = node["set"]) {
        if (!set.IsMap()) reader.fail(set, "set must be a mapping of field to JSON value");
        request.set = to_json(reader, set, budget);
    }
    if (node["remove"]) request.remove = reader.strings(node["remove"], "remove");
    if (auto raw = node["raw_body"]) {
        auto value = to_json(reader, raw, budget);
        if (!value.is_string()) reader.fail(raw, "raw_body must be a string (quote it)");
        request.raw_body = value.get<std::string>();
    }
    if (node["content_type"]) request.content_type = reader.string(node["content_type"], "content_type");
    if (auto resize = node["resize"]) request.derived = read_resize(reader, resize);
    if (auto medium = node["path_medium"]) {
        request.path_medium = reader.string(medium, "path_medium");
        if (request.path_medium->empty() ||
            request.path_medium->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
            reader.fail(medium, "path_medium must be lower-case letters, digits, '_' and '-'");
    }
    return request;
}

StepExpectation read_expectation(const YamlReader& reader, const YAML::Node& node) {
    reader.expect_map(node, {"status", "errcode", "cors"}, "expect");
    StepExpectation expect;
    if (!node["status"]) reader.fail(node, "expect needs a status");
    expect.status = read_statuses(reader, node["status"]);
    if (auto errcode = node["errcode"]; errcode && errcode.IsMap()) {
        for (const auto& entry : errcode) {
            auto status = static_cast<int>(reader.integer(entry.first, "a status in errcode"));
            if (std::find(expect.status.begin(), expect.status.end(), status) == expect.status.end())
                reader.fail(entry.first, "errcode names status " + std::to_string(status) + ", which status does not expect");
            expect.errcode_by_status[status] = reader.strings(entry.second, "errcode");
        }
    } else if (errcode) {
        expect.errcode = reader.strings(errcode, "errcode");
    }
    if (node["cors"]) expect.cors = reader.boolean(node["cors"], "cors");
    return expect;
}

SideChannelExpectation read_side_channel(const YamlReader& reader, const YAML::Node& node, const Catalogue& catalogue) {
    reader.expect_map(node, {"tokens_delivered", "decoy_requests", "delivered", "sid_matches", "follow_link", "when_served", "sentences"},
                      "side_channel");
    SideChannelExpectation side;
    auto count = [&](const char* key, std::optional<int>& out) {
        if (!node[key]) return;
        auto value = reader.integer(node[key], key);
        if (value < 0 || value > 100) reader.fail(node[key], std::string(key) + " must be 0 to 100");
        out = static_cast<int>(value);
    };
    count("tokens_delivered", side.tokens_delivered);
    count("decoy_requests", side.decoy_requests);
    if (node["delivered"]) side.delivered = reader.boolean(node["delivered"], "delivered");
    if (node["sid_matches"]) side.sid_matches = reader.boolean(node["sid_matches"], "sid_matches");
    if (node["follow_link"]) side.follow_link = reader.boolean(node["follow_link"], "follow_link");
    if (node["when_served"]) side.when_served = reader.boolean(node["when_served"], "when_served");
    if (node["sentences"]) side.sentences = detail::read_citations(reader, node["sentences"], side_checks, count_checks, catalogue);
    return side;
}

Requirements read_requirements(const YamlReader& reader, const YAML::Node& node) {
    reader.expect_map(node, {"validation", "enumeration_protection", "medium_unsupported", "legacy_api"}, "requires");
    Requirements requirements;
    if (auto validation = node["validation"]) {
        for (const auto& text : reader.strings(validation, "validation")) {
            auto parsed = spec::parse_validation(text);
            if (!parsed) reader.fail(validation, "validation must be proxy, delegate or self, not '" + text + "'");
            requirements.validation.push_back(*parsed);
        }
    }
    if (node["enumeration_protection"])
        requirements.enumeration_protection = reader.boolean(node["enumeration_protection"], "enumeration_protection");
    if (node["medium_unsupported"])
        requirements.medium_unsupported = reader.boolean(node["medium_unsupported"], "medium_unsupported");
    if (node["legacy_api"]) requirements.legacy_api = reader.boolean(node["legacy_api"], "legacy_api");
    return requirements;
}

AddressChoice read_address(const YamlReader& reader, const YAML::Node& node) {
    auto text = reader.string(node, "address");
    if (text == "acceptable") return AddressChoice::acceptable;
    if (text == "conflicting") return AddressChoice::conflicting;
    if (text == "fresh") return AddressChoice::fresh;
    if (text == "bound") return AddressChoice::bound;
    if (text == "denied") return AddressChoice::denied;
    reader.fail(node, "address must be acceptable, conflicting, fresh, bound or denied");
}

/// `derive: {field: F, inputs: FAMILY}`: the entry is a pattern for the inputs derived from F.
DerivePattern read_derive(const YamlReader& reader, const YAML::Node& node) {
    reader.expect_map(node, {"field", "inputs"}, "derive");
    for (const char* key : {"field", "inputs"})
        if (!node[key]) reader.fail(node, std::string("derive needs '") + key + "'");
    DerivePattern derive{reader.string(node["field"], "field")};
    const bool known = std::any_of(spec::fields().begin(), spec::fields().end(),
                                   [&](const spec::Field& field) { return field.name == derive.field; });
    if (!known) reader.fail(node["field"], "'" + derive.field + "' is no request field mx3pid knows (spec/fields.cpp)");
    const auto family = reader.string(node["inputs"], "inputs");
    const auto parsed = parse_family(family);
    if (!parsed) reader.fail(node["inputs"], "'" + family + "' is no family of derived inputs (suite/derive.hpp)");
    derive.family = *parsed;
    return derive;
}

CaseTemplate read_template(const YamlReader& reader, const YAML::Node& node, JsonBudget& budget, const Catalogue& catalogue) {
    reader.expect_map(node,
                      {"kind", "derive", "title", "endpoints", "editions", "address", "requires", "steps",
                       "side_channel"},
                      "a case");
    CaseTemplate result;
    result.file = reader.file();
    result.line = detail::line_of(node);
    // A derived case's kind is its field and input.
    const bool derived = static_cast<bool>(node["derive"]);
    if (derived && node["kind"]) reader.fail(node["kind"], "a derive entry names no kind: each input makes its own");
    for (const char* key : {"kind", "title", "endpoints", "steps"})
        if (!node[key] && !(derived && key == std::string_view("kind"))) reader.fail(node, std::string("a case needs '") + key + "'");
    if (!derived) result.kind = reader.string(node["kind"], "kind");
    if (!derived &&
        (result.kind.empty() || result.kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos))
        reader.fail(node["kind"], "kind must be lower-case letters, digits, '_' and '-'");
    result.title = reader.string(node["title"], "title");
    result.endpoints = reader.strings(node["endpoints"], "endpoints");
    for (const auto& glob : result.endpoints) {
        bool any = std::any_of(spec::endpoints().begin(), spec::endpoints().end(),
                               [&](const spec::Endpoint& e) { return glob_match(glob, std::string(e.key)); });
        if (!any) reader.fail(node["endpoints"], "'" + glob + "' matches none of the six endpoints");
    }
    if (auto editions = node["editions"]) {
        std::string why;
        auto range = spec::EditionRange::parse(reader.string(editions, "editions"), &why);
        if (!range) reader.fail(editions, "editions: " + why);
        result.editions = *range;
    } else {
        result.editions = *spec::EditionRange::parse("*");
    }
    if (node["address"]) result.address = read_address(reader, node["address"]);
    if (node["requires"]) result.requires_profile = read_requirements(reader, node["requires"]);
    auto steps = node["steps"];
    reader.expect_sequence(steps, "steps");
    if (steps.size() == 0) reader.fail(steps, "a case needs at least one step");
    for (const auto& step : steps) {
        reader.expect_map(step, {"send", "expect", "sentences"}, "a step");
        if (!step["expect"]) reader.fail(step, "a step needs expect");
        result.steps.push_back({step["send"] ? read_request(reader, step["send"], budget) : RequestSpec{},
                                read_expectation(reader, step["expect"])});
        if (step["sentences"])
            result.steps.back().expect.sentences =
                detail::read_citations(reader, step["sentences"], step_checks, {}, catalogue);
    }
    if (node["side_channel"]) result.side_channel = read_side_channel(reader, node["side_channel"], catalogue);
    // A derive entry's citations hold `$field` until each input names its sentences (suite/derived_cases).
    if (!derived) detail::check_citations(result, catalogue);
    return result;
}

}  // namespace

bool Requirements::overlaps(const Requirements& other) const {
    bool validation_meets = validation.empty() || other.validation.empty() ||
                            std::any_of(validation.begin(), validation.end(), [&](spec::Validation v) {
                                return std::find(other.validation.begin(), other.validation.end(), v) != other.validation.end();
                            });
    bool enumeration_meets = !enumeration_protection || !other.enumeration_protection ||
                             *enumeration_protection == *other.enumeration_protection;
    // Absent and false both mean "not where the medium is unsupported".
    bool medium_meets = medium_unsupported.value_or(false) == other.medium_unsupported.value_or(false);
    bool legacy_meets = legacy_api.value_or(true) == other.legacy_api.value_or(true);
    return validation_meets && enumeration_meets && medium_meets && legacy_meets;
}

AddressChoice resolve_address(AddressChoice choice, const spec::Endpoint& endpoint) {
    if (choice == AddressChoice::acceptable)
        return endpoint.wants_bound_address() ? AddressChoice::bound : AddressChoice::fresh;
    if (choice == AddressChoice::conflicting)
        return endpoint.wants_bound_address() ? AddressChoice::fresh : AddressChoice::bound;
    return choice;
}

std::vector<std::string> Cited::all() const {
    auto ids = any;
    for (const auto* list : {&none, &fewer, &more}) ids.insert(ids.end(), list->begin(), list->end());
    for (const auto& [status, codes] : by_status) ids.insert(ids.end(), codes.begin(), codes.end());
    return ids;
}

std::vector<std::string> Cited::for_count(long long expected, long long actual) const {
    if (actual == expected) return all();
    auto ids = any;
    auto add = [&](const std::vector<std::string>& list) { ids.insert(ids.end(), list.begin(), list.end()); };
    if (actual > expected) add(more);
    if (actual < expected) add(fewer);
    if (actual < expected && actual == 0) add(none);
    return ids;
}

std::vector<std::string> Cited::for_status(int status) const {
    auto found = by_status.find(status);
    return found == by_status.end() ? any : found->second;
}

bool glob_match(const std::string& glob, const std::string& text) {
    return fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

namespace {

std::vector<CaseTemplate> read_case_file(const YamlReader& reader, const YAML::Node& root, const Catalogue& catalogue) {
    if (root.IsNull()) return {};
    reader.expect_sequence(root, "a case file");
    std::vector<CaseTemplate> templates;
    JsonBudget budget;
    for (const auto& node : root) {
        auto read = read_template(reader, node, budget, catalogue);
        if (!node["derive"]) {
            templates.push_back(std::move(read));
            continue;
        }
        if (read.steps.size() != 1) reader.fail(node["steps"], "a derive entry has one step: the request the input changes");
        auto made = derive_templates(read, read_derive(reader, node["derive"]), catalogue);
        if (made.empty()) reader.fail(node["derive"], "the field's definitions give no such input where this entry holds");
        templates.insert(templates.end(), made.begin(), made.end());
    }
    return templates;
}

}  // namespace

std::vector<CaseTemplate> load_case_file(const std::string& path, const Catalogue& catalogue) {
    YamlReader reader(path);
    return read_case_file(reader, reader.load(), catalogue);
}

std::vector<CaseTemplate> load_case_text(const std::string& text, const std::string& name, const Catalogue& catalogue) {
    YamlReader reader(name);
    return read_case_file(reader, reader.parse(text), catalogue);
}

Suite load_suite(const std::string& directory, Depth depth) {
    Suite suite;
    suite.catalogue = load_catalogue((std::filesystem::path(directory) / "sentences").string());
    suite.templates = load_cases(directory, suite.catalogue, depth);
    return suite;
}

std::vector<CaseTemplate> load_cases(const std::string& directory, const Catalogue& catalogue, Depth depth) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(directory, ec)) throw ConfigError(directory, 0, "is not a directory of case files");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<CaseTemplate> templates;
    for (const auto& file : files) {
        for (auto& loaded : load_case_file(file.string(), catalogue))
            if (depth == Depth::full || loaded.depth == Depth::quick) templates.push_back(std::move(loaded));
    }
    // Two templates may share an ID only for editions that do not overlap.
    std::map<std::string, const CaseTemplate*> seen;
    for (const auto& candidate : expand(templates)) {
        auto [it, inserted] = seen.emplace(candidate.id, candidate.source);
        if (inserted) continue;
        if (!it->second->requires_profile.overlaps(candidate.source->requires_profile)) continue;
        for (const auto& edition : spec::Edition::all()) {
            if (it->second->editions.contains(edition) && candidate.source->editions.contains(edition))
                throw ConfigError(candidate.source->file, candidate.source->line,
                                  "case " + candidate.id + " is also defined at " + it->second->file + ":" +
                                      std::to_string(it->second->line) + " for edition " + edition.name());
        }
    }
    return templates;
}

std::vector<Case> expand(const std::vector<CaseTemplate>& templates) {
    std::vector<Case> cases;
    for (const auto& source : templates)
        for (const auto& endpoint : spec::endpoints()) {
            bool named = std::any_of(source.endpoints.begin(), source.endpoints.end(),
                                     [&](const std::string& glob) { return glob_match(glob, std::string(endpoint.key)); });
            if (named) cases.push_back({&source, &endpoint, std::string(endpoint.key) + "/" + source.kind});
        }
    return cases;
}

}  // namespace mx3pid::suite
