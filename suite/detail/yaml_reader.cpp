#include "suite/detail/yaml_reader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace mx3pid::suite::detail {

int line_of(const YAML::Node& node) {
    auto mark = node.Mark();
    return mark.line < 0 ? 0 : mark.line + 1;
}

YAML::Node YamlReader::load() const {
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw ConfigError(file_, 0, "cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str());
}

YAML::Node YamlReader::parse(const std::string& text) const {
    try {
        return YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        throw ConfigError(file_, e.mark.line < 0 ? 0 : e.mark.line + 1, "not valid YAML: " + e.msg);
    }
}

void YamlReader::fail(const YAML::Node& at, const std::string& message) const {
    throw ConfigError(file_, line_of(at), message);
}

void YamlReader::expect_map(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                            std::string_view what) const {
    if (!node.IsMap()) fail(node, std::string(what) + " must be a mapping");
    for (const auto& entry : node) {
        if (!entry.first.IsScalar()) fail(entry.first, std::string(what) + " has a key that is not a string");
        auto key = entry.first.Scalar();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string known;
            for (auto name : allowed) known += (known.empty() ? "" : ", ") + std::string(name);
            fail(entry.first, "unknown key '" + key + "' in " + std::string(what) + " (known: " + known + ")");
        }
    }
}

void YamlReader::expect_sequence(const YAML::Node& node, std::string_view what) const {
    if (!node.IsSequence()) fail(node, std::string(what) + " must be a list");
}

std::string YamlReader::string(const YAML::Node& node, std::string_view what) const {
    if (!node.IsScalar()) fail(node, std::string(what) + " must be a string");
    return node.Scalar();
}

long long YamlReader::integer(const YAML::Node& node, std::string_view what) const {
    if (node.IsScalar()) {
        const auto& text = node.Scalar();
        std::size_t used = 0;
        try {
            long long value = std::stoll(text, &used);
            if (used == text.size()) return value;
        } catch (const std::exception&) {
        }
    }
    fail(node, std::string(what) + " must be a whole number");
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view what) const {
    if (node.IsScalar()) {
        const auto& text = node.Scalar();
        if (text == "true") return true;
        if (text == "false") return false;
    }
    fail(node, std::string(what) + " must be true or false");
}

std::vector<std::string> YamlReader::strings(const YAML::Node& node, std::string_view what) const {
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) fail(node, std::string(what) + " must be a string or a list of strings");
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(string(item, what));
    return out;
}

std::optional<std::string> YamlReader::optional_string(const YAML::Node& map, const char* key) const {
    auto node = map[key];
    if (!node) return std::nullopt;
    return string(node, key);
}

}  // namespace mx3pid::suite::detail
