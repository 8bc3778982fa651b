#pragma once
// Executes selected cases against a target and judges them. Formats nothing.
#include <functional>
#include <vector>

#include "harness/fixtures.hpp"
#include "harness/profile.hpp"
#include "harness/selection.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"
#include "net/url.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::harness {

/// What a run talks to and how.
struct Environment {
    net::Url homeserver;
    spec::Edition edition;
    const Profile& profile;
    mock_identity::IdentityServer& identity;  ///< the identity server the homeserver trusts
    mock_identity::IdentityServer& decoy;     ///< one it must not trust
    net::ClientOptions client;
    FixtureFactory& fixtures;
};

/// Called after each case, in order, for progress output.
using CaseListener = std::function<void(const reports::CaseResult&)>;

/// Runs every case in order. Never throws for anything the target does.
std::vector<reports::CaseResult> run_cases(const std::vector<SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case = {});

}  // namespace mx3pid::harness
