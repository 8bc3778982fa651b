#pragma once
// Content decoders for mail: transfer encodings, RFC 2047 encoded-words, charsets. All are total:
// any input gives some output, in time linear in the input.
#include <string>
#include <string_view>

namespace mx3pid::smtp_sink::detail {

/// Skips anything outside the base64 alphabet (line breaks, spaces, junk) and stops at the first '='.
std::string decode_base64(std::string_view text);

/// Soft line breaks ("=" at the end of a line, trailing blanks allowed) are removed and "=XX" decoded;
/// an "=" not followed by two hex digits is kept as it is.
std::string decode_quoted_printable(std::string_view text);

/// Converts text in `charset` to UTF-8. UTF-8 and US-ASCII pass through (as do charsets not known
/// here); ISO-8859-1 and Windows-1252 are converted.
std::string to_utf8(std::string_view bytes, std::string_view charset);

/// Decodes the RFC 2047 encoded-words (=?charset?B|Q?text?=) in a header value, dropping the blanks
/// between two adjacent encoded-words. Malformed encoded-words are left as they are.
std::string decode_header_words(std::string_view value);

/// ASCII lower case.
std::string lower(std::string_view text);

}  // namespace mx3pid::smtp_sink::detail
