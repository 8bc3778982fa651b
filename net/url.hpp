#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mx3pid::net {

/// An absolute http or https URL, split into what a client needs to connect.
struct Url {
    std::string scheme;  ///< "http" or "https"
    std::string host;
    unsigned short port = 0;
    std::string path;  ///< never empty; "/" at least

    /// Parses "http[s]://host[:port][/path]"; returns nothing for anything else.
    static std::optional<Url> parse(std::string_view text);

    bool tls() const { return scheme == "https"; }
    std::string authority() const;  ///< host, plus ":port" unless the scheme's default
    std::string origin() const;     ///< scheme://authority
};

}  // namespace mx3pid::net
