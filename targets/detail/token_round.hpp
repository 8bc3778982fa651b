#pragma once
// One requestToken as a client following the judged edition sends it (built by the cases' own
// engine::build_request), and what reached the address on the side channel after it: what making
// a bound address and checking the profile's addresses both do.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/asker.hpp"
#include "engine/request_builder.hpp"
#include "engine/side_channel.hpp"
#include "net/client.hpp"
#include "suite/profile.hpp"
#include "targets/fixture_setup.hpp"

namespace mx3pid::targets::detail {

/// Whether a valid request names id_server: always before r0.6.0 (where it is required); from
/// r0.6.0 (optional, and ignored by a server that validates itself) only for a proxying server.
bool names_id_server(spec::Validation validation, const spec::Edition& edition);

struct TokenRound {
    engine::CaseValues values;  ///< the address and the secret sent
    engine::Answer answer;
    engine::Observation seen;  ///< what reached the address (or carried the secret) afterwards

    /// Answered with a 2xx: the request was taken (how well is the cases' to judge, not the setup's).
    bool accepted() const { return answer.response && answer.response->status / 100 == 2; }
    bool token_sent() const { return seen.tokens_delivered() > 0; }
    std::string errcode() const;  ///< the answer's errcode; empty without one
    std::string sid() const;      ///< the answer's sid; empty without one
    /// "answered 400 M_THREEPID_IN_USE", "answered 200 and a token was sent", "could not be asked: …"
    std::string said() const;
};

class TokenRounds {
public:
    TokenRounds(const FixtureContext& context, const suite::Profile& profile);

    /// Sends requestToken on `endpoint` for `address` (with the account's `bearer` when given) and,
    /// when it is answered 200, watches the side channel until a token arrives or `wait` has passed.
    /// `index` picks the secret.
    TokenRound ask(const spec::Endpoint& endpoint, const engine::Address& address, std::size_t index,
                   std::chrono::milliseconds wait, const std::string& bearer = "");

    /// Sends any other request to the homeserver (registration, binding), waiting out 429s.
    engine::Answer send(const net::Request& request);
    /// The path of `below` (e.g. "/register") under the homeserver's base path and the edition's prefix.
    std::string client_path(const std::string& below) const;

    std::size_t asked() const { return asked_; }  ///< requestTokens sent so far
    engine::Asker& asker() { return asker_; }
    engine::detail::Secrets& secrets() { return secrets_; }
    std::vector<reports::HttpExchange>& transcript() { return transcript_; }
    const FixtureContext& context() const { return context_; }
    const suite::Profile& profile() const { return profile_; }

private:
    /// The valid request for `values` on `endpoint`, built as a case's is (engine::build_request).
    net::Request valid_request(const spec::Endpoint& endpoint, const engine::CaseValues& values, const std::string& bearer) const;

    const FixtureContext& context_;
    const suite::Profile& profile_;
    net::Client http_;
    engine::Asker asker_;
    engine::RequestContext request_context_;
    engine::detail::Secrets secrets_;
    std::vector<reports::HttpExchange> transcript_;
    std::size_t asked_ = 0;
};

}  // namespace mx3pid::targets::detail
