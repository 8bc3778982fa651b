#include "mock_identity/detail/address.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace mx3pid::mock_identity::detail {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

// Calling code, and whether the national trunk prefix '0' is dropped when dialling from abroad.
struct CallingCode {
    std::string_view country;
    std::string_view code;
    bool drops_trunk_zero;
};

constexpr std::array<CallingCode, 26> calling_codes{{
    {"AT", "43", true},  {"AU", "61", true},  {"BE", "32", true},   {"BR", "55", true},  {"CA", "1", false},
    {"CH", "41", true},  {"CN", "86", true},  {"DE", "49", true},   {"DK", "45", false}, {"ES", "34", false},
    {"FI", "358", true}, {"FR", "33", true},  {"GB", "44", true},   {"IE", "353", true}, {"IN", "91", true},
    {"IT", "39", false}, {"JP", "81", true},  {"MX", "52", false},  {"NL", "31", true},  {"NO", "47", false},
    {"NZ", "64", true},  {"PL", "48", false}, {"PT", "351", false}, {"SE", "46", true},  {"US", "1", false},
    {"ZA", "27", true},
}};

}  // namespace

std::optional<std::string> normalise_email(std::string_view email) {
    email = trim(email);
    if (email.size() > 320) return std::nullopt;
    auto at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == email.size()) return std::nullopt;
    if (email.find('@', at + 1) != std::string_view::npos) return std::nullopt;
    std::string out;
    out.reserve(email.size());
    for (char c : email) {
        auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) return std::nullopt;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::optional<std::string> normalise_phone_number(std::string_view phone_number) {
    std::string out;
    for (std::size_t i = 0; i < phone_number.size(); ++i) {
        char c = phone_number[i];
        if (c == ' ' || c == '-') continue;
        if (c == '+' && out.empty()) {
            out += c;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        out += c;
    }
    std::size_t digits = out.size() - (!out.empty() && out.front() == '+' ? 1 : 0);
    if (digits < 1 || digits > 20) return std::nullopt;
    return out;
}

std::string international_msisdn(std::string_view country, std::string_view phone_number) {
    if (!phone_number.empty() && phone_number.front() == '+') return std::string(phone_number.substr(1));
    auto entry = std::find_if(calling_codes.begin(), calling_codes.end(),
                              [&](const CallingCode& code) { return code.country == country; });
    if (entry == calling_codes.end()) return std::string(phone_number);
    if (entry->code == "1" && phone_number.size() == 11 && phone_number.front() == '1')
        return std::string(phone_number);
    std::string_view national = phone_number;
    if (entry->drops_trunk_zero && national.size() > 1 && national.front() == '0') national.remove_prefix(1);
    return std::string(entry->code) + std::string(national);
}

}  // namespace mx3pid::mock_identity::detail
