#include "engine/fixtures.hpp"

#include <algorithm>
#include <random>
#include <string_view>

namespace mx3pid::engine {

namespace {

std::mt19937_64 generator(std::uint64_t seed, std::size_t index, std::uint64_t purpose) {
    std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                           static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(purpose)};
    return std::mt19937_64(sequence);
}

/// FNV-1a: a hash that is the same on every platform and in every build.
std::uint64_t stable_hash(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return hash;
}

/// A number below 998 that only the case ID decides, so that the same case asks with the same
/// offset above the floor whatever the seed.
std::int64_t send_attempt_offset(std::string_view case_id) { return static_cast<std::int64_t>(stable_hash(case_id) % 998); }

}  // namespace

std::string Address::describe() const {
    return medium == spec::Medium::email ? email : msisdn.country + " " + msisdn.phone_number;
}

std::int64_t send_attempt_floor(std::chrono::system_clock::time_point now) {
    constexpr std::int64_t start_of_2024 = 1704067200;  // seconds since 1970
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return 2 + std::max<std::int64_t>(0, seconds - start_of_2024);
}

FixtureFactory::FixtureFactory(std::uint64_t seed, const suite::Profile& profile, std::int64_t first_send_attempt)
    : seed_(seed), first_send_attempt_(std::max<std::int64_t>(2, first_send_attempt)), profile_(profile) {
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    auto random = generator(seed, 0, 0);
    for (int i = 0; i < 6; ++i) run_tag_ += letters[random() % 36];
}

bool FixtureFactory::is_reserved(const Address& address) const {
    auto same = [&](const std::optional<suite::Msisdn>& other) {
        return other && other->country == address.msisdn.country && other->phone_number == address.msisdn.phone_number;
    };
    if (address.medium == spec::Medium::email)
        return address.email == profile_.bound_email || address.email == profile_.denied_email;
    return same(profile_.bound_msisdn) || same(profile_.denied_msisdn);
}

CaseFixtures FixtureFactory::for_case(std::size_t index, const std::string& case_id) const {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    auto random = generator(seed_, index, 1);
    CaseFixtures fixtures;
    fixtures.client_secret = "mx3pid-";
    for (int i = 0; i < 24; ++i) fixtures.client_secret += alphabet[random() % 62];
    fixtures.send_attempt = first_send_attempt_ + send_attempt_offset(case_id);
    fixtures.entropy = stable_hash(run_tag_ + "/" + case_id);
    std::string path;
    for (char c : case_id) path += c == '/' ? '-' : c;
    fixtures.next_link = next_link_prefix() + path;
    return fixtures;
}

CaseFixtures FixtureFactory::for_unit(std::size_t index, const std::string& case_id, std::size_t ordinal) const {
    auto fixtures = for_case(index, case_id);
    if (ordinal > 0) fixtures.next_link += "." + std::to_string(ordinal + 1);
    fixtures.entropy += ordinal;
    return fixtures;
}

std::string FixtureFactory::next_link_prefix() const { return "https://client.mx3pid.invalid/validated/" + run_tag_ + "/"; }

Address FixtureFactory::fresh_address(std::size_t index, spec::Medium medium) const {
    Address address;
    address.medium = medium;
    // A reserved address is skipped by moving to a number no case index reaches.
    for (std::uint64_t attempt = 0;; ++attempt) {
        const std::uint64_t n = index + attempt * 1000003;
        if (medium == spec::Medium::email) {
            address.email = "mx3pid-" + run_tag_ + "-" + std::to_string(n) + "@" + profile_.fresh_email_domain;
        } else {
            std::size_t width = profile_.fresh_msisdn_prefix.size() < 10 ? 10 - profile_.fresh_msisdn_prefix.size() : 3;
            std::uint64_t modulus = 1;
            for (std::size_t i = 0; i < width; ++i) modulus *= 10;
            auto suffix = std::to_string((seed_ + n * 7919) % modulus);
            address.msisdn = {profile_.fresh_msisdn_country,
                              profile_.fresh_msisdn_prefix + std::string(width - suffix.size(), '0') + suffix};
        }
        if (!is_reserved(address) || attempt >= 3) return address;
    }
}

}  // namespace mx3pid::engine
