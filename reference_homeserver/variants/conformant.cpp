// Conformant variants: each uses one freedom the spec gives, names the sentence that gives it, and
// must pass every case in the editions and profiles it declares.
#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using namespace std::chrono_literals;

/// 429 with Retry-After for the first request of each client_secret, then answers.
struct RateLimitedOnce : Stages {
    detail::SeenOnce seen;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (!seen.first(x.fields.client_secret)) return std::nullopt;
        return limited(20ms);
    }
};

struct NoBodyLimit : Stages {
    std::size_t body_limit() const override { return std::size_t{64} << 20; }
};

}  // namespace

std::vector<Variant> conformant() {
    return {
        {.name = "rate-limited", .behaviour = Behaviour::conformant,
         .description = "answers the first request of each client_secret with 429 and Retry-After, then as the reference",
         .profiles = {"builtin"},
         .basis = "r0.4.0, API standards › Rate limiting: a server may answer any request 429 M_LIMIT_EXCEEDED, "
                  "saying in retry_after_ms how long to wait",
         .make = make<RateLimitedOnce>},
        {.name = "no-body-limit", .behaviour = Behaviour::conformant,
         .description = "takes request bodies of any size",
         .profiles = {"builtin"},
         .basis = "r0.4.0, Standard error response: M_TOO_LARGE names a request too large, but no edition sets or "
                  "recommends a limit",
         .make = make<NoBodyLimit>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
