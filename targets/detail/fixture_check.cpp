#include "targets/detail/fixture_check.hpp"

#include <stdexcept>

namespace mx3pid::targets::detail {
namespace {

const spec::Endpoint& endpoint_for(spec::Purpose purpose, spec::Medium medium) {
    for (const auto& endpoint : spec::endpoints())
        if (endpoint.purpose == purpose && endpoint.medium == medium) return endpoint;
    throw std::logic_error("no requestToken endpoint for that purpose and medium");
}

/// The questions the check may ask about one profile address, and how it words the answers.
struct Questions {
    TokenRounds& rounds;
    const engine::Address& address;
    std::size_t index;
    std::string name;  ///< "profile bound.email a@b.example"

    Questions(TokenRounds& rounds, suite::AddressChoice role, const engine::Address& address, std::size_t index)
        : rounds(rounds), address(address), index(index), name("profile " + profile_key(role, address.medium) + " " + address.describe()) {}

    /// requestToken on the register (first) or password-reset (second) endpoint, for the address.
    TokenRound ask(spec::Purpose purpose) {
        const bool first = purpose == spec::Purpose::register_account;
        return rounds.ask(endpoint_for(purpose, address.medium), address, index + (first ? 0 : 1), rounds.context().grace);
    }
    /// "register/email/requestToken answered 200 and a token was sent"
    std::string said(spec::Purpose purpose, const TokenRound& round) const {
        return std::string(endpoint_for(purpose, address.medium).key) + "/requestToken " + round.said();
    }
    std::string both(const TokenRound& first, const TokenRound& second) const {
        return said(spec::Purpose::register_account, first) + "; " + said(spec::Purpose::reset_password, second);
    }
    std::string key(spec::Purpose purpose) const { return std::string(endpoint_for(purpose, address.medium).key) + "/requestToken"; }

    AddressCheck fine(const std::string& answers, const std::string& meaning) const {
        return {std::nullopt, std::nullopt, name + ": " + answers + ": " + meaning};
    }
};

using spec::Purpose;

}  // namespace

std::string profile_key(suite::AddressChoice role, spec::Medium medium) {
    return std::string(role == suite::AddressChoice::denied ? "denied." : "bound.") + std::string(spec::medium_name(medium));
}

AddressCheck check_bound(TokenRounds& rounds, const engine::Address& address, std::size_t index) {
    Questions q(rounds, suite::AddressChoice::bound, address, index);
    auto first = q.ask(Purpose::register_account);
    const bool concealed = first.accepted() && !first.token_sent();
    if (first.errcode() == "M_THREEPID_IN_USE" || concealed)
        return q.fine(q.said(Purpose::register_account, first), concealed ? "bound, or its state hidden" : "bound");
    const bool register_says_unbound = first.accepted() && first.token_sent();

    auto second = q.ask(Purpose::reset_password);
    const auto both = q.both(first, second);
    if (second.accepted() && second.token_sent()) {
        if (!register_says_unbound) return q.fine(both, "bound");
        return {std::nullopt,
                q.name + " is treated as bound by " + q.key(Purpose::reset_password) + " and as free by " +
                    q.key(Purpose::register_account) + " (" + both + "): the cases relying on it run",
                q.name + ": " + both + ": the server contradicts itself"};
    }
    if (register_says_unbound || second.errcode() == "M_THREEPID_NOT_FOUND")
        return {"fixture error: " + q.name + " is not bound on the server (" + both +
                    "): bind it, or use registration: to let mx3pid make one",
                std::nullopt, q.name + ": " + both + ": NOT BOUND"};
    return q.fine(both, "cannot tell; the cases relying on it run");
}

AddressCheck check_denied(TokenRounds& rounds, const engine::Address& address, std::size_t index) {
    Questions q(rounds, suite::AddressChoice::denied, address, index);
    auto first = q.ask(Purpose::register_account);
    if (first.errcode() == "M_THREEPID_DENIED") return q.fine(q.said(Purpose::register_account, first), "denied");
    if (!(first.accepted() && first.token_sent()))
        return q.fine(q.said(Purpose::register_account, first), "not accepted; the cases judge the answer");

    auto second = q.ask(Purpose::reset_password);
    const auto both = q.both(first, second);
    if (second.errcode() == "M_THREEPID_DENIED")
        return {std::nullopt,
                q.name + " is refused as denied by " + q.key(Purpose::reset_password) + " and accepted by " +
                    q.key(Purpose::register_account) + " (" + both +
                    "): the server applies its policy on one and not the other; the denied cases run",
                q.name + ": " + both + ": the server contradicts itself"};
    return {"fixture error: " + q.name + " is accepted by the server (" + both +
                "): either its policy does not refuse this address (name one it refuses in denied:) or it applies no "
                "policy at all; nothing it answered tells the two apart",
            std::nullopt, q.name + ": " + both + ": NOT DENIED"};
}

}  // namespace mx3pid::targets::detail
