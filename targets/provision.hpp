#pragma once
// Self-made fixtures: when the profile lets mx3pid register (registration: {open: true} or
// {shared_secret: …}) and names no bound address for a medium, mx3pid registers an account and
// binds a fresh address to it through the spec's own flow before the cases run:
//   register → requestToken (/account/3pid/*) → catch the token (mail sink or mock identity
//   server) → submit it → bind (/account/3pid/add with the password, or /account/3pid before r0.6.0).
#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "engine/fixtures.hpp"
#include "suite/profile.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"
#include "smtp_sink/smtp_sink.hpp"
#include "spec/edition.hpp"

namespace mx3pid::targets {

struct ProvisionContext {
    net::Url homeserver;
    spec::Edition edition;
    const suite::Profile& profile;
    mock_identity::IdentityServer& identity;
    smtp_sink::SmtpSink* mailbox;  ///< null when the server mails nothing itself
    const engine::FixtureFactory& fixtures;
    std::string id_server;  ///< what requestToken names as id_server
    net::ClientOptions client;
    std::chrono::milliseconds token_wait{10000};  ///< how long a token may take to arrive
};

/// One step, as reported: "register", "email: requestToken", "email: catch the token", …
struct ProvisionStep {
    std::string what;
    bool ok = true;
    std::string detail;
};

struct Provisioned {
    std::optional<std::string> email;  ///< bound by mx3pid, for profile.bound_email
    std::optional<suite::Msisdn> msisdn;
    std::vector<ProvisionStep> steps;
    /// Empty when every step went through; else one sentence naming the refused step.
    std::string error;
};

/// Whether the profile asks mx3pid to make a bound address itself: registration is given and
/// bound.email or bound.msisdn is not.
bool wants_provisioning(const suite::Profile& profile);

/// Makes the account and binds an address of each medium the profile leaves out, calling
/// `on_step` as each step ends; stops at the first refused step. An msisdn endpoint the server
/// does not implement leaves msisdn unbound (its cases are then skipped) without an error.
Provisioned provision(const ProvisionContext& context, const std::function<void(const ProvisionStep&)>& on_step = {});

/// provision(), printing each step to `out` ("setup: …") and storing what it bound in `profile`;
/// false, with the refused step on `err`, when a step was refused.
bool make_bound_addresses(const ProvisionContext& context, suite::Profile& profile, std::ostream& out, std::ostream& err);

/// "a@b.example, GB 7700900001": the profile's bound addresses, for reports; "none" without any.
std::string describe_bound(const suite::Profile& profile);

}  // namespace mx3pid::targets
