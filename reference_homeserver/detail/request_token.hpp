#pragma once
#include <memory>
#include <string>
#include <vector>

#include "net/message.hpp"
#include "reference_homeserver/detail/accounts.hpp"
#include "reference_homeserver/detail/pipeline.hpp"
#include "reference_homeserver/detail/state.hpp"
#include "reference_homeserver/homeserver.hpp"

namespace mx3pid::reference_homeserver::detail {

/// The homeserver's answer to any request: routing, /versions, and the requestToken pipeline of
/// the configured variant. The HTTP server in homeserver.cpp only calls `handle`. Thread-safe.
class RequestTokenService {
public:
    RequestTokenService(Config config, Poster poster, Mailer mailer);

    net::Response handle(const net::Request& request);
    void set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries);
    /// Where users reach this server: the base of the links it mails and of its submit_url.
    void set_public_base_url(std::string url);
    std::size_t body_limit() const { return stages_->body_limit(); }

private:
    net::Response versions();
    net::Response answer(const net::Request& request);

    Accounts accounts_;  ///< before state_: the state's config asks it what is bound
    State state_;
    std::unique_ptr<Stages> stages_;
};

}  // namespace mx3pid::reference_homeserver::detail
