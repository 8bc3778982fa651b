#include "reports/detail/text.hpp"

#include <cstdint>

namespace mx3pid::reports::detail {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

struct Decoded {
    char32_t code_point;  ///< meaningful only when valid
    std::size_t length;   ///< bytes consumed: the character, or the ill-formed subsequence
    bool valid;
};

bool in(unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; }

// Follows the Unicode "maximal subpart" practice (Unicode §3.9, table 3-7): the bytes consumed by an
// ill-formed sequence stop at the first byte that cannot continue it, and that byte starts afresh.
Decoded decode(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) return {lead, 1, true};

    std::size_t length = 0;
    unsigned char second_low = 0x80, second_high = 0xBF;
    char32_t code_point = 0;
    if (in(lead, 0xC2, 0xDF)) {
        length = 2;
        code_point = lead & 0x1F;
    } else if (in(lead, 0xE0, 0xEF)) {
        length = 3;
        code_point = lead & 0x0F;
        if (lead == 0xE0) second_low = 0xA0;   // overlong
        if (lead == 0xED) second_high = 0x9F;  // surrogates
    } else if (in(lead, 0xF0, 0xF4)) {
        length = 4;
        code_point = lead & 0x07;
        if (lead == 0xF0) second_low = 0x90;   // overlong
        if (lead == 0xF4) second_high = 0x8F;  // above U+10FFFF
    } else {
        return {0, 1, false};  // continuation byte, C0/C1 (overlong two-byte) or F5..FF
    }

    for (std::size_t i = 1; i < length; ++i) {
        if (at + i >= text.size()) return {0, i, false};
        const auto byte = static_cast<unsigned char>(text[at + i]);
        const bool fits = i == 1 ? in(byte, second_low, second_high) : in(byte, 0x80, 0xBF);
        if (!fits) return {0, i, false};
        code_point = (code_point << 6) | (byte & 0x3F);
    }
    return {code_point, length, true};
}

void append_hex(std::string& out, std::uint32_t value, int digits, bool upper) {
    const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += alphabet[(value >> shift) & 0xF];
}

bool needs_escape(char32_t c) {
    if (c < 0x20) return c != '\t' && c != '\n';
    return c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = decode(text, at);
        if (decoded.valid)
            out.append(text.substr(at, decoded.length));
        else
            out.append(replacement);
        at += decoded.length;
    }
    return out;
}

std::string visible_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = decode(text, at);
        if (text.substr(at, 2) == "\r\n") {
            out += '\n';
            at += 2;
            continue;
        }
        if (!decoded.valid) {
            out.append(replacement);
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
