#pragma once
// A small homeserver that answers the six requestToken endpoints as the spec says, and, when
// given a Fault, answers them wrongly in exactly that one way. It is mx3pid's built-in target
// and the oracle for mx3pid's own tests; it knows nothing of the harness.
#include <memory>
#include <string>
#include <vector>

#include "spec/validation.hpp"

namespace mx3pid::reference_homeserver {

struct Msisdn {
    std::string country;  ///< ISO 3166-1 alpha-2, upper case
    std::string phone_number;
};

/// One realistic way a homeserver gets the requestToken API wrong.
enum class Fault {
    none,
    in_use_answers_200,            ///< an address in use is proxied as if it were free
    in_use_wrong_errcode,          ///< 400, but M_UNKNOWN instead of M_THREEPID_IN_USE
    bound_check_after_forwarding,  ///< forwards to the identity server, then refuses the address in use
    untrusted_id_server_forwarded, ///< any id_server is trusted
    untrusted_wrong_status,        ///< M_SERVER_NOT_TRUSTED with 403
    no_sid,                        ///< 200 without sid
    sid_not_string,                ///< sid as a number
    sid_forbidden_character,       ///< sid with a '/' in it
    sid_too_long,                  ///< sid of 256 characters
    own_sid,                       ///< answers a sid of its own instead of the identity server's
    next_link_dropped,             ///< next_link not forwarded
    send_attempt_dropped,          ///< send_attempt forwarded as 1 whatever the client sent
    resend_on_repeat,              ///< forwards a repeated request with send_attempt + 1, so the repeat sends a message
    error_without_errcode,         ///< error bodies lack errcode
    error_not_json,                ///< error bodies are plain text
    error_wrong_content_type,      ///< error bodies are JSON, labelled text/plain
    error_without_message,         ///< error bodies lack the error string
    valid_request_500,             ///< a valid request gets 500
    policy_skipped_on_3pid,        ///< the address policy is applied on register and password, not on 3pid
    password_unknown_200,          ///< password reset for an unbound address is proxied (no enumeration protection configured)
    password_denied_proxied,       ///< password reset skips the policy and the bound check for denied addresses
    denied_wrong_status,           ///< M_THREEPID_DENIED with 400
    msisdn_policy_skipped,         ///< the address policy is applied to email only
    register_msisdn_missing,       ///< /register/msisdn/requestToken answers 404 M_UNRECOGNIZED
    password_email_as_register,    ///< /account/password/email/requestToken behaves like /register/email
    client_secret_first_character_only,  ///< the client_secret grammar is checked on its first character
    send_attempt_string_accepted,  ///< send_attempt "1" (a string) is taken as 1
    rate_limited_once,             ///< the first request of each client_secret gets 429 (a right answer)
    rate_limited_always,           ///< every requestToken gets 429
    self_no_mail,                  ///< self validation answers 200 but mails nothing
    self_wrong_token,              ///< the mailed link carries a token the server does not accept
    self_resends_on_repeat,        ///< self validation mails again for a repeated send_attempt
    delegate_follows_id_server,    ///< delegate validation forwards to the request's id_server when given
    id_server_still_required,      ///< id_server stays required after r0.6.0 made it optional
    address_unchecked,             ///< email, country and phone_number are not checked, left to the identity server
    wrong_method_404,              ///< a GET on an endpoint gets 404 instead of 405
    no_body_limit,                 ///< takes request bodies of any size
    enumeration_leaks_token,       ///< with enumeration protection on, a bound (or unknown) address is validated as usual
};

struct Config {
    /// The newest edition the server advertises in /versions, e.g. "r0.4.0" or "v1.11".
    std::string edition = "r0.4.0";
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
    Fault fault = Fault::none;
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
