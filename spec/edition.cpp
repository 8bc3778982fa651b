#include "spec/edition.hpp"

#include <sstream>

namespace mx3pid::spec {
namespace {

const std::vector<std::string>& names() {
    static const std::vector<std::string> list = [] {
        std::vector<std::string> v{"r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1"};
        for (int minor = 1; minor <= 19; ++minor) v.push_back("v1." + std::to_string(minor));
        return v;
    }();
    return list;
}

}  // namespace

std::optional<Edition> Edition::parse(std::string_view text) {
    const auto& list = names();
    for (std::size_t i = 0; i < list.size(); ++i)
        if (list[i] == text) return Edition(i);
    return std::nullopt;
}

const std::vector<Edition>& Edition::all() {
    static const std::vector<Edition> editions = [] {
        std::vector<Edition> v;
        for (std::size_t i = 0; i < names().size(); ++i) v.push_back(Edition(i));
        return v;
    }();
    return editions;
}

std::vector<Edition> Edition::span(const Edition& first, const Edition& last) {
    std::vector<Edition> editions;
    for (std::size_t i = first.index_; i <= last.index_; ++i) editions.push_back(Edition(i));
    return editions;
}

const std::string& Edition::name() const { return names()[index_]; }
bool Edition::is_v1() const { return name().front() == 'v'; }
std::string_view Edition::client_prefix() const { return is_v1() ? "v3" : "r0"; }

std::optional<EditionRange> EditionRange::parse(std::string_view text, std::string* error) {
    EditionRange range;
    range.text_ = std::string(text);
    std::istringstream words{std::string(text)};
    std::string op, name;
    auto fail = [&](const std::string& why) -> std::optional<EditionRange> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (text == "*") return range;
    bool any = false;
    while (words >> op) {
        if (!(words >> name)) return fail("'" + op + "' needs an edition after it");
        auto edition = Edition::parse(name);
        if (!edition) return fail("unknown edition '" + name + "'");
        std::size_t index = edition->index_;
        if (op == ">=") range.lowest_ = index;
        else if (op == ">") range.lowest_ = index + 1;
        else if (op == "<") range.below_ = index;
        else if (op == "<=") range.below_ = index + 1;
        else if (op == "==") range.lowest_ = index, range.below_ = index + 1;
        else return fail("unknown comparison '" + op + "' (use >=, >, <, <=, ==)");
        any = true;
    }
    if (!any) return fail("empty edition range");
    return range;
}

bool EditionRange::contains(const Edition& edition) const {
    return edition.index_ >= lowest_ && edition.index_ < below_;
}

}  // namespace mx3pid::spec
