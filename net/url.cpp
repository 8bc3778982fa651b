#include "net/url.hpp"

#include <charconv>

namespace mx3pid::net {

std::optional<Url> Url::parse(std::string_view text) {
    Url url;
    auto sep = text.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    url.scheme = std::string(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
    text.remove_prefix(sep + 3);
    auto slash = text.find('/');
    auto authority = text.substr(0, slash);
    url.path = slash == std::string_view::npos ? "/" : std::string(text.substr(slash));
    url.port = url.tls() ? 443 : 80;
    std::string_view host = authority;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        authority.remove_prefix(close + 1);
        if (!authority.empty() && authority.front() != ':') return std::nullopt;
    } else {
        auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    }
    if (!authority.empty()) {
        auto digits = authority.substr(1);
        unsigned value = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || end != digits.data() + digits.size() || value == 0 || value > 65535)
            return std::nullopt;
        url.port = static_cast<unsigned short>(value);
    }
    if (host.empty() || host.find_first_of("@ /?#") != std::string_view::npos) return std::nullopt;
    url.host = std::string(host);
    return url;
}

std::string Url::authority() const {
    std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls() ? 443 : 80)) shown += ":" + std::to_string(port);
    return shown;
}

std::string Url::origin() const { return scheme + "://" + authority(); }

}  // namespace mx3pid::net
