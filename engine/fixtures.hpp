#pragma once
// Fresh addresses and secrets for each case, reproducible from the run's seed and the case's place
// in the run, whatever order the cases run in.
#include <chrono>
#include <cstdint>
#include <string>

#include "suite/profile.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::engine {

struct Address {
    spec::Medium medium = spec::Medium::email;
    std::string email;
    suite::Msisdn msisdn;

    std::string describe() const;  ///< "user@example.org" or "GB 7700900123"
};

/// What one case generates.
struct CaseFixtures {
    std::string client_secret;
    std::string next_link;
    std::int64_t send_attempt = 0;  ///< never 1, so a server that resets it is seen
    /// What the case's derived values are drawn from: the same for the same seed and case, one more
    /// for each later unit of the case, so that a one-character secret differs between its units.
    std::uint64_t entropy = 0;
};

/// The least send_attempt a run started at `now` gives its cases: one more every second (counted
/// from 2024, so below 2^31 for decades). A case of a later run, whatever its seed, asks with a greater
/// send_attempt than the same case of an earlier one, so a server that kept the earlier run's sessions
/// still sends a new message where the secret and address are the same again (the same seed, or a
/// one-character secret and a bound address the profile names).
std::int64_t send_attempt_floor(std::chrono::system_clock::time_point now);

class FixtureFactory {
public:
    /// Each case's send_attempt is `first_send_attempt` plus a number below 998 from its case ID alone.
    FixtureFactory(std::uint64_t seed, const suite::Profile& profile, std::int64_t first_send_attempt = 2);

    /// The fixtures of the case at `index` in the run; the same for the same seed and index.
    CaseFixtures for_case(std::size_t index, const std::string& case_id) const;
    /// The fixtures of one of a case's execution units (engine/units.hpp) at `index` in the run:
    /// for the case's first unit (`ordinal` 0) for_case's; a later unit's next_link ends with
    /// ".N" (N = ordinal + 1) after the case ID, so that it is the unit's own, and its entropy is
    /// for_case's plus `ordinal`.
    CaseFixtures for_unit(std::size_t index, const std::string& case_id, std::size_t ordinal) const;
    /// What every next_link this factory makes starts with: the run's own, unique to it.
    std::string next_link_prefix() const;
    /// A new address nobody has bound, allowed by the policy, for the case at `index`.
    Address fresh_address(std::size_t index, spec::Medium medium) const;

private:
    /// The profile's bound or denied address: never handed out as fresh.
    bool is_reserved(const Address& address) const;

    std::uint64_t seed_;
    std::int64_t first_send_attempt_;
    const suite::Profile& profile_;
    std::string run_tag_;  ///< a few characters from the seed, so two runs never share an address
};

}  // namespace mx3pid::engine
