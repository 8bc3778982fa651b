#pragma once
// A JSON object written to a stream member by member, laid out as nlohmann's dump(2) lays out the
// whole object: a report's large arrays (the cases, with their exchanges) are made one item at a
// time and never sit in memory as one document.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace mx3pid::reports::detail {

class StreamedObject {
public:
    using Json = nlohmann::ordered_json;

    /// Opens an object whose closing brace is `depth` levels in.
    StreamedObject(std::ostream& out, int depth) : out_(out), depth_(depth) { out_ << '{'; }

    void member(std::string_view key, const Json& value) {
        start(key);
        write_nested(dumped(value), 1);
    }
    /// A member whose value is an array of `size` items, each made by `item(i)` when it is written.
    template <typename MakeItem>
    void array_member(std::string_view key, std::size_t size, MakeItem item) {
        array_of(key, size, [&](std::size_t i) { write_nested(dumped(item(i)), 2); });
    }
    /// A member whose value is an array of `size` objects, each written by `fill(i, StreamedObject&)`.
    template <typename Fill>
    void objects_member(std::string_view key, std::size_t size, Fill fill) {
        array_of(key, size, [&](std::size_t i) {
            StreamedObject item(out_, depth_ + 2);
            fill(i, item);
            item.close();
        });
    }
    void close() { out_ << (members_ == 0 ? std::string() : "\n" + indent(depth_)) << '}'; }

private:
    static std::string indent(int depth) { return std::string(static_cast<std::size_t>(depth) * 2, ' '); }
    static std::string dumped(const Json& value) { return value.dump(2, ' ', false, Json::error_handler_t::replace); }

    void start(std::string_view key) { out_ << (members_++ == 0 ? "\n" : ",\n") << indent(depth_ + 1) << Json(key).dump() << ": "; }

    template <typename WriteItem>
    void array_of(std::string_view key, std::size_t size, WriteItem write_item) {
        start(key);
        if (size == 0) {
            out_ << "[]";
            return;
        }
        out_ << '[';
        for (std::size_t i = 0; i < size; ++i) {
            out_ << (i == 0 ? "\n" : ",\n") << indent(depth_ + 2);
            write_item(i);
        }
        out_ << '\n' << indent(depth_ + 1) << ']';
    }

    /// A value dumped at depth 0, its lines moved `extra` levels further in than this object's brace
    /// (a JSON dump has no newline inside a string).
    void write_nested(const std::string& text, int extra) {
        const auto prefix = "\n" + indent(depth_ + extra);
        std::size_t from = 0;
        for (auto newline = text.find('\n'); newline != std::string::npos; newline = text.find('\n', from)) {
            out_.write(text.data() + from, static_cast<std::streamsize>(newline - from));
            out_ << prefix;
            from = newline + 1;
        }
        out_.write(text.data() + from, static_cast<std::streamsize>(text.size() - from));
    }

    std::ostream& out_;
    int depth_;
    std::size_t members_ = 0;
};

}  // namespace mx3pid::reports::detail
