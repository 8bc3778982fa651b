#include "net/message.hpp"

#include <cctype>

namespace mx3pid::net {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (equal_ignoring_case(key, name)) return value;
    return std::nullopt;
}

std::string Request::path() const { return target.substr(0, target.find('?')); }

std::string Request::query() const {
    auto mark = target.find('?');
    return mark == std::string::npos ? std::string() : target.substr(mark + 1);
}

Response Response::json(int status, std::string body) {
    return Response{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

Response Response::text(int status, std::string body) {
    return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

std::string percent_decode(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < encoded.size() && hex_value(encoded[i + 1]) >= 0 && hex_value(encoded[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::string percent_encode(std::string_view raw) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : raw) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view encoded) {
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!encoded.empty()) {
        auto amp = encoded.find('&');
        auto field = encoded.substr(0, amp);
        encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
        if (field.empty()) continue;
        auto eq = field.find('=');
        if (eq == std::string_view::npos)
            pairs.emplace_back(percent_decode(field), std::string());
        else
            pairs.emplace_back(percent_decode(field.substr(0, eq)), percent_decode(field.substr(eq + 1)));
    }
    return pairs;
}

}  // namespace mx3pid::net
