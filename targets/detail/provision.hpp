#pragma once
// Self-made bound addresses: mx3pid registers an account (registration: {open: true} through the
// dummy stage, or {shared_secret: …} through Synapse-style shared-secret registration) and binds a
// fresh address of each medium asked for through the spec's own flow:
//   requestToken (/account/3pid/{medium}, built like a case's) → catch the token (mail sink or
//   mock identity server) → submit it (the mailed link, else submit_url, for mail; at the mock
//   identity server for a token it received) →
//   bind (/account/3pid/add with the edition's password auth; /account/3pid before r0.6.0).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/fixtures.hpp"
#include "targets/detail/token_round.hpp"

namespace mx3pid::targets::detail {

/// One step, as reported: "register", "email: requestToken", "email: catch the token", …
struct ProvisionStep {
    std::string what;
    bool ok = true;
    std::string detail;
};

struct MadeAddress {
    spec::Medium medium = spec::Medium::email;
    std::optional<engine::Address> bound;  ///< set when bound to the account
    std::string failure;                   ///< otherwise: the step that failed and what the server answered
};

struct Provisioned {
    /// Set when no account could be made: the step, what the server answered, and the fix.
    std::string refused;
    std::vector<MadeAddress> made;  ///< one per medium asked for, in order
};

/// Registers one account and binds an address of each of `media` to it, telling `on_step` as each
/// step ends. A medium whose binding fails is reported in its MadeAddress; the others go on.
Provisioned provision(TokenRounds& rounds, const std::vector<spec::Medium>& media,
                      const std::function<void(const ProvisionStep&)>& on_step);

}  // namespace mx3pid::targets::detail
