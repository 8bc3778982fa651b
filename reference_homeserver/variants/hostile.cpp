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

/// Lets three requests of each medium through, then limits that medium for two hours.
struct RateLimitedPerMedium : Stages {
    std::mutex mutex;
    std::map<spec::Medium, int> passed;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        {
            std::lock_guard lock(mutex);
            if (++passed[x.endpoint.medium] <= 3) return std::nullopt;
        }
        return limited(std::chrono::hours(2));
    }
};

}  // namespace

std::vector<Variant> hostile() {
    return {
        {.name = "rate-limited-forever", .behaviour = Behaviour::hostile,
         .description = "answers every requestToken with 429", .make = make<RateLimitedForever>},
        {.name = "rate-limited-per-medium", .behaviour = Behaviour::hostile,
         .description = "limits email and msisdn apart: three requests each, then 429 with Retry-After of two hours",
         .make = make<RateLimitedPerMedium>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
