#include "engine/detail/secrets.hpp"

#include <algorithm>

namespace mx3pid::engine::detail {

void Secrets::keep(const std::string& secret) {
    if (!secret.empty() && std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end()) secrets_.push_back(secret);
}

std::string Secrets::redact(std::string text) const { return redact_ ? redact_each(std::move(text), secrets_) : text; }

std::string redact_each(std::string text, const std::vector<std::string>& secrets) {
    static const std::string redacted = "<redacted>";
    for (const auto& secret : secrets) {
        if (secret.size() < 4) continue;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + redacted.size()))
            text.replace(at, secret.size(), redacted);
    }
    return text;
}

}  // namespace mx3pid::engine::detail
