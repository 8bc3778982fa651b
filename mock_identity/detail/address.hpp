#pragma once
// Checks and normal forms for what arrives in identity-service request bodies.
#include <optional>
#include <string>
#include <string_view>

namespace mx3pid::mock_identity::detail {

/// The trimmed, ASCII-lower-cased address if it looks like local@domain; nothing otherwise.
std::optional<std::string> normalise_email(std::string_view email);

/// The phone number with spaces and dashes removed: an optional leading '+' then 1-20 digits.
std::optional<std::string> normalise_phone_number(std::string_view phone_number);

/// The international (E.164-style, no '+') form of a normalised phone number, as an identity server
/// reports it; national numbers are converted for a handful of common countries, others kept as given.
std::string international_msisdn(std::string_view country, std::string_view phone_number);

}  // namespace mx3pid::mock_identity::detail
