#pragma once
#include <string>
#include <string_view>

namespace mx3pid::spec {

/// The opaque-identifier grammar shared by client_secret and sid: 1–255 characters of
/// [0-9a-zA-Z.=_-] (requestToken-facts §5, r0.4.0 onwards).
bool is_opaque_id(std::string_view text);

inline bool is_valid_client_secret(std::string_view text) { return is_opaque_id(text); }
inline bool is_valid_sid(std::string_view text) { return is_opaque_id(text); }

/// Two upper-case ASCII letters (the r0.4.0 wording of `country`; ISO 3166-1 alpha-2 from r0.6.0).
bool is_country_code(std::string_view text);

/// A plausible email address: one '@', a non-empty local part, a dotted domain, no spaces or controls.
bool is_plausible_email(std::string_view text);

/// A plausible national phone number: 1–20 digits, optionally with spaces or dashes between them.
bool is_plausible_phone_number(std::string_view text);

/// An absolute URI as a schema's `uri` format reads it: a scheme (a letter, then letters, digits,
/// '+', '.', '-'), ':', something after it, and no space, quote or angle bracket anywhere.
bool is_absolute_uri(std::string_view text);

/// `text` with ASCII letters in lower case: how addresses are compared (homeserver-interop.md).
std::string ascii_lower(std::string_view text);

/// The digits of a phone number, without spaces, dashes or a leading '+'.
std::string phone_digits(std::string_view text);

}  // namespace mx3pid::spec
