#pragma once
// Executes selected cases against a target and judges them. Formats nothing.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "engine/asker.hpp"
#include "engine/fixtures.hpp"
#include "engine/judge.hpp"
#include "engine/units.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"
#include "net/url.hpp"
#include "reports/run_result.hpp"
#include "smtp_sink/smtp_sink.hpp"
#include "spec/edition.hpp"

namespace mx3pid::engine {

/// What a run talks to and how.
struct Environment {
    Environment(net::Url homeserver, spec::Edition edition, const suite::Profile& profile, const suite::Catalogue& catalogue,
                mock_identity::IdentityServer& identity, mock_identity::IdentityServer& decoy, smtp_sink::SmtpSink* mailbox,
                net::Client http, FixtureFactory& fixtures)
        : homeserver(std::move(homeserver)),
          edition(edition),
          profile(profile),
          catalogue(catalogue),
          identity(identity),
          decoy(decoy),
          mailbox(mailbox),
          http(std::move(http)),
          fixtures(fixtures) {}

    net::Url homeserver;
    spec::Edition edition;
    const suite::Profile& profile;
    const suite::Catalogue& catalogue;        ///< the sentences checks cite
    mock_identity::IdentityServer& identity;  ///< the identity server the homeserver trusts (or delegates to)
    mock_identity::IdentityServer& decoy;     ///< one it must not trust
    smtp_sink::SmtpSink* mailbox;             ///< where a self-validating server's mail lands; may be null
    net::Client http;                         ///< keeps connections alive between cases
    FixtureFactory& fixtures;
    std::atomic<std::size_t> rate_limited{0};  ///< 429 answers received (set when the run ends)
    const std::atomic<bool>* stop = nullptr;  ///< when set and true, the remaining cases are not run
    bool redact = true;                       ///< client secrets and tokens become <redacted> in results
    unsigned jobs = 1;                        ///< cases run at once; cases sharing a profile address never do
    std::string id_server;                    ///< what requests name as the trusted id_server; empty: where it listens
    /// How long after its last request a server may still act on the side channel. Observations that
    /// need something not to arrive (or exactly N things) are closed together, one grace after each
    /// job's last request; 0 closes each at its answer.
    std::chrono::milliseconds grace{0};
    /// Close each case's observation one grace after its own last request instead (for comparison).
    bool settle_each_case = false;
    std::function<void(std::size_t index, std::size_t total, const std::string& id)> on_case_start;
    WaitListener on_wait;
    std::vector<std::string> warnings;  ///< run warnings: side-channel arrivals that came after their case was judged
    std::vector<reports::UnattributedArrival> unattributed;  ///< side-channel arrivals no key placed with a case
    std::size_t units_sent = 0;      ///< execution units that sent a request (set when the run ends)
    std::size_t exchanges_sent = 0;  ///< HTTP exchanges of those units, follow-ups and 429s included
    std::size_t judgements = 0;      ///< case results judged on a unit's answers, over every edition
    std::size_t distinct_judgements = 0;  ///< of those, judged for themselves: the rest copy an edition that judges alike
    /// Editions that judge alike (engine/detail/judging_classes.hpp) share one judgement of each
    /// unit; false judges every edition on its own (to check that sharing changes no verdict).
    bool share_judgements = true;
};

/// What the checks of `instance` are judged against in `edition` (one of the run's): the catalogue,
/// the edition, the endpoint and how the profile says the server validates its medium.
Judging judging_for(const suite::Case& instance, const Environment& environment, const spec::Edition& edition);

/// A result for `selected` as judged in `edition`, with all but its verdict and level: ID, endpoint,
/// kind, title, the sentences its case file cites there; started now.
reports::CaseResult start_result(const suite::SelectedCase& selected, const Environment& environment, const spec::Edition& edition);

/// The words and places of every sentence the results' checks cite, in catalogue order (one entry
/// per endpoint for a sentence of an endpoint's own section), for RunResult::sentences.
std::vector<reports::Sentence> cited_sentences(const std::vector<reports::CaseResult>& results, const suite::Catalogue& catalogue,
                                               const spec::Edition& edition);

/// Called after each case, in order, before the result is kept: it may amend it (known failures).
using CaseListener = std::function<void(reports::CaseResult&)>;
/// Called for each case once every edition has its result, in case order, before the results are
/// kept: the case's results, one per edition in the run's order. It may amend them (known failures).
using RowListener = std::function<void(std::vector<reports::CaseResult>& row)>;

/// Runs every case, `jobs` at a time, and returns the results in the order of `cases` (stopping early,
/// in order, when `stop` is set). Never throws for anything the target does. After three cases in a row
/// time out the rest are reported as errors without asking. Once a case of a medium gives up on 429s,
/// the medium's other cases that would deliver a token are not run (skip, `not_run`) until the wait
/// the server asked for is over, or for the rest of the run when it kept refusing after every wait.
/// A case something reached after its observation closed is judged again before this returns; when
/// its verdict changes, `on_case` gets it a second time.
std::vector<reports::CaseResult> run_cases(const std::vector<suite::SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case = {});

/// run_cases for several editions at once (`environment.edition` is then only the trace's): each
/// case's requests are grouped into execution units (engine/units.hpp), every unit is sent once
/// and judged in each of its editions, with one grace window for the whole run. Returns each
/// edition's results in case order (as many in every edition: those before the stop). A case whose
/// verdict changes in some edition on a late arrival is handed to `on_row` a second time.
std::vector<std::vector<reports::CaseResult>> run_editions(const std::vector<EditionCases>& editions, Environment& environment,
                                                           const RowListener& on_row = {});

}  // namespace mx3pid::engine
