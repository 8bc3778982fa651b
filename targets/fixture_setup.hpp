#pragma once
// What a run sets up before its cases: the bound addresses the profile leaves to mx3pid
// (`registration:`) are made on the server through the spec's own flow, and the bound and denied
// addresses the profile names are checked, so that a wrong fixture is reported as a fixture error
// (its cases not run) and never as the server's failure.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "engine/fixtures.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"
#include "net/url.hpp"
#include "smtp_sink/smtp_sink.hpp"
#include "spec/edition.hpp"
#include "suite/case_model.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"

namespace mx3pid::targets {

/// The server, the mocks beside it, and how to ask: what making and checking fixtures share.
struct FixtureContext {
    net::Url homeserver;
    spec::Edition edition;  ///< the edition judged: requests are built as it spells them
    mock_identity::IdentityServer& identity;
    mock_identity::IdentityServer& decoy;
    smtp_sink::SmtpSink* mailbox;  ///< null when the server mails nothing itself
    const engine::FixtureFactory& fixtures;
    std::string id_server;  ///< what a request names as the trusted id_server
    net::ClientOptions client;
    /// How long after its answer a token may still arrive (the run's side-channel grace): the
    /// check waits this long before it reads "no token was sent".
    std::chrono::milliseconds grace{0};
    std::chrono::milliseconds token_wait{10000};  ///< how long a token mx3pid waits for may take
    /// Which of a run's servers this is (a run of several editions may start one per stretch of
    /// editions): the same addresses are made on each, with secrets of their own, so that one
    /// server's set-up never lands in another's validation session at the shared identity server.
    std::size_t server = 0;
};

/// A profile address the cases cannot rely on: those cases are not run, for `reason`.
struct FixtureError {
    suite::AddressChoice role = suite::AddressChoice::bound;  ///< bound or denied
    spec::Medium medium = spec::Medium::email;
    std::string reason;  ///< "fixture error: profile bound.email … is not bound on the server (…): bind it, or …"
};

struct FixtureSetup {
    bool self_made = false;  ///< mx3pid made a bound address itself
    /// Set: the run cannot start (registration was refused); names the step and the fix.
    std::string refused;
    std::vector<FixtureError> errors;
    /// What the check saw that stops no case: the server answering one endpoint against another.
    std::vector<std::string> warnings;
    std::size_t check_requests = 0;  ///< requestTokens the check of the named addresses sent
};

/// The profile as case selection should see it: a stand-in for each bound address mx3pid will
/// make, so that the cases relying on it are selected (and the address made only when one is).
suite::Profile as_planned(suite::Profile profile);

/// Makes the bound addresses the selected cases rely on and the profile leaves to mx3pid, storing
/// them in `profile`; checks each bound and denied address the profile names that a selected case
/// relies on; marks the cases relying on an address with a fixture error as not run. `on_line` is
/// told each step ("setup: …"). Nothing is marked when `refused` is set.
FixtureSetup set_up_fixtures(const FixtureContext& context, suite::Profile& profile, std::vector<suite::SelectedCase>& selected,
                             const std::function<void(const std::string&)>& on_line = {});

/// "a@b.example, GB 7700900001": the profile's bound addresses, for reports; "none" without any.
std::string describe_bound(const suite::Profile& profile);

}  // namespace mx3pid::targets
