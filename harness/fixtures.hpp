#pragma once
// Fresh addresses and secrets for each case, reproducible from the run's seed.
#include <cstdint>
#include <string>

#include "harness/profile.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::harness {

struct Address {
    spec::Medium medium = spec::Medium::email;
    std::string email;
    Msisdn msisdn;

    std::string describe() const;  ///< "user@example.org" or "GB 7700900123"
};

class FixtureFactory {
public:
    FixtureFactory(std::uint64_t seed, const Profile& profile);

    std::string client_secret();
    Address fresh_address(spec::Medium medium);
    std::string next_link(const std::string& case_id);
    /// A send_attempt a client might be on: never 1, so a server that resets it is seen.
    std::int64_t send_attempt();

private:
    /// The profile's bound or denied address: never handed out as fresh.
    bool is_reserved(const Address& address) const;

    std::uint64_t seed_;
    const Profile& profile_;
    std::uint64_t counter_ = 0;
    std::string run_tag_;  ///< a few characters from the seed, so two runs never share an address
};

}  // namespace mx3pid::harness
