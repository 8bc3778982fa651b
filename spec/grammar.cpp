#include "spec/grammar.hpp"

#include "spec/fields.hpp"

namespace mx3pid::spec {
namespace {
bool is_ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
}  // namespace

bool is_opaque_id(std::string_view text) { return opaque_id_grammar().fits(text); }

bool is_country_code(std::string_view text) { return country_grammar().fits(text); }

bool is_plausible_email(std::string_view text) {
    auto at = text.find('@');
    if (at == std::string_view::npos || at == 0 || text.find('@', at + 1) != std::string_view::npos) return false;
    auto domain = text.substr(at + 1);
    auto dot = domain.find('.');
    if (domain.empty() || dot == 0 || dot == std::string_view::npos || domain.back() == '.') return false;
    for (unsigned char c : text)
        if (c <= ' ' || c == 0x7f) return false;
    return true;
}

bool is_absolute_uri(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
    if (!is_ascii_alnum(text[0]) || (text[0] >= '0' && text[0] <= '9')) return false;
    for (char c : text.substr(0, colon))
        if (!is_ascii_alnum(c) && c != '+' && c != '.' && c != '-') return false;
    return text.find_first_of(" \t\r\n\"<>") == std::string_view::npos;
}

bool is_plausible_phone_number(std::string_view text) {
    std::size_t digits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if ((c == ' ' || c == '-') && i > 0 && i + 1 < text.size()) {
            continue;
        } else {
            return false;
        }
    }
    return digits >= 1 && digits <= 20;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string phone_digits(std::string_view text) {
    std::string digits;
    for (char c : text)
        if (c >= '0' && c <= '9') digits += c;
    return digits;
}

}  // namespace mx3pid::spec
