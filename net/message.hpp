#pragma once
// Plain HTTP messages, free of Beast, so that only net's own sources compile Beast.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mx3pid::net {

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

/// The value of the first header called `name` (compared without case), if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Request {
    std::string method = "GET";
    std::string target = "/";  ///< path and query, as sent on the request line
    Headers headers;
    std::string body;
    std::string peer;  ///< "address:port" of the remote end (server side only)

    std::string path() const;   ///< target up to '?', percent-decoding left to the caller
    std::string query() const;  ///< target after '?', or empty
    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    int version = 11;  ///< 10 or 11, as the peer spoke it

    std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }

    static Response json(int status, std::string body);
    static Response text(int status, std::string body);
};

/// Decodes an application/x-www-form-urlencoded string or URL query into pairs, in order.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view encoded);
std::string percent_encode(std::string_view raw);
std::string percent_decode(std::string_view encoded);

}  // namespace mx3pid::net
