#include "smtp_sink/detail/codec.hpp"

#include <array>
#include <cstdint>

namespace mx3pid::smtp_sink::detail {
namespace {

int base64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;  // '-' and '_': the URL-safe alphabet, seen in the wild
    if (c == '/' || c == '_') return 63;
    return -1;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

// Windows-1252 0x80..0x9F; 0 marks the five unassigned bytes, which are taken as Latin-1 controls.
constexpr std::array<std::uint16_t, 32> cp1252_high = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/// "=?charset?encoding?text?=" starting at `at`; on success sets the decoded text and the end.
bool decode_word(std::string_view value, std::size_t at, std::string& decoded, std::size_t& end) {
    // RFC 2047 allows 75 characters; the window is wider for lenience and keeps the work linear.
    auto word = value.substr(at, 256);
    if (word.substr(0, 2) != "=?") return false;
    auto q1 = word.find('?', 2);
    if (q1 == std::string_view::npos || q1 + 2 >= word.size() || word[q1 + 2] != '?') return false;
    auto close = word.find("?=", q1 + 3);
    if (close == std::string_view::npos) return false;
    auto charset = word.substr(2, q1 - 2);
    if (charset.empty() || charset.find_first_of(" \t") != std::string_view::npos) return false;
    charset = charset.substr(0, charset.find('*'));  // RFC 2231 language suffix
    auto text = word.substr(q1 + 3, close - q1 - 3);
    if (text.find_first_of(" \t") != std::string_view::npos) return false;
    char encoding = word[q1 + 1];
    std::string bytes;
    if (encoding == 'B' || encoding == 'b') {
        bytes = decode_base64(text);
    } else if (encoding == 'Q' || encoding == 'q') {
        std::string underscores_as_spaces(text);
        for (auto& c : underscores_as_spaces)
            if (c == '_') c = ' ';
        bytes = decode_quoted_printable(underscores_as_spaces);
    } else {
        return false;
    }
    decoded = to_utf8(bytes, charset);
    end = at + close + 2;
    return true;
}

}  // namespace

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string decode_base64(std::string_view text) {
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t bits = 0;
    int count = 0;
    for (unsigned char c : text) {
        if (c == '=') break;
        int value = base64_value(c);
        if (value < 0) continue;
        bits = (bits << 6) | static_cast<std::uint32_t>(value);
        if (++count == 4) {
            out += static_cast<char>((bits >> 16) & 0xFF);
            out += static_cast<char>((bits >> 8) & 0xFF);
            out += static_cast<char>(bits & 0xFF);
            bits = 0;
            count = 0;
        }
    }
    if (count == 2) {
        out += static_cast<char>((bits >> 4) & 0xFF);
    } else if (count == 3) {
        out += static_cast<char>((bits >> 10) & 0xFF);
        out += static_cast<char>((bits >> 2) & 0xFF);
    }
    return out;
}

std::string decode_quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '=') {
            out += c;
            continue;
        }
        if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
            continue;
        }
        // A soft line break: "=", optional blanks, then CRLF, LF or the end of the text.
        std::size_t j = i + 1;
        while (j < text.size() && (text[j] == ' ' || text[j] == '\t')) ++j;
        if (j == text.size()) {
            i = j - 1;
        } else if (text[j] == '\n') {
            i = j;
        } else if (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') {
            i = j + 1;
        } else {
            out += c;
        }
    }
    return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset) {
    auto name = lower(charset);
    bool latin1 = name == "iso-8859-1" || name == "iso8859-1" || name == "latin1" || name == "latin-1" ||
                  name == "iso-8859-15" || name == "l1";
    bool cp1252 = name == "windows-1252" || name == "cp1252";
    if (!latin1 && !cp1252) return std::string(bytes);
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (unsigned char c : bytes) {
        std::uint32_t code_point = c;
        if (cp1252 && c >= 0x80 && c < 0xA0 && cp1252_high[c - 0x80] != 0) code_point = cp1252_high[c - 0x80];
        append_utf8(out, code_point);
    }
    return out;
}

std::string decode_header_words(std::string_view value) {
    std::string out;
    std::size_t i = 0;
    std::size_t pending_blank_start = std::string_view::npos;  // blanks after an encoded-word, held back
    while (i < value.size()) {
        std::string decoded;
        std::size_t end = 0;
        if (value[i] == '=' && decode_word(value, i, decoded, end)) {
            pending_blank_start = std::string_view::npos;
            out += decoded;
            i = end;
            std::size_t j = i;
            while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
            if (j > i && j < value.size() && value.compare(j, 2, "=?") == 0) {
                pending_blank_start = i;
                i = j;
            }
            continue;
        }
        if (pending_blank_start != std::string_view::npos) {
            // The next "=?" was not an encoded-word after all: the blanks stay.
            out.append(value.substr(pending_blank_start, i - pending_blank_start));
            pending_blank_start = std::string_view::npos;
        }
        out += value[i];
        ++i;
    }
    return out;
}

}  // namespace mx3pid::smtp_sink::detail
