#pragma once
// The values a case must not leak into reports: client secrets it sent, tokens it saw.
#include <string>
#include <vector>

namespace mx3pid::engine::detail {

class Secrets {
public:
    explicit Secrets(bool redact = true) : redact_(redact) {}

    void keep(const std::string& secret);
    /// `text` with every kept secret of four or more characters replaced by "<redacted>".
    std::string redact(std::string text) const;
    const std::vector<std::string>& all() const { return secrets_; }
    bool redacting() const { return redact_; }

private:
    bool redact_;
    std::vector<std::string> secrets_;
};

/// `text` with every one of `secrets` of four or more characters replaced by "<redacted>".
std::string redact_each(std::string text, const std::vector<std::string>& secrets);

}  // namespace mx3pid::engine::detail
