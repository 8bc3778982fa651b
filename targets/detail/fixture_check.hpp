#pragma once
// The check of a bound or denied address the profile names, before the cases that rely on it.
//
// It binds nothing and, when the profile is right, delivers nothing: the first request is the one
// whose refusal proves the fixture, register/{medium}/requestToken, which a server refuses for a
// bound address (400 M_THREEPID_IN_USE, or 200 and no token where it hides the address's state)
// and for a denied one (M_THREEPID_DENIED). Only when it accepts the address (200 and a token was
// sent) is a second request asked, password/{medium}/requestToken, to tell a wrong profile from a
// server that contradicts itself:
//   bound:  password answers 200 and sends a token → the address is bound after all and register is
//           wrong: the cases run (a warning says so); otherwise the address is not bound: fixture error.
//   denied: password refuses it as denied → the server has the policy and register ignores it: the
//           cases run (a warning says so); otherwise nothing tells a profile naming an address the
//           policy does not cover from a server ignoring its policy: fixture error, saying both.
// Where register cannot be asked (closed, not implemented) a bound address is asked of password
// alone, and is a fixture error only on an explicit M_THREEPID_NOT_FOUND.
#include <optional>
#include <string>

#include "engine/fixtures.hpp"
#include "targets/detail/token_round.hpp"

namespace mx3pid::targets::detail {

struct AddressCheck {
    std::optional<std::string> error;    ///< "fixture error: profile bound.email … is not bound …": its cases are not run
    std::optional<std::string> warning;  ///< the server answered one endpoint against another; the cases run
    std::string finding;                 ///< one line for the console: what the server answered and what it means
};

/// "bound.email", "denied.msisdn": the profile key an address comes from.
std::string profile_key(suite::AddressChoice role, spec::Medium medium);

AddressCheck check_bound(TokenRounds& rounds, const engine::Address& address, std::size_t index);
AddressCheck check_denied(TokenRounds& rounds, const engine::Address& address, std::size_t index);

}  // namespace mx3pid::targets::detail
