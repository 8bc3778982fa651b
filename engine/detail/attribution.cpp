#include "engine/detail/attribution.hpp"

#include <algorithm>
#include <array>

#include "spec/grammar.hpp"

namespace mx3pid::engine::detail {
namespace {

constexpr std::array<Key, 4> trust_order{Key::next_link, Key::client_secret, Key::sid, Key::address};

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool overlaps(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::any_of(a.begin(), a.end(), [&](const std::string& item) { return contains(b, item); });
}

bool carries(const ArrivalKeys& arrival, Key key) {
    switch (key) {
        case Key::next_link: return !arrival.next_link.empty();
        case Key::client_secret: return !arrival.secrets.empty();
        case Key::sid: return !arrival.sids.empty();
        case Key::address: return !arrival.email.empty() || !arrival.digits.empty();
    }
    return false;
}

bool same_address(const ArrivalKeys& arrival, const Address& address) {
    if (address.medium == spec::Medium::email) return !arrival.email.empty() && arrival.email == spec::ascii_lower(address.email);
    return !arrival.digits.empty() && arrival.country == address.msisdn.country &&
           arrival.digits == spec::phone_digits(address.msisdn.phone_number);
}

bool claims(const CaseKeys& candidate, const ArrivalKeys& arrival, Key key) {
    switch (key) {
        case Key::next_link: return !arrival.next_link.empty() && arrival.next_link == candidate.next_link;
        case Key::client_secret: return overlaps(arrival.secrets, candidate.secrets);
        case Key::sid: return overlaps(arrival.sids, candidate.sids);
        case Key::address: return same_address(arrival, candidate.address);
    }
    return false;
}

std::vector<std::size_t> claiming(const std::vector<const CaseKeys*>& cases, const std::vector<std::size_t>& among,
                                  const ArrivalKeys& arrival, Key key) {
    std::vector<std::size_t> found;
    for (auto index : among)
        if (claims(*cases[index], arrival, key)) found.push_back(index);
    return found;
}

std::string labels(const std::vector<const CaseKeys*>& cases, const std::vector<std::size_t>& which) {
    constexpr std::size_t named = 4;
    std::string text;
    for (std::size_t i = 0; i < which.size() && i < named; ++i) text += (i ? ", " : "") + cases[which[i]]->label;
    if (which.size() > named) text += " and " + std::to_string(which.size() - named) + " more";
    return text;
}

std::string address_text(const ArrivalKeys& arrival) {
    return !arrival.email.empty() ? arrival.email : arrival.country + " " + arrival.digits;
}

Attribution placed(std::size_t owner, Key key, std::optional<Key> tie_broken_by = std::nullopt) {
    return Attribution{owner, key, tie_broken_by, {}};
}

Attribution unattributed(std::string reason) { return Attribution{std::nullopt, Key::next_link, std::nullopt, std::move(reason)}; }

/// The address is the weakest key: it places an arrival only when it is one case's own.
Attribution by_address(const std::vector<const CaseKeys*>& cases, const std::vector<std::size_t>& users,
                       const ArrivalKeys& arrival) {
    auto shared = std::find_if(users.begin(), users.end(), [&](std::size_t i) { return !cases[i]->shared_fixture.empty(); });
    if (users.size() == 1 && shared == users.end()) return placed(users.front(), Key::address);
    const std::string lead = "nothing it carried names a case but its address, and " + address_text(arrival);
    if (shared != users.end())
        return unattributed(lead + " is " + cases[*shared]->shared_fixture +
                            ", which several cases share: only a next_link, client secret or sid could place it");
    return unattributed(lead + " is used by " + std::to_string(users.size()) + " cases (" + labels(cases, users) + ")");
}

}  // namespace

std::string_view key_name(Key key) {
    switch (key) {
        case Key::next_link: return "next_link";
        case Key::client_secret: return "client secret";
        case Key::sid: return "sid";
        case Key::address: return "address";
    }
    return "next_link";
}

Attribution attribute(const ArrivalKeys& arrival, const std::vector<const CaseKeys*>& cases) {
    std::vector<std::size_t> everyone(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) everyone[i] = i;
    for (std::size_t strength = 0; strength < trust_order.size(); ++strength) {
        const Key key = trust_order[strength];
        if (!carries(arrival, key)) continue;
        auto tied = claiming(cases, everyone, arrival, key);
        if (tied.empty()) continue;  // a key nobody claims says nothing: a weaker one may
        if (key == Key::address) return by_address(cases, tied, arrival);
        if (tied.size() == 1) return placed(tied.front(), key);
        for (std::size_t weaker = strength + 1; weaker < trust_order.size(); ++weaker) {
            if (!carries(arrival, trust_order[weaker])) continue;
            auto narrowed = claiming(cases, tied, arrival, trust_order[weaker]);
            if (narrowed.size() == 1) return placed(narrowed.front(), key, trust_order[weaker]);
            if (!narrowed.empty()) tied = std::move(narrowed);
        }
        return unattributed("its " + std::string(key_name(key)) + " belongs to " + std::to_string(tied.size()) + " cases (" +
                            labels(cases, tied) + "), and nothing else it carried tells them apart");
    }
    if (!arrival.any()) return unattributed("it carried no next_link, client secret, sid or address");
    return unattributed("no case sent, or was told, anything it carried");
}

std::string describe_keys(const ArrivalKeys& arrival, bool redact) {
    std::vector<std::string> parts;
    if (!arrival.next_link.empty()) parts.push_back("next_link " + arrival.next_link);
    for (const auto& secret : arrival.secrets) parts.push_back("client_secret " + (redact ? std::string("<redacted>") : secret));
    for (const auto& sid : arrival.sids) parts.push_back("sid " + sid);
    if (!arrival.email.empty()) parts.push_back("email " + arrival.email);
    if (!arrival.digits.empty()) parts.push_back("msisdn " + arrival.country + " " + arrival.digits);
    if (parts.empty()) return "nothing that names a case";
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : ", ") + part;
    return text;
}

}  // namespace mx3pid::engine::detail
