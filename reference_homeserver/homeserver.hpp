#pragma once
// A small homeserver that answers the six requestToken endpoints as the spec says, and, when
// given a Variant, answers them in exactly that variant's other way (variants.hpp). It is mx3pid's
// built-in target and the oracle for mx3pid's own tests; it knows nothing of the harness.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::reference_homeserver {

struct Msisdn {
    std::string country;  ///< ISO 3166-1 alpha-2, upper case
    std::string phone_number;
};

struct Variant;

struct Config {
    /// The newest edition the server advertises in /versions, e.g. "r0.4.0" or "v1.11".
    std::string edition = "r0.4.0";
    /// What GET /_matrix/client/versions lists instead of every known edition up to `edition`
    /// (a real server lists editions no requestToken rule depends on, r0.0.1 say); empty: those.
    std::vector<std::string> advertised;
    std::vector<std::string> denied_email_domains;
    std::vector<std::string> denied_msisdn_countries;
    std::vector<std::string> bound_emails;
    std::vector<Msisdn> bound_msisdns;
    std::vector<std::string> trusted_identity_servers;  ///< "host:port" values accepted in id_server
    std::string identity_scheme = "http";               ///< how id_server becomes a URL
    std::string identity_ca_file;                       ///< trusted for https identity servers; empty: the system's
    spec::Validation email_validation = spec::Validation::proxy;
    spec::Validation msisdn_validation = spec::Validation::proxy;  ///< proxy or delegate
    std::string delegate_identity_url;  ///< base URL of the identity server, for delegate validation
    std::string smtp_authority;         ///< "host:port" of the mail server, for self validation
    /// Hide "in use" (register) and "not found" (password reset): answer 200 and deliver no token.
    bool enumeration_protection = false;
    /// Media ("email", "msisdn") the server does not let users add on /account/3pid: answered 400
    /// M_THREEPID_MEDIUM_NOT_SUPPORTED (an errcode of v1.13 on).
    std::vector<std::string> unsupported_3pid_media;
    /// false: only the OAuth 2.0 API is offered, so from v1.15 registration and password reset
    /// (legacy API) answer as unknown endpoints (404 M_UNRECOGNIZED).
    bool legacy_api = true;
    /// Accounts for mx3pid's self-made fixtures (detail/accounts.hpp): POST /register with the dummy
    /// stage when open; Synapse-style shared-secret registration when a secret is given.
    bool registration_open = false;
    std::string registration_shared_secret;
    /// Set by the server: whether an address is bound to an account registered while it runs.
    std::function<bool(spec::Medium, const std::string& key)> bound_to_account;
    /// The variant to answer as (variants.hpp); null: the reference.
    const Variant* variant = nullptr;
};

struct ListenOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
};

class Homeserver {
public:
    explicit Homeserver(Config config, ListenOptions listen = {});
    ~Homeserver();
    Homeserver(const Homeserver&) = delete;
    Homeserver& operator=(const Homeserver&) = delete;

    std::string base_url() const;  ///< "http://127.0.0.1:PORT"

    /// Replaces the address policy while the server runs (for tests that need a server to change its mind).
    void set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::reference_homeserver
