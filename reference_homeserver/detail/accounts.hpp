#pragma once
// Just enough accounts for mx3pid to make its own bound addresses against the reference: registration
// (m.login.dummy, or Synapse-style shared secret), and binding a validated 3PID with
// POST /account/3pid/add (user-interactive auth with the password) or, before r0.6.0, /account/3pid.
// The bound-address check of the requestToken logic consults is_bound.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "net/message.hpp"
#include "reference_homeserver/detail/state.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::reference_homeserver::detail {

/// A validated address as the server compares it: the email in lower case, or "CC digits" for an
/// msisdn (country and the national digits), the form of the requestToken logic's Address::key().
struct ThreepidKey {
    spec::Medium medium = spec::Medium::email;
    std::string key;
};

/// The address a (sid, client_secret) session validated, if it did; `id_server` is what the
/// client named (empty from r0.6.0 on).
using ValidatedLookup =
    std::function<std::optional<ThreepidKey>(const std::string& sid, const std::string& client_secret, const std::string& id_server)>;

struct AccountSettings {
    bool open = false;           ///< POST /register with m.login.dummy
    std::string shared_secret;   ///< non-empty: /_synapse/admin/v1/register
    std::string server_name = "reference.mx3pid.invalid";
};

/// Thread-safe. Bounded: at most `max_accounts` accounts and as many pending nonces and sessions.
class Accounts {
public:
    Accounts(AccountSettings settings, ValidatedLookup lookup, std::size_t max_accounts = 1000);

    /// The answer to one of the account paths; nothing when the request is for another path.
    std::optional<net::Response> handle(const net::Request& request);
    bool is_bound(spec::Medium medium, const std::string& key) const;

    /// The ThreepidKey of an identity server's getValidated3pid answer (msisdn in international form).
    static std::optional<ThreepidKey> key_of(const std::string& medium, const std::string& address);

private:
    struct Account {
        std::string user_id, password;
    };

    net::Response register_account(const net::Request& request);
    net::Response shared_secret_nonce();
    net::Response shared_secret_register(const net::Request& request);
    net::Response add_threepid(const net::Request& request, bool interactive);
    net::Response list_threepids(const net::Request& request);
    net::Response create(const std::string& username, const std::string& password);
    std::optional<std::string> user_of(const net::Request& request) const;
    std::string new_secret(const char* prefix);

    AccountSettings settings_;
    ValidatedLookup lookup_;
    std::size_t max_accounts_;
    mutable std::mutex mutex_;
    std::atomic<std::uint64_t> counter_{0};
    std::map<std::string, Account> accounts_;         ///< by user_id
    std::map<std::string, std::string> tokens_;       ///< access token → user_id
    std::deque<std::string> nonces_;                  ///< shared-secret registration, oldest first
    std::set<std::string> auth_sessions_;             ///< user-interactive auth sessions handed out
    std::map<std::pair<spec::Medium, std::string>, std::string> bound_;  ///< address → user_id
};

/// The accounts' settings in a server's configuration.
AccountSettings account_settings(const Config& config);
/// `config` with its bound check asking `accounts` too.
Config with_accounts(Config config, const Accounts& accounts);
/// The address a session validated: the server's own (self-validated email) sessions first, then
/// the identity server (`id_server` when given, else the one the server delegates to) through
/// getValidated3pid.
std::optional<ThreepidKey> find_validated(const State& state, const std::string& sid, const std::string& client_secret,
                                          const std::string& id_server);

}  // namespace mx3pid::reference_homeserver::detail
