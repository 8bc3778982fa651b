#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "net/message.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::reference_homeserver::detail {

/// What the identity server answered, or why it could not be asked.
struct ForwardResult {
    bool reached = false;
    int status = 0;
    std::string body;
};

/// Posts `body` to `url` (the identity server's validate/*/requestToken).
using Forwarder = std::function<ForwardResult(const std::string& url, const nlohmann::json& body)>;
/// Sends one mail (RFC 5322 text) to `to`; false when it could not.
using Mailer = std::function<bool(const std::string& to, const std::string& message)>;

/// The homeserver's state and its answer to any request; the HTTP server in homeserver.cpp only
/// calls `handle`. Thread-safe.
class RequestTokenService {
public:
    RequestTokenService(Config config, Forwarder forwarder, Mailer mailer);

    net::Response handle(const net::Request& request);
    void set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries);
    /// Where users reach this server: the base of the links it mails and of its submit_url.
    void set_public_base_url(std::string url);

private:
    struct Session {
        std::string sid, token, address;
        std::int64_t send_attempt = 0;
        bool validated = false;
    };

    net::Response request_token(const spec::Endpoint& endpoint, const net::Request& request);
    net::Response validate_by_mail(const spec::Endpoint& endpoint, const std::string& address, const std::string& client_secret,
                                   std::int64_t send_attempt);
    net::Response submit_token(const net::Request& request);
    net::Response conceal(const spec::Endpoint& endpoint, const std::string& email, spec::Validation validation);
    net::Response error(int status, const char* errcode, const std::string& message) const;
    net::Response versions() const;
    std::string new_id(const char* prefix);
    Config config_snapshot() const;
    bool rate_limit(const std::string& client_secret);

    mutable std::mutex mutex_;
    Config config_;
    spec::Edition edition_;
    Forwarder forward_;
    Mailer mail_;
    std::string public_base_url_;
    unsigned long counter_ = 0;
    std::set<std::string> forwarded_before_;  ///< for Fault::resend_on_repeat
    std::set<std::string> limited_before_;    ///< for Fault::rate_limited_once
    std::map<std::string, Session> sessions_;  ///< self validation, by medium|address|client_secret
};

}  // namespace mx3pid::reference_homeserver::detail
