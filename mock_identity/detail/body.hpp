#pragma once
// Decoding what a client sent (a JSON body, a form body or a query string) into one JSON value.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "net/message.hpp"

namespace mx3pid::mock_identity::detail {

enum class BodyKind {
    json,   ///< a JSON body; value is null when it did not parse
    form,   ///< an application/x-www-form-urlencoded body; value is an object of strings
    query,  ///< a GET request: value is its query as an object of strings
};

struct Body {
    BodyKind kind = BodyKind::json;
    nlohmann::json value;  ///< null if absent or unparseable
    bool parsed = false;   ///< false: the body was empty, not JSON, or nested too deeply
};

inline constexpr int max_json_depth = 64;
inline constexpr std::string_view form_media_type = "application/x-www-form-urlencoded";

/// The Content-Type's media type, lower case and without blanks or parameters; empty when there is none.
std::string media_type(const net::Request& request);

Body read_body(const net::Request& request);

/// An object of strings from form or query text; the first of repeated names wins, invalid UTF-8 is replaced.
nlohmann::json form_object(std::string_view encoded);

}  // namespace mx3pid::mock_identity::detail
