#include "spec/fields.hpp"

#include <fnmatch.h>

#include <string>

#include "spec/utf8.hpp"

namespace mx3pid::spec {
namespace {

bool ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool one_of(char32_t c, std::string_view set) { return c < 0x80 && set.find(static_cast<char>(c)) != std::string_view::npos; }

// client_secret (and sid): "[0-9a-zA-Z.=_-]".
bool opaque_id_character(char32_t c) { return ascii_letter(c) || ascii_digit(c) || one_of(c, ".=_-"); }

// country: "two-letter uppercase".
bool upper_case_letter(char32_t c) { return c >= 'A' && c <= 'Z'; }

// id_server: a host name with an optional port, as the server-name grammar of the appendices spells
// a host (dns-char, IPv4 digits and dots, an IPv6 literal in brackets) and its port.
bool hostname_character(char32_t c) { return ascii_letter(c) || ascii_digit(c) || one_of(c, "-.:[]"); }

// next_link (format uri, RFC 3986): unreserved, reserved and '%'.
bool uri_character(char32_t c) { return ascii_letter(c) || ascii_digit(c) || one_of(c, "-._~:/?#[]@!$&'()*+,;=%"); }

// email (format email: an RFC 5321 Mailbox, its local part a dot-atom): atext, '.', '@'; and, since
// the appendices case-fold "Strauß@Example.com", the characters of an internationalised address
// (RFC 6531) too: any beyond ASCII but C1 controls, line and paragraph separators and zero-width ones.
bool email_character(char32_t c) {
    if (c >= 0xA0) return c != 0x2028 && c != 0x2029 && !(c >= 0x200B && c <= 0x200D) && c != 0xFEFF;
    return ascii_letter(c) || ascii_digit(c) || one_of(c, "!#$%&'*+/=?^_`{|}~.@-");
}

bool uri_shape(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
    if (!ascii_letter(static_cast<unsigned char>(text[0]))) return false;
    for (char c : text.substr(0, colon))
        if (!ascii_letter(static_cast<unsigned char>(c)) && !ascii_digit(static_cast<unsigned char>(c)) && c != '+' && c != '.' && c != '-')
            return false;
    return true;
}

bool email_shape(std::string_view text) {
    auto at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) return false;
    auto domain = text.substr(at + 1);
    auto dot = domain.find('.');
    return !domain.empty() && dot != 0 && dot != std::string_view::npos && domain.back() != '.';
}

const Grammar opaque_id{"[0-9a-zA-Z.=_-]{1,255}", opaque_id_character, 1, 255};
const Grammar country{"[A-Z]{2}: a two-letter upper-case country code", upper_case_letter, 2, 2};
const Grammar hostname{"hostname [\":\" port]: a host name, optionally with a port", hostname_character, 1, 0};
const Grammar uri{"an absolute URI (RFC 3986): scheme \":\" and URI characters", uri_character, 1, 0, uri_shape};
const Grammar email{"an email address (RFC 5321 Mailbox, RFC 6531 characters): local part \"@\" domain", email_character, 0, 0,
                    email_shape};

using S = std::vector<std::string_view>;

std::vector<Field> make_fields() {
    const char* no_address_grammar_email =
        "no grammar: 'the email address to validate'; from v1.14 the schema format 'email' gives one";
    return {
        {.name = "body", .endpoints = {"*"}, .editions = "*", .type = JsonType::object,
         .no_grammar = "a JSON text (RFC 8259) encoded as UTF-8 whose value is an object; no grammar of its own",
         .sentences = {.presence = S{"cs.request.body.required"},
                       .type = S{"cs.request.body.object", "cs.api.request_object", "cs.api.json_baseline"},
                       .characters = S{"cs.api.json_baseline", "cs.api.utf8*"}}},
        {.name = "client_secret", .endpoints = {"register/email"}, .editions = "< r0.4.0",
         .no_grammar = "no grammar: r0.3.0 types it a string and gives it neither a grammar nor a length limit",
         .sentences = {.presence = S{"cs.request.client_secret.required.r0_3"}, .type = S{"cs.request.client_secret.type.r0_3"}}},
        {.name = "client_secret", .endpoints = {"*"}, .editions = ">= r0.4.0", .grammar = &opaque_id,
         .sentences = {.presence = S{"cs.request.client_secret.required"},
                       .type = S{"cs.request.client_secret.type"},
                       .characters = S{"cs.request.client_secret.grammar"},
                       .min_length = S{"cs.request.client_secret.not_empty"},
                       .max_length = S{"cs.request.client_secret.max_length"}}},
        {.name = "email", .endpoints = {"register/email"}, .editions = "< r0.4.0", .no_grammar = no_address_grammar_email,
         .sentences = {.presence = S{"cs.request.email.required.r0_3"}, .type = S{"cs.request.email.type.r0_3"}}},
        {.name = "email", .endpoints = {"*/email"}, .editions = ">= r0.4.0 < v1.14", .no_grammar = no_address_grammar_email,
         .sentences = {.presence = S{"cs.request.email.required"},
                       .type = S{"cs.request.email.type"},
                       .characters = S{"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode"}}},
        {.name = "email", .endpoints = {"*/email"}, .editions = ">= v1.14", .grammar = &email,
         .sentences = {.presence = S{"cs.request.email.required"},
                       .type = S{"cs.request.email.type"},
                       .characters = S{"cs.request.email.format", "cs.request.address.refuse_malformed*",
                                       "cs.3pid.invalid_address.errcode"}}},
        {.name = "country", .endpoints = {"*/msisdn"}, .editions = "*", .grammar = &country,
         .sentences = {.presence = S{"cs.request.country.required"},
                       .type = S{"cs.request.country.type"},
                       .characters = S{"cs.request.country.form*"},
                       .min_length = S{"cs.request.country.form*"},
                       .max_length = S{"cs.request.country.form*"}}},
        {.name = "phone_number", .endpoints = {"*/msisdn"}, .editions = "*",
         .no_grammar = "no grammar: 'the phone number to validate', read as dialled from within country",
         .sentences = {.presence = S{"cs.request.phone_number.required"},
                       .type = S{"cs.request.phone_number.type"},
                       .characters = S{"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode"}}},
        {.name = "send_attempt", .endpoints = {"register/email"}, .editions = "< r0.4.0", .type = JsonType::number,
         .no_grammar = "no grammar: a number (r0.3.0 does not yet say integer), with no range given",
         .sentences = {.presence = S{"cs.request.send_attempt.required.r0_3"}, .type = S{"cs.request.send_attempt.type.r0_3"}}},
        {.name = "send_attempt", .endpoints = {"*"}, .editions = ">= r0.4.0", .type = JsonType::integer,
         .no_grammar = "no grammar: an integer, with no range given",
         .sentences = {.presence = S{"cs.request.send_attempt.required"}, .type = S{"cs.request.send_attempt.type"}}},
        {.name = "next_link", .endpoints = {"*"}, .editions = "< v1.14", .presence = Presence::optional,
         .no_grammar = "no grammar: a URL the user is redirected to; the schema format 'uri' comes in v1.14",
         .sentences = {.presence = S{"cs.request.next_link.optional"}, .type = S{"cs.request.next_link.type"}}},
        {.name = "next_link", .endpoints = {"*"}, .editions = ">= v1.14", .presence = Presence::optional, .grammar = &uri,
         .sentences = {.presence = S{"cs.request.next_link.optional"},
                       .type = S{"cs.request.next_link.type"},
                       .characters = S{"cs.request.next_link.format"}}},
        {.name = "id_server", .endpoints = {"*"}, .editions = "< r0.5.0", .grammar = &hostname, .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_server.required"},
                       .type = S{"cs.request.id_server.type*"},
                       .characters = S{"cs.request.id_server.target.r0_4"}}},
        {.name = "id_server", .endpoints = {"*"}, .editions = ">= r0.5.0 < r0.6.0", .presence = Presence::required_when_proxying,
         .grammar = &hostname, .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_server.required", "cs.request.id_server.ignored.r0_5"},
                       .type = S{"cs.request.id_server.type*"},
                       .characters = S{"cs.request.id_server.hostname*"}}},
        {.name = "id_server", .endpoints = {"register/*", "3pid/*", "password/email"}, .editions = ">= r0.6.0 < v1.1",
         .presence = Presence::optional, .grammar = &hostname, .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_server.optional*"},
                       .type = S{"cs.request.id_server.type*"},
                       .characters = S{"cs.request.id_server.hostname*"}}},
        {.name = "id_server", .endpoints = {"*"}, .editions = ">= v1.1", .presence = Presence::optional, .grammar = &hostname,
         .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_server.optional*"},
                       .type = S{"cs.request.id_server.type*"},
                       .characters = S{"cs.request.id_server.hostname*"}}},
        {.name = "id_access_token", .endpoints = {"register/*", "3pid/*", "password/email"}, .editions = ">= r0.6.0 < v1.1",
         .presence = Presence::optional,
         .no_grammar = "no grammar: an access token the client registered with the identity server, opaque to the homeserver",
         .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_access_token.with_id_server*"}, .type = S{"cs.request.id_access_token.type*"}}},
        {.name = "id_access_token", .endpoints = {"*"}, .editions = ">= v1.1", .presence = Presence::optional,
         .no_grammar = "no grammar: an access token the client registered with the identity server, opaque to the homeserver",
         .read_only_by_proxies = true,
         .sentences = {.presence = S{"cs.request.id_access_token.with_id_server*"}, .type = S{"cs.request.id_access_token.type*"}}},
    };
}

}  // namespace

