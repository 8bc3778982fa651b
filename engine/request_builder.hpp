#pragma once
// Turns one step of a case into the HTTP request mx3pid sends to the homeserver.
#include <cstdint>
#include <string>

#include "suite/case_model.hpp"
#include "engine/fixtures.hpp"
#include "net/message.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::engine {

/// An identity server as a request names it: `id_server`, and the `id_access_token` mx3pid holds for it.
struct IdentityCredentials {
    std::string id_server;     ///< "host:port"
    std::string access_token;  ///< registered at that identity server; empty when it has none
};

/// What every request of a run shares.
struct RequestContext {
    std::string base_path;  ///< the homeserver URL's path, e.g. "" or "/matrix"
    spec::Edition edition;
    IdentityCredentials trusted;    ///< the identity server the homeserver trusts (or delegates to)
    IdentityCredentials untrusted;  ///< the one it must not trust
};

/// What one case generated: the address it uses and its own secret, next_link and send_attempt.
struct CaseValues {
    Address address;
    std::string client_secret;
    std::string next_link;
    std::int64_t send_attempt = 0;
    std::uint64_t entropy = 0;  ///< what derived values are drawn from (CaseFixtures::entropy)
};

/// What a request depends on of the edition it is built for: editions that spell requests alike
/// build the same request from the same step and values.
struct RequestSpelling {
    std::string_view client_prefix;  ///< "r0" or "v3"
    bool next_link = false;          ///< the body has next_link (r0.4.0 on)
    bool id_access_token = false;    ///< the body may have id_access_token (r0.6.0 on)

    bool operator==(const RequestSpelling&) const = default;
};

RequestSpelling spelling_of(const spec::Edition& edition);

/// The valid request body for the case's address with the step's changes applied, as the edition
/// spells it: `id_server` when the step keeps it, with `id_access_token` from r0.6.0 on unless omitted.
net::Request build_request(const spec::Endpoint& endpoint, const suite::RequestSpec& step, const CaseValues& values,
                           const RequestContext& context);

/// The path of `endpoint` under the edition's client prefix.
std::string endpoint_target(const spec::Endpoint& endpoint, const RequestContext& context);

}  // namespace mx3pid::engine
