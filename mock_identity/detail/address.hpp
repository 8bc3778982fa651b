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

}  // namespace mx3pid::mock_identity::detail
