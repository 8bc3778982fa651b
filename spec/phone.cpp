#include "spec/phone.hpp"

#include <algorithm>
#include <array>

namespace mx3pid::spec {
namespace {

// Calling code, and whether the national trunk prefix '0' is dropped when dialling from abroad.
struct CallingCode {
    std::string_view country;
    std::string_view code;
    bool drops_trunk_zero;
};

// US before CA: "1…" splits to the first country with the code.
constexpr std::array<CallingCode, 26> calling_codes{{
    {"AT", "43", true},  {"AU", "61", true},  {"BE", "32", true},   {"BR", "55", true},  {"US", "1", false},
    {"CH", "41", true},  {"CN", "86", true},  {"DE", "49", true},   {"DK", "45", false}, {"ES", "34", false},
    {"FI", "358", true}, {"FR", "33", true},  {"GB", "44", true},   {"IE", "353", true}, {"IN", "91", true},
    {"IT", "39", false}, {"JP", "81", true},  {"MX", "52", false},  {"NL", "31", true},  {"NO", "47", false},
    {"NZ", "64", true},  {"PL", "48", false}, {"PT", "351", false}, {"SE", "46", true},  {"CA", "1", false},
    {"ZA", "27", true},
}};

const CallingCode* find_country(std::string_view country) {
    auto entry = std::find_if(calling_codes.begin(), calling_codes.end(),
                              [&](const CallingCode& code) { return code.country == country; });
    return entry == calling_codes.end() ? nullptr : &*entry;
}

}  // namespace

std::optional<std::string_view> calling_code(std::string_view country) {
    if (const auto* entry = find_country(country)) return entry->code;
    return std::nullopt;
}

std::string international_msisdn(std::string_view country, std::string_view phone_number) {
    if (!phone_number.empty() && phone_number.front() == '+') return std::string(phone_number.substr(1));
    const auto* entry = find_country(country);
    if (!entry) return std::string(phone_number);
    if (entry->code == "1" && phone_number.size() == 11 && phone_number.front() == '1') return std::string(phone_number);
    std::string_view national = phone_number;
    if (entry->drops_trunk_zero && national.size() > 1 && national.front() == '0') national.remove_prefix(1);
    return std::string(entry->code) + std::string(national);
}

std::optional<NationalNumber> split_international(std::string_view digits) {
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    for (const auto& entry : calling_codes)
        if (digits.size() > entry.code.size() && digits.substr(0, entry.code.size()) == entry.code)
            return NationalNumber{std::string(entry.country), std::string(digits.substr(entry.code.size()))};
    return std::nullopt;
}

}  // namespace mx3pid::spec
