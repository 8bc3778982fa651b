#include "harness/fixtures.hpp"

#include <random>

namespace mx3pid::harness {

std::string Address::describe() const {
    return medium == spec::Medium::email ? email : msisdn.country + " " + msisdn.phone_number;
}

bool FixtureFactory::is_reserved(const Address& address) const {
    auto same = [&](const std::optional<Msisdn>& other) {
        return other && other->country == address.msisdn.country && other->phone_number == address.msisdn.phone_number;
    };
    if (address.medium == spec::Medium::email)
        return address.email == profile_.bound_email || address.email == profile_.denied_email;
    return same(profile_.bound_msisdn) || same(profile_.denied_msisdn);
}

FixtureFactory::FixtureFactory(std::uint64_t seed, const Profile& profile) : seed_(seed), profile_(profile) {
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::mt19937_64 random(seed);
    for (int i = 0; i < 6; ++i) run_tag_ += letters[random() % 36];
}

std::string FixtureFactory::client_secret() {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::mt19937_64 random(seed_ ^ (0x9e3779b97f4a7c15ULL * ++counter_));
    std::string secret = "mx3pid-";
    for (int i = 0; i < 24; ++i) secret += alphabet[random() % 62];
    return secret;
}

Address FixtureFactory::fresh_address(spec::Medium medium) {
    Address address;
    address.medium = medium;
    auto n = ++counter_;
    if (medium == spec::Medium::email) {
        address.email = "mx3pid-" + run_tag_ + "-" + std::to_string(n) + "@" + profile_.fresh_email_domain;
    } else {
        // Fill the national number up to 10 digits after the prefix, varying with seed and counter.
        std::size_t width = profile_.fresh_msisdn_prefix.size() < 10 ? 10 - profile_.fresh_msisdn_prefix.size() : 3;
        std::uint64_t modulus = 1;
        for (std::size_t i = 0; i < width; ++i) modulus *= 10;
        auto suffix = std::to_string((seed_ + n * 7919) % modulus);
        address.msisdn = {profile_.fresh_msisdn_country,
                          profile_.fresh_msisdn_prefix + std::string(width - suffix.size(), '0') + suffix};
    }
    if (is_reserved(address)) return fresh_address(medium);  // the counter moved on: the next one differs
    return address;
}

std::int64_t FixtureFactory::send_attempt() {
    std::mt19937_64 random(seed_ ^ (0xc2b2ae3d27d4eb4fULL * ++counter_));
    return 2 + static_cast<std::int64_t>(random() % 998);
}

std::string FixtureFactory::next_link(const std::string& case_id) {
    std::string path;
    for (char c : case_id) path += c == '/' ? '-' : c;
    return "https://client.mx3pid.invalid/validated/" + run_tag_ + "/" + path;
}

}  // namespace mx3pid::harness
