#include "targets/fixture_setup.hpp"

#include <algorithm>

#include "targets/detail/fixture_check.hpp"
#include "targets/detail/provision.hpp"

namespace mx3pid::targets {
namespace {

using suite::AddressChoice;
constexpr spec::Medium media[] = {spec::Medium::email, spec::Medium::msisdn};

/// Fixture indices no case reaches, for the check's requests (two per address).
constexpr std::size_t check_index = 910000;

constexpr const char* stand_in = "(made by mx3pid)";

/// Does some selected case that will be asked rely on the profile's `role` address of `medium`?
bool relied_on(const std::vector<suite::SelectedCase>& selected, AddressChoice role, spec::Medium medium) {
    return std::any_of(selected.begin(), selected.end(), [&](const suite::SelectedCase& one) {
        const auto& instance = one.instance;
        return !one.skip_reason && !one.not_run_reason && instance.endpoint->medium == medium &&
               suite::resolve_address(instance.source->address, *instance.endpoint) == role;
    });
}

std::optional<engine::Address> profile_address(const suite::Profile& profile, AddressChoice role, spec::Medium medium) {
    engine::Address address;
    address.medium = medium;
    const bool bound = role == AddressChoice::bound;
    if (medium == spec::Medium::email) {
        const auto& email = bound ? profile.bound_email : profile.denied_email;
        if (!email) return std::nullopt;
        address.email = *email;
    } else {
        const auto& msisdn = bound ? profile.bound_msisdn : profile.denied_msisdn;
        if (!msisdn) return std::nullopt;
        address.msisdn = *msisdn;
    }
    return address;
}

void store_bound(suite::Profile& profile, const engine::Address& address) {
    if (address.medium == spec::Medium::email) {
        profile.bound_email = address.email;
    } else {
        profile.bound_msisdn = address.msisdn;
    }
}

/// Makes the bound addresses in `to_make`; false when no account could be made (`setup.refused` says why).
bool make_bound(detail::TokenRounds& rounds, suite::Profile& profile, const std::vector<spec::Medium>& to_make, FixtureSetup& setup,
                const std::function<void(const std::string&)>& say) {
    auto provisioned = detail::provision(rounds, to_make, [&](const detail::ProvisionStep& step) {
        say("setup: " + step.what + ": " + (step.ok ? "" : "REFUSED: ") + step.detail);
    });
    if (!provisioned.refused.empty()) {
        setup.refused = "cannot make the bound addresses: " + provisioned.refused;
        return false;
    }
    for (const auto& made : provisioned.made) {
        if (made.bound) {
            store_bound(profile, *made.bound);
            setup.self_made = true;
            continue;
        }
        const auto key = detail::profile_key(AddressChoice::bound, made.medium);
        setup.errors.push_back({AddressChoice::bound, made.medium,
                                "fixture error: mx3pid could not make a " + key + " (registration:): " + made.failure});
    }
    return true;
}

void check_named(detail::TokenRounds& rounds, const suite::Profile& profile, AddressChoice role, spec::Medium medium,
                 std::size_t index, FixtureSetup& setup, const std::function<void(const std::string&)>& say) {
    auto address = profile_address(profile, role, medium);
    if (!address) return;
    auto checked = role == AddressChoice::bound ? detail::check_bound(rounds, *address, index)
                                                : detail::check_denied(rounds, *address, index);
    say("setup: check " + checked.finding);
    if (checked.warning) setup.warnings.push_back("fixture check: " + *checked.warning);
    if (checked.error) setup.errors.push_back({role, medium, *checked.error});
}

void mark_not_run(std::vector<suite::SelectedCase>& selected, const std::vector<FixtureError>& errors) {
    for (auto& one : selected) {
        if (one.skip_reason) continue;
        const auto role = suite::resolve_address(one.instance.source->address, *one.instance.endpoint);
        for (const auto& error : errors)
            if (error.role == role && error.medium == one.instance.endpoint->medium) one.not_run_reason = error.reason;
    }
}

}  // namespace

suite::Profile as_planned(suite::Profile profile) {
    if (!profile.registration) return profile;
    if (!profile.bound_email) profile.bound_email = stand_in;
    if (!profile.bound_msisdn) profile.bound_msisdn = suite::Msisdn{stand_in, stand_in};
    return profile;
}

FixtureSetup set_up_fixtures(const FixtureContext& context, suite::Profile& profile, std::vector<suite::SelectedCase>& selected,
                             const std::function<void(const std::string&)>& on_line) {
    auto say = [&](const std::string& line) {
        if (on_line) on_line(line);
    };
    FixtureSetup setup;
    detail::TokenRounds rounds(context, profile);
    std::vector<spec::Medium> to_make, named_bound;
    for (auto medium : media) {
        if (!relied_on(selected, AddressChoice::bound, medium)) continue;
        (profile_address(profile, AddressChoice::bound, medium) ? named_bound : to_make).push_back(medium);
    }
    if (!to_make.empty() && profile.registration && !make_bound(rounds, profile, to_make, setup, say)) return setup;
    const auto before_check = rounds.asked();
    std::size_t index = check_index;
    for (auto medium : named_bound) check_named(rounds, profile, AddressChoice::bound, medium, index += 2, setup, say);
    for (auto medium : media)
        if (relied_on(selected, AddressChoice::denied, medium))
            check_named(rounds, profile, AddressChoice::denied, medium, index += 2, setup, say);
    setup.check_requests = rounds.asked() - before_check;
    for (const auto& error : setup.errors) say("setup: " + error.reason);
    mark_not_run(selected, setup.errors);
    return setup;
}

std::string describe_bound(const suite::Profile& profile) {
    std::string text;
    if (profile.bound_email) text = *profile.bound_email;
    if (profile.bound_msisdn)
        text += (text.empty() ? "" : ", ") + profile.bound_msisdn->country + " " + profile.bound_msisdn->phone_number;
    return text.empty() ? "none" : text;
}

}  // namespace mx3pid::targets
