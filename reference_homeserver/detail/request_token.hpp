#pragma once
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "net/message.hpp"
#include "spec/endpoints.hpp"
#include "reference_homeserver/homeserver.hpp"

namespace mx3pid::reference_homeserver::detail {

/// What the identity server answered, or why it could not be asked.
struct ForwardResult {
    bool reached = false;
    int status = 0;
    std::string body;
};

/// Posts `body` to `url` (the identity server's validate/*/requestToken).
using Forwarder = std::function<ForwardResult(const std::string& url, const nlohmann::json& body)>;

/// The homeserver's state and its answer to any request; the HTTP server in homeserver.cpp only
/// calls `handle`. Thread-safe.
class RequestTokenService {
public:
    RequestTokenService(Config config, Forwarder forwarder);

    net::Response handle(const net::Request& request);
    void set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries);

private:
    net::Response request_token(const spec::Endpoint& endpoint, const net::Request& request);
    net::Response error(int status, const char* errcode, const std::string& message) const;
    net::Response versions() const;
    Config config_snapshot() const;

    mutable std::mutex mutex_;
    Config config_;
    Forwarder forward_;
    unsigned long own_sid_counter_ = 0;
    std::set<std::string> forwarded_before_;  ///< for Fault::resend_on_repeat
};

}  // namespace mx3pid::reference_homeserver::detail
