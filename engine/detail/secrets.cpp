#include "engine/detail/secrets.hpp"

#include <algorithm>

namespace mx3pid::engine::detail {

void Secrets::keep(const std::string& secret) {
    if (!secret.empty() && std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end()) secrets_.push_back(secret);
}

std::string Secrets::redact(std::string text) const { return redact_ ? redact_each(std::move(text), secrets_) : text; }

std::string redact_each(std::string text, const std::vector<std::string>& secrets) {
    static const std::string redacted = "<redacted>";
    // The longest first: a secret that holds another (a derived value grown from the case's own) is hidden whole.
    std::vector<const std::string*> longest_first;
    for (const auto& secret : secrets) longest_first.push_back(&secret);
    std::stable_sort(longest_first.begin(), longest_first.end(),
                     [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
    for (const auto* kept : longest_first) {
        const auto& secret = *kept;
        if (secret.size() < 4) continue;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + redacted.size()))
            text.replace(at, secret.size(), redacted);
    }
    return text;
}

}  // namespace mx3pid::engine::detail