std::string_view to_string(JsonType type) {
    switch (type) {
        case JsonType::null: return "null";
        case JsonType::boolean: return "boolean";
        case JsonType::integer: return "integer";
        case JsonType::number: return "number";
        case JsonType::string: return "string";
        case JsonType::array: return "array";
        case JsonType::object: return "object";
    }
    return "?";
}

bool Grammar::fits(std::string_view utf8) const {
    std::size_t length = 0;
    for (std::size_t at = 0; at < utf8.size(); ++length) {
        const auto decoded = decode_utf8(utf8, at);
        if (!decoded.valid || !allows(decoded.code_point)) return false;
        at += decoded.length;
    }
    if (length < min_length || (max_length != 0 && length > max_length)) return false;
    return !shaped || shaped(utf8);
}

bool Field::holds_in(const Edition& edition) const { return EditionRange::parse(editions)->contains(edition); }

bool Field::applies_to(const Endpoint& endpoint) const {
    const std::string key(endpoint.key);
    for (auto glob : endpoints)
        if (fnmatch(std::string(glob).c_str(), key.c_str(), 0) == 0) return true;
    return false;
}

const std::vector<Field>& fields() {
    static const std::vector<Field> all = make_fields();
    return all;
}

const Field* find_field(std::string_view name, const Endpoint& endpoint, const Edition& edition) {
    for (const auto& field : fields())
        if (field.name == name && field.holds_in(edition) && field.applies_to(endpoint)) return &field;
    return nullptr;
}

const Grammar& opaque_id_grammar() { return opaque_id; }
const Grammar& country_grammar() { return country; }
const Grammar& hostname_grammar() { return hostname; }
const Grammar& uri_grammar() { return uri; }
const Grammar& email_grammar() { return email; }

}  // namespace mx3pid::spec
