// The matcher that credits a side-channel arrival to a case: the strongest key it carries decides,
// a tie stays unattributed unless a weaker key tells the tied cases apart, and a shared profile
// address never places anything.
#include "engine/detail/attribution.hpp"

#include <gtest/gtest.h>

#include "tests/engine/addresses.hpp"

using namespace mx3pid;
using engine::Address;
using engine::testing::email;
using engine::testing::msisdn;
using engine::detail::ArrivalKeys;
using engine::detail::attribute;
using engine::detail::CaseKeys;
using engine::detail::Key;

namespace {

CaseKeys fresh_case(const std::string& label) {
    return {label, "https://client.mx3pid.invalid/validated/run/" + label, {"secret-" + label}, {"sid-" + label},
            email(label + "@allowed.example"), ""};
}

std::vector<const CaseKeys*> pointers(const std::vector<CaseKeys>& cases) {
    std::vector<const CaseKeys*> out;
    for (const auto& one : cases) out.push_back(&one);
    return out;
}

/// An arrival carrying the keys named in `mask` (bit 0 next_link … bit 3 address), each one of a
/// different case: key k points at cases[k].
ArrivalKeys mixed_arrival(const std::vector<CaseKeys>& cases, unsigned mask) {
    ArrivalKeys arrival;
    if (mask & 1u) arrival.next_link = cases[0].next_link;
    if (mask & 2u) arrival.secrets = {cases[1].secrets.front()};
    if (mask & 4u) arrival.sids = {cases[2].sids.front()};
    if (mask & 8u) arrival.email = cases[3].address.email;
    return arrival;
}

}  // namespace

TEST(Attribution, TheStrongestKeyCarriedDecidesWhateverElseItCarries) {
    const std::vector<CaseKeys> cases{fresh_case("a"), fresh_case("b"), fresh_case("c"), fresh_case("d")};
    const Key order[] = {Key::next_link, Key::client_secret, Key::sid, Key::address};
    for (unsigned mask = 1; mask < 16; ++mask) {
        SCOPED_TRACE("keys carried: " + std::to_string(mask));
        std::size_t strongest = 0;
        while (!(mask & (1u << strongest))) ++strongest;
        auto placed = attribute(mixed_arrival(cases, mask), pointers(cases));
        ASSERT_TRUE(placed.owner.has_value()) << placed.reason;
        EXPECT_EQ(*placed.owner, strongest);
        EXPECT_EQ(placed.key, order[strongest]);
        EXPECT_FALSE(placed.tie_broken_by.has_value());
    }
}

TEST(Attribution, AKeyNoCaseClaimsLeavesTheDecisionToAWeakerOne) {
    const std::vector<CaseKeys> cases{fresh_case("a"), fresh_case("b")};
    ArrivalKeys arrival;
    arrival.next_link = "https://homeserver.example/its-own-next-link";  // a server that rewrote it
    arrival.secrets = {"not-sent-by-anyone"};
    arrival.sids = {cases[1].sids.front()};
    auto placed = attribute(arrival, pointers(cases));
    ASSERT_TRUE(placed.owner);
    EXPECT_EQ(*placed.owner, 1u);
    EXPECT_EQ(placed.key, Key::sid);
}

TEST(Attribution, ATieAtOneStrengthIsUnattributed) {
    // The same malformed secret, sent by the same kind of case on two endpoints.
    std::vector<CaseKeys> cases{fresh_case("register"), fresh_case("password")};
    cases[0].secrets = cases[1].secrets = {"!mx3pidsecret"};
    ArrivalKeys arrival;
    arrival.secrets = {"!mx3pidsecret"};
    auto placed = attribute(arrival, pointers(cases));
    EXPECT_FALSE(placed.owner);
    EXPECT_NE(placed.reason.find("its client secret belongs to 2 cases (register, password)"), std::string::npos) << placed.reason;
}

TEST(Attribution, ATieIsBrokenOnlyByAWeakerKeyTheTiedCasesDoNotShare) {
    std::vector<CaseKeys> cases{fresh_case("register"), fresh_case("password"), fresh_case("other")};
    cases[0].secrets = cases[1].secrets = {"!mx3pidsecret"};
    ArrivalKeys arrival;
    arrival.secrets = {"!mx3pidsecret"};
    arrival.email = cases[1].address.email;
    auto placed = attribute(arrival, pointers(cases));
    ASSERT_TRUE(placed.owner) << placed.reason;
    EXPECT_EQ(*placed.owner, 1u);
    EXPECT_EQ(placed.key, Key::client_secret);
    EXPECT_EQ(placed.tie_broken_by, Key::address);

    // An address of a case outside the tie does not break it.
    arrival.email = cases[2].address.email;
    EXPECT_FALSE(attribute(arrival, pointers(cases)).owner);
}

TEST(Attribution, ASharedProfileAddressNeverPlacesAnArrival) {
    std::vector<CaseKeys> cases{fresh_case("register"), fresh_case("password")};
    for (auto& one : cases) {
        one.address = email("taken@allowed.example");
        one.shared_fixture = "the profile's bound email address";
    }
    ArrivalKeys arrival;
    arrival.email = "taken@allowed.example";
    auto placed = attribute(arrival, pointers(cases));
    EXPECT_FALSE(placed.owner);
    EXPECT_NE(placed.reason.find("taken@allowed.example is the profile's bound email address, which several cases share"),
              std::string::npos) << placed.reason;

    // Not even when only one case of the run has used it so far: a later one may.
    cases.pop_back();
    EXPECT_FALSE(attribute(arrival, pointers(cases)).owner);
}

TEST(Attribution, AnAddressOfOneCasesOwnPlacesItWhetherOpenOrClosed) {
    std::vector<CaseKeys> cases{fresh_case("a"), fresh_case("b")};
    cases[1].address = msisdn("GB", "7700900123");
    ArrivalKeys arrival;
    arrival.country = "GB";
    arrival.digits = "7700900123";
    auto placed = attribute(arrival, pointers(cases));
    ASSERT_TRUE(placed.owner) << placed.reason;
    EXPECT_EQ(*placed.owner, 1u);
    EXPECT_EQ(placed.key, Key::address);
    arrival.country = "US";
    EXPECT_FALSE(attribute(arrival, pointers(cases)).owner) << "the same digits in another country are another number";
}

TEST(Attribution, AnArrivalNoCaseClaimsSaysSo) {
    const std::vector<CaseKeys> cases{fresh_case("a")};
    ArrivalKeys arrival;
    arrival.secrets = {"abc"};
    arrival.email = "stranger@allowed.example";
    auto placed = attribute(arrival, pointers(cases));
    EXPECT_FALSE(placed.owner);
    EXPECT_EQ(placed.reason, "no case sent, or was told, anything it carried");
    EXPECT_EQ(attribute(ArrivalKeys{}, pointers(cases)).reason, "it carried no next_link, client secret, sid or address");
}

TEST(Attribution, WhatAnArrivalCarriedIsToldWithItsSecretsRedacted) {
    ArrivalKeys arrival;
    arrival.next_link = "https://client.mx3pid.invalid/validated/run/register-email-valid";
    arrival.secrets = {"mx3pid-secret"};
    arrival.email = "a@allowed.example";
    EXPECT_EQ(engine::detail::describe_keys(arrival, true),
              "next_link https://client.mx3pid.invalid/validated/run/register-email-valid, client_secret <redacted>, "
              "email a@allowed.example");
    EXPECT_NE(engine::detail::describe_keys(arrival, false).find("mx3pid-secret"), std::string::npos);
}
