#pragma once
// Country calling codes for the handful of countries mx3pid knows: the international (E.164 without
// '+') form of a national number, as identity servers and homeservers store it, and back.
#include <optional>
#include <string>
#include <string_view>

namespace mx3pid::spec {

/// The calling code of an ISO 3166-1 alpha-2 country ("GB" → "44"); nothing for one not in the table.
std::optional<std::string_view> calling_code(std::string_view country);

/// The international form of a phone number given with its country: a leading '+' is dropped, a
/// national trunk '0' removed where the country dials without it from abroad; a country not in the
/// table keeps the number as given.
std::string international_msisdn(std::string_view country, std::string_view phone_number);

struct NationalNumber {
    std::string country;       ///< "GB"
    std::string phone_number;  ///< the national significant number, "7700900002"
};

/// The country and national number of an international form ("447700900002"); "1…" is read as US.
/// Nothing when no calling code in the table begins it or no digits are left after it.
std::optional<NationalNumber> split_international(std::string_view digits);

}  // namespace mx3pid::spec
