#include "mock_identity/detail/address.hpp"


namespace mx3pid::mock_identity::detail {
namespace {

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

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

}  // namespace mx3pid::mock_identity::detail
