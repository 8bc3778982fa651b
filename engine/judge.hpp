#pragma once
// Judges what the homeserver answered to one step, gives every check the sentences it tests and
// their level, and turns a case's checks into its verdict.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/case_model.hpp"
#include "suite/catalogue.hpp"
#include "net/message.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::engine {

/// What checks are judged against: the catalogue, and where (edition, endpoint, validation mode).
struct Judging {
    const suite::Catalogue& catalogue;
    suite::JudgedIn where;
};

/// A response with its body read as JSON once, for every check and every edition that judges it.
struct ReadResponse {
    ReadResponse(const net::Response& response);  // NOLINT(google-explicit-constructor): a response is judged as read
    const net::Response& response;
    nlohmann::json body;  ///< discarded when the body is not JSON
};

/// Gives `check` the sentences `cited` (IDs or globs) resolve to where it is judged, apart into
/// obligations and freedoms, and the level of its obligations. A failure that named the sentences it
/// breaks keeps those among them; when none of them holds here, a judge's own check (`own`) passes,
/// and a case file's check keeps all it tests. False when no obligation holds there: the check is
/// not made (only freedoms hold, and anything is accepted).
bool attach(reports::CheckResult& check, const std::vector<std::string>& cited, const Judging& judging, bool own = false);

/// attach(), and `check` joins `checks` when it is made.
void add_check(std::vector<reports::CheckResult>& checks, reports::CheckResult check, const std::vector<std::string>& cited,
               const Judging& judging, bool own = false);

/// `more` moved to the end of `checks`, which grows to just the size it needs (a run keeps every result).
void append_checks(std::vector<reports::CheckResult>& checks, std::vector<reports::CheckResult> more);

/// One of the judge's own checks (suite/check_plan.hpp names its sentences) joins `checks` when made.
void add_own_check(std::vector<reports::CheckResult>& checks, reports::CheckResult check, const Judging& judging);

/// Every check one answer to `step` gets: the status among the expected ones and its UTF-8; for an
/// error status that is expected, the standard error body and the errcodes allowed for that status;
/// for a 200 to a POST that is expected, the sid and submit_url; Content-Type application/json on
/// either when it is JSON; the CORS headers when the step asks.
std::vector<reports::CheckResult> judge_answer(const suite::Step& step, const ReadResponse& answer, const Judging& judging);

/// When a POST to the endpoint was answered as if it did not exist (404 or 405, or M_UNRECOGNIZED
/// with any 4xx) where the step expected otherwise: why the endpoint looks unimplemented.
std::optional<std::string> unimplemented_reason(const suite::Step& step, const ReadResponse& answer);

/// The case's verdict from its checks: FAIL when a MUST check failed or a 5xx came back
/// (`server_error`), WARN when only SHOULD checks failed (their verdict becomes warn), else PASS.
/// The case's level is the strongest of its checks'. The message names the first failing check
/// and the names of the others. A failed advice check (reports::advice_level) becomes warn and
/// leaves the verdict alone; a case that passes names the first in its message.
void conclude(reports::CaseResult& result, bool server_error);

}  // namespace mx3pid::engine
