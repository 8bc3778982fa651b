#pragma once
// Which case a side-channel arrival belongs to, decided by evidence only: the strongest key the
// arrival carries that some case claims — the case's own next_link, then a client secret exactly as
// the case sent it, then a sid the case was answered or issued, then an address only one case uses.
// Several cases claiming that key is a tie: a weaker key the arrival also carries may tell the tied
// cases apart, else the arrival belongs to nobody. When it arrived never matters.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fixtures.hpp"

namespace mx3pid::engine::detail {

/// What an arrival carries that could name its case.
struct ArrivalKeys {
    std::string next_link;
    std::vector<std::string> secrets;  ///< byte for byte as received
    std::vector<std::string> sids;
    std::string email;                 ///< lower case
    std::string country, digits;       ///< an msisdn: country code and the number's digits

    bool any() const { return !next_link.empty() || !secrets.empty() || !sids.empty() || !email.empty() || !digits.empty(); }
};

/// What a case is known by: what it sent and what it was told.
struct CaseKeys {
    std::string label;  ///< the case ID
    std::string next_link;
    std::vector<std::string> secrets;  ///< every client_secret it sent, byte for byte
    std::vector<std::string> sids;     ///< answered to it, or issued for it by an identity server
    Address address;
    /// "the profile's bound email" and the like when other cases of the run use the address too;
    /// empty for an address of the case's own.
    std::string shared_fixture;
};

/// The keys in the order they are trusted.
enum class Key { next_link, client_secret, sid, address };
std::string_view key_name(Key key);

struct Attribution {
    std::optional<std::size_t> owner;  ///< index into the cases given; empty: unattributed
    Key key = Key::next_link;          ///< what placed it
    std::optional<Key> tie_broken_by;  ///< when `key` was claimed by several cases: the weaker key that decided
    std::string reason;                ///< when unattributed: why, in a sentence
};

/// Places `arrival` among `cases` (a case may be open, settling or closed).
Attribution attribute(const ArrivalKeys& arrival, const std::vector<const CaseKeys*>& cases);

/// "next_link …/register-email-valid, client_secret <redacted>, email a@b": what the arrival carried,
/// with the secrets masked unless `redact` is false.
std::string describe_keys(const ArrivalKeys& arrival, bool redact);

}  // namespace mx3pid::engine::detail
