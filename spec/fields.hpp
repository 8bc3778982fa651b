#pragma once
// The request fields of the six requestToken endpoints as the spec defines them, written down once:
// each field's JSON type, whether the body must carry it, its grammar (or why it has none), the
// editions and endpoints where that definition holds, and the catalogue sentences
// (cases/sentences/) that say so. The reference homeserver and the judge check values with these
// grammars; suite/derive derives its negative and boundary inputs from them.
#include <cstddef>
#include <string_view>
#include <vector>

#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::spec {

enum class JsonType { null, boolean, integer, number, string, array, object };

/// "null", "boolean", "integer", "number", "string", "array", "object": as a schema writes it.
std::string_view to_string(JsonType type);

/// A grammar over the characters of a string: which code points it allows, how many of them, and
/// for a value with a structure (a URI, an email address) what that structure is.
struct Grammar {
    std::string_view written;  ///< as the spec writes it, or what it refers to: "[0-9a-zA-Z.=_-]{1,255}"
    bool (*allows)(char32_t code_point) = nullptr;
    std::size_t min_length = 0;  ///< in code points
    std::size_t max_length = 0;  ///< in code points; 0: no limit
    /// Beyond the characters: the value's structure (a URI's scheme, an address's '@'); null: none.
    bool (*shaped)(std::string_view utf8) = nullptr;

    /// Valid UTF-8 whose every code point the grammar allows, within its lengths and of its shape.
    bool fits(std::string_view utf8) const;
    /// The length is fixed (min == max): a derived character replaces one instead of joining them.
    bool fixed_length() const { return max_length != 0 && min_length == max_length; }
};

/// Whether the body must carry a field.
enum class Presence {
    required,
    optional,
    /// required only of a request to a server that forwards to the identity server it names (r0.5.0 id_server)
    required_when_proxying,
};

/// The catalogue sentences (IDs or globs) each aspect of a field's definition rests on.
struct FieldSentences {
    std::vector<std::string_view> presence = {};    ///< that it is required, or optional
    std::vector<std::string_view> type = {};        ///< its JSON type
    std::vector<std::string_view> characters = {};  ///< which characters (and shape) its grammar allows
    std::vector<std::string_view> min_length = {};  ///< its shortest value (an empty one)
    std::vector<std::string_view> max_length = {};  ///< its longest value
};

/// One definition of a request field, holding in some editions on some endpoints.
struct Field {
    std::string_view name = {};                    ///< the JSON key; "body" for the request body itself
    std::vector<std::string_view> endpoints = {};  ///< globs over endpoint keys
    std::string_view editions = "*";               ///< an EditionRange
    JsonType type = JsonType::string;
    Presence presence = Presence::required;
    const Grammar* grammar = nullptr;  ///< null: the field has none
    std::string_view no_grammar = {};       ///< when it has none: what the spec says of its values instead
    /// A request carrying it is judged only against a server that forwards to the identity server
    /// the request names (id_server, id_access_token); a server validating itself ignores it.
    bool read_only_by_proxies = false;
    FieldSentences sentences = {};

    bool holds_in(const Edition& edition) const;
    bool applies_to(const Endpoint& endpoint) const;
};

/// Every field definition, in the order a body lists them: body, client_secret, the address
/// fields, send_attempt, next_link, id_server, id_access_token.
const std::vector<Field>& fields();

/// The definition of `name` that holds for `endpoint` in `edition`; null when the field is not
/// defined there (id_access_token before r0.6.0, email on an msisdn endpoint).
const Field* find_field(std::string_view name, const Endpoint& endpoint, const Edition& edition);

/// The grammars, by what they are the grammar of.
const Grammar& opaque_id_grammar();  ///< client_secret, and the 200's sid
const Grammar& country_grammar();    ///< country
const Grammar& hostname_grammar();   ///< id_server
const Grammar& uri_grammar();        ///< next_link from v1.14 (format uri)
const Grammar& email_grammar();      ///< email from v1.14 (format email)

}  // namespace mx3pid::spec
