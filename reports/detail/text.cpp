#include "reports/detail/text.hpp"

#include "spec/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace mx3pid::reports::detail {
namespace {

void append_hex(std::string& out, std::uint32_t value, int digits, bool upper) {
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += alphabet[(value >> shift) & 0xF];
}

bool needs_escape(char32_t c) {
    if (c < 0x20) return c != '\t' && c != '\n';
    return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

void append_bytes_escaped(std::string& out, std::string_view bytes) {
    for (const char byte : bytes) {
        out += "\\x";
        append_hex(out, static_cast<unsigned char>(byte), 2, false);
    }
}

}  // namespace

std::string valid_utf8(std::string_view text) {
    // Most bodies are ASCII, which is UTF-8 as it stands.
    if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = spec::decode_utf8(text, at);
        if (decoded.valid)
            out.append(text.substr(at, decoded.length));
        else
            append_bytes_escaped(out, text.substr(at, decoded.length));
        at += decoded.length;
    }
    return out;
}

std::string visible_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = spec::decode_utf8(text, at);
        if (text.substr(at, 2) == "\r\n") {
            out += '\n';
            at += 2;
            continue;
        }
        if (!decoded.valid) {
            append_bytes_escaped(out, text.substr(at, decoded.length));
        } else if (!needs_escape(decoded.code_point)) {
            out.append(text.substr(at, decoded.length));
        } else if (decoded.code_point == '\r') {
            out += "\\r";
        } else if (decoded.code_point < 0x80) {
            out += "\\x";
            append_hex(out, decoded.code_point, 2, false);
        } else {
            out += "\\u";
            append_hex(out, decoded.code_point, 4, true);
        }
        at += decoded.length;
    }
    return out;
}

std::string one_line(std::string_view text, std::size_t max_chars) {
    // Whitespace bytes are never part of a multi-byte character, so they can be folded before the
    // text is validated; folding first keeps a line break from turning into a visible "\r".
    std::string folded;
    folded.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        if (!is_space(text[at])) {
            folded += text[at++];
            continue;
        }
        std::size_t end = at;
        bool breaks = false;
        while (end < text.size() && is_space(text[end])) breaks |= text[end++] != ' ';
        if (breaks)
            folded += ' ';
        else
            folded.append(text, at, end - at);
        at = end;
    }
    std::string flat = visible_text(folded);

    const auto first = flat.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    flat = flat.substr(first, flat.find_last_not_of(' ') - first + 1);

    // `flat` is valid UTF-8, so code points are counted by their lead bytes.
    std::size_t chars = 0;
    for (std::size_t at = 0; at < flat.size(); ++at) {
        if ((static_cast<unsigned char>(flat[at]) & 0xC0) == 0x80) continue;
        if (chars++ == max_chars) {
            flat.resize(at);
            while (!flat.empty() && flat.back() == ' ') flat.pop_back();
            return flat + "\xE2\x80\xA6";
        }
    }
    return flat;
}

std::size_t display_width(std::string_view text) {
    std::size_t width = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
    return width;
}

namespace {

/// The byte offset after `columns` characters of `text` (valid UTF-8), or its size.
std::size_t offset_of_column(std::string_view text, std::size_t columns) {
    std::size_t seen = 0;
    for (std::size_t at = 0; at < text.size(); ++at) {
        if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;
        if (seen++ == columns) return at;
    }
    return text.size();
}

}  // namespace

std::string cut_at_word(std::string_view text, std::size_t columns) {
    if (display_width(text) <= columns) return std::string(text);
    if (columns == 0) return {};
    auto end = offset_of_column(text, columns - 1);
    const auto space = text.rfind(' ', end);
    if (space != std::string::npos && space >= offset_of_column(text, (columns - 1) / 2)) end = space;
    auto kept = std::string(text.substr(0, end));
    while (!kept.empty() && kept.back() == ' ') kept.pop_back();
    return kept + "\u2026";
}

std::string cap_bytes(std::string_view body, std::size_t limit) {
    if (body.size() <= limit) return std::string(body);
    std::size_t cut = limit;
    // Step back over at most three continuation bytes so a character is not split.
    for (int step = 0; step < 3 && cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80; ++step) --cut;
    std::string out(body.substr(0, cut));
    const auto dropped = body.size() - cut;
    out += "[\xE2\x80\xA6 " + std::to_string(dropped) + (dropped == 1 ? " byte cut]" : " bytes cut]");
    return out;
}

}  // namespace mx3pid::reports::detail
