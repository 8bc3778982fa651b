#include "spec/utf8.hpp"

namespace mx3pid::spec {
namespace {

bool in(unsigned char byte, unsigned char low, unsigned char high) { return byte >= low && byte <= high; }

}  // namespace

// Follows the Unicode "maximal subpart" practice (Unicode §3.9, table 3-7): the bytes consumed by an
// ill-formed sequence stop at the first byte that cannot continue it, and that byte starts afresh.
Utf8Char decode_utf8(std::string_view text, std::size_t at) {
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

bool is_valid_utf8(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = decode_utf8(text, at);
        if (!decoded.valid) return false;
        at += decoded.length;
    }
    return true;
}

std::string repair_utf8(std::string_view text) {
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = decode_utf8(text, at);
        if (decoded.valid)
            out.append(text.substr(at, decoded.length));
        else
            out.append(replacement);
        at += decoded.length;
    }
    return out;
}

}  // namespace mx3pid::spec
