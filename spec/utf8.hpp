#pragma once
// UTF-8, as Matrix JSON must be: decoding that tells exactly which bytes are ill-formed.
#include <cstddef>
#include <string>
#include <string_view>

namespace mx3pid::spec {

struct Utf8Char {
    char32_t code_point;  ///< meaningful only when valid
    std::size_t length;   ///< bytes consumed: the character, or the ill-formed subsequence
    bool valid;
};

/// The character starting at byte `at` (which must be inside `text`).
Utf8Char decode_utf8(std::string_view text, std::size_t at);

bool is_valid_utf8(std::string_view text);

/// Valid UTF-8: each maximal ill-formed subsequence (stray continuation byte, overlong form,
/// surrogate, value above U+10FFFF, truncated sequence) becomes one U+FFFD.
std::string repair_utf8(std::string_view text);

}  // namespace mx3pid::spec
