#pragma once
// Client-server spec editions as mx3pid knows them, in release order.
#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mx3pid::spec {

class Edition {
public:
    /// "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1", "v1.1" … "v1.19"; nothing for anything else.
    static std::optional<Edition> parse(std::string_view text);
    static const std::vector<Edition>& all();  ///< every known edition, oldest first
    /// Every known edition from `first` to `last`, both included, oldest first; empty when `last` is older.
    static std::vector<Edition> span(const Edition& first, const Edition& last);

    const std::string& name() const;
    /// The path segment of the client-server API: "r0" for r0.x, "v3" for v1.x.
    std::string_view client_prefix() const;
    bool is_v1() const;

    auto operator<=>(const Edition& other) const { return index_ <=> other.index_; }
    bool operator==(const Edition& other) const { return index_ == other.index_; }

private:
    friend class EditionRange;
    friend std::string describe(const std::vector<Edition>& editions);
    explicit Edition(std::size_t index) : index_(index) {}
    std::size_t index_;
};

/// "r0.4.0–v1.19", "r0.4.0, r0.6.0–v1.11": editions (oldest first), neighbours among the known
/// editions merged into a span.
std::string describe(const std::vector<Edition>& editions);

/// What `--spec` (or a profile's `spec:`) asks to judge.
struct EditionChoice {
    enum class Kind {
        newest,  ///< "auto": the newest edition the server advertises that mx3pid knows
        all,     ///< "all": every edition the server advertises that mx3pid knows
        given,   ///< "v1.2", or a span "r0.6.0..v1.4": `editions`
    };
    Kind kind = Kind::newest;
    std::vector<Edition> editions;  ///< for `given`: one edition, or every one of the span, oldest first

    /// "auto", "all", an edition, or "FIRST..LAST" (both included); nothing, with `error` set, for
    /// anything else or a span whose LAST is older than its FIRST.
    static std::optional<EditionChoice> parse(std::string_view text, std::string* error = nullptr);
};

/// A set of editions written as comparisons joined by spaces: ">= r0.4.0", ">= r0.6.0 < v1.13", "*".
class EditionRange {
public:
    /// Nothing, with `error` set, when the text is not a range of known editions.
    static std::optional<EditionRange> parse(std::string_view text, std::string* error = nullptr);

    bool contains(const Edition& edition) const;
    const std::string& text() const { return text_; }
    /// The editions both hold; nothing when they share none.
    std::optional<EditionRange> intersect(const EditionRange& other) const;

private:
    std::size_t lowest_ = 0;                 ///< index, inclusive
    std::size_t below_ = static_cast<std::size_t>(-1);  ///< index, exclusive
    std::string text_;
};

}  // namespace mx3pid::spec
