#pragma once
// Strict reading of YAML documents: unknown keys and wrong types are errors naming file and line.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "suite/config_error.hpp"

namespace mx3pid::suite::detail {

class YamlReader {
public:
    explicit YamlReader(std::string file) : file_(std::move(file)) {}

    /// Parses the whole file; a syntax error becomes a ConfigError at its line.
    YAML::Node load() const;
    /// Parses `text` as if it were the file's content.
    YAML::Node parse(const std::string& text) const;

    [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;

    /// Requires a mapping whose keys are all in `allowed`.
    void expect_map(const YAML::Node& node, std::initializer_list<std::string_view> allowed, std::string_view what) const;
    void expect_sequence(const YAML::Node& node, std::string_view what) const;

    std::string string(const YAML::Node& node, std::string_view what) const;
    long long integer(const YAML::Node& node, std::string_view what) const;
    bool boolean(const YAML::Node& node, std::string_view what) const;
    /// A string, or a sequence of strings.
    std::vector<std::string> strings(const YAML::Node& node, std::string_view what) const;

    std::optional<std::string> optional_string(const YAML::Node& map, const char* key) const;

    const std::string& file() const { return file_; }

private:
    std::string file_;
};

int line_of(const YAML::Node& node);

}  // namespace mx3pid::suite::detail
