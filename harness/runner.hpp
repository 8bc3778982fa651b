#pragma once
// Executes selected cases against a target and judges them. Formats nothing.
#include <atomic>
#include <functional>
#include <vector>

#include "harness/fixtures.hpp"
#include "harness/profile.hpp"
#include "harness/selection.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"
#include "net/url.hpp"
#include "reports/run_result.hpp"
#include "smtp_sink/smtp_sink.hpp"
#include "spec/edition.hpp"

namespace mx3pid::harness {

/// What a run talks to and how.
struct Environment {
    net::Url homeserver;
    spec::Edition edition;
    const Profile& profile;
    mock_identity::IdentityServer& identity;  ///< the identity server the homeserver trusts (or delegates to)
    mock_identity::IdentityServer& decoy;     ///< one it must not trust
    smtp_sink::SmtpSink* mailbox;             ///< where a self-validating server's mail lands; may be null
    net::Client http;                         ///< keeps connections alive between cases
    FixtureFactory& fixtures;
    std::atomic<std::size_t> rate_limited{0};  ///< 429 answers waited out so far
    const std::atomic<bool>* stop = nullptr;  ///< when set and true, the remaining cases are not run
    bool redact = true;                       ///< client secrets and tokens become <redacted> in results
    unsigned jobs = 1;                        ///< cases run at once; cases sharing a profile address never do
    std::string id_server;                    ///< what requests name as the trusted id_server; empty: where it listens
};

/// Called after each case, in order, before the result is kept: it may amend it (known failures).
using CaseListener = std::function<void(reports::CaseResult&)>;

/// Runs every case, `jobs` at a time, and returns the results in the order of `cases` (stopping early,
/// in order, when `stop` is set). Never throws for anything the target does. After three cases in a row
/// end in a timeout or a rate limit that never lifts, the rest are reported as errors without asking.
std::vector<reports::CaseResult> run_cases(const std::vector<SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case = {});

}  // namespace mx3pid::harness
