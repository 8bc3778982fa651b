// Hostile variants: servers mx3pid cannot judge, which must end in errors, never in failures.
#include "reference_homeserver/variants/families.hpp"

#include <map>
#include <mutex>

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using namespace std::chrono_literals;

struct RateLimitedForever : Stages {
    std::optional<net::Response> rate_limit(Exchange&) override {
        return limited(20ms);
    }
};

}  // namespace

std::vector<Variant> hostile() {
    return {
        {.name = "rate-limited-forever", .behaviour = Behaviour::hostile,
         .description = "answers every requestToken with 429", .make = make<RateLimitedForever>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
