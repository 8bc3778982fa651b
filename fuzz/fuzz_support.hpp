#pragma once
// Shared by the libFuzzer targets: reporting a broken property, and reading an HTTP request from
// the readable text the seed corpora are written in.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/message.hpp"

namespace mx3pid::fuzz {

/// A property the code under test broke: say which, and abort so that libFuzzer keeps the input.
[[noreturn]] inline void finding(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "\n==FINDING== %.*s\n", static_cast<int>(what.size()), what.data());
    if (!detail.empty()) {
        auto shown = detail.substr(0, 2000);
        std::fprintf(stderr, "%.*s\n", static_cast<int>(shown.size()), shown.data());
    }
    std::abort();
}

inline void expect(bool holds, std::string_view what, std::string_view detail = {}) {
    if (!holds) finding(what, detail);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

inline bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) return false;
        std::uint32_t code_point = length == 1 ? c : c & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code_point = (code_point << 6) | (next & 0x3F);
        }
        constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code_point < smallest[length] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

/// Splits `text` at each occurrence of `separator`.
inline std::vector<std::string_view> split(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + separator.size());
    }
}

/// Takes the next line off `text` (without its LF or CRLF).
inline std::string_view take_line(std::string_view& text) {
    auto lf = text.find('\n');
    auto line = text.substr(0, lf);
    text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

/// "METHOD TARGET", then "Name: value" header lines up to an empty line, then the body.
inline net::Request read_request(std::string_view text) {
    net::Request request;
    auto request_line = take_line(text);
    auto space = request_line.find(' ');
    request.method = std::string(request_line.substr(0, space));
    request.target = space == std::string_view::npos ? "/" : std::string(request_line.substr(space + 1));
    while (!text.empty()) {
        auto line = take_line(text);
        if (line.empty()) break;
        auto colon = line.find(':');
        auto name = line.substr(0, colon);
        auto value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        request.headers.emplace_back(std::string(name), std::string(value));
    }
    request.body = std::string(text);
    request.peer = "127.0.0.1:40000";
    return request;
}

/// Every occurrence of `from` in `text` replaced by `to`.
inline void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
        text.replace(at, from.size(), to);
}

}  // namespace mx3pid::fuzz
