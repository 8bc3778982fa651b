#include "spec/edition.hpp"

#include <algorithm>
#include <sstream>

namespace mx3pid::spec {
namespace {

const std::vector<std::string>& names() {
    static const std::vector<std::string> list = [] {
        std::vector<std::string> v{"r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1"};
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

std::string describe(const std::vector<Edition>& editions) {
    std::string text;
    for (std::size_t i = 0; i < editions.size(); ++i) {
        std::size_t last = i;
        while (last + 1 < editions.size() && editions[last + 1].index_ == editions[last].index_ + 1) ++last;
        text += (text.empty() ? "" : ", ") + editions[i].name();
        if (last > i) text += "\u2013" + editions[last].name();
        i = last;
    }
    return text;
}

std::optional<EditionChoice> EditionChoice::parse(std::string_view text, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<EditionChoice> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (text == "auto") return EditionChoice{Kind::newest, {}};
    if (text == "all") return EditionChoice{Kind::all, {}};
    const auto dots = text.find("..");
    if (dots == std::string_view::npos) {
        auto edition = Edition::parse(text);
        if (!edition) return fail("unknown edition '" + std::string(text) + "'");
        return EditionChoice{Kind::given, {*edition}};
    }
    const auto first_text = text.substr(0, dots), last_text = text.substr(dots + 2);
    auto first = Edition::parse(first_text), last = Edition::parse(last_text);
    if (!first || !last)
        return fail("'" + std::string(text) + "' is no span of editions: unknown edition '" +
                    std::string(first ? last_text : first_text) + "'");
    if (*last < *first)
        return fail("'" + std::string(text) + "' is no span of editions: " + last->name() + " is older than " + first->name());
    return EditionChoice{Kind::given, Edition::span(*first, *last)};
}

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

std::optional<EditionRange> EditionRange::intersect(const EditionRange& other) const {
    if (text_ == "*") return other;
    if (other.text_ == "*") return *this;
    EditionRange both;
    both.lowest_ = std::max(lowest_, other.lowest_);
    both.below_ = std::min(below_, other.below_);
    if (both.lowest_ >= both.below_ || both.lowest_ >= names().size()) return std::nullopt;
    if (both.lowest_ > 0) both.text_ = ">= " + names()[both.lowest_];
    if (both.below_ < names().size()) both.text_ += (both.text_.empty() ? "< " : " < ") + names()[both.below_];
    if (both.text_.empty()) both.text_ = "*";
    return both;
}

}  // namespace mx3pid::spec
