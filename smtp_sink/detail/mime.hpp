#pragma once
// A best-effort RFC 5322 / MIME reader: headers, then the first text/plain and text/html parts.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mx3pid::smtp_sink::detail {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ParsedMessage {
    HeaderList headers;     ///< the top-level headers in order, values unfolded and trimmed, not decoded
    std::string subject;    ///< RFC 2047 decoded
    std::string text_body;  ///< the first text/plain part, decoded to UTF-8, line ends as "\n"
    std::string html_body;  ///< the first text/html part, likewise
};

inline constexpr int max_mime_depth = 16;
inline constexpr int max_mime_parts = 512;

/// Never fails: malformed structure gives whatever could be read. The work is linear in the input
/// size times max_mime_depth.
ParsedMessage parse_message(std::string_view raw);

struct ContentType {
    std::string type = "text/plain";  ///< lower case "type/subtype"
    std::string boundary;
    std::string charset;  ///< lower case
};

/// Reads a Content-Type value: "type/subtype" then ";"-separated parameters, quoted or not.
ContentType parse_content_type(std::string_view value);

/// Splits `text` into its header section (unfolded) and the offset where the body starts.
HeaderList parse_headers(std::string_view text, std::size_t& body_start);

}  // namespace mx3pid::smtp_sink::detail
