#pragma once
// Judges what the homeserver answered to one step, and turns a case's checks into its verdict.
#include <optional>
#include <string>
#include <vector>

#include "suite/case_model.hpp"
#include "net/message.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::engine {

/// Every check one answer gets: its status among the expected ones; for an error status that is
/// expected, the standard error body with the errcodes allowed for that status; for a 200 to a POST
/// that is expected, the sid grammar and submit_url; from v1.4, Content-Type application/json on it.
std::vector<reports::CheckResult> judge_answer(const std::string& method, const suite::StepExpectation& expect,
                                               const net::Response& response, const spec::Edition& edition);

/// When a POST was answered as if the endpoint did not exist (404 or 405, or M_UNRECOGNIZED with
/// any 4xx) where the step expected otherwise: why the endpoint looks unimplemented.
std::optional<std::string> unimplemented_reason(const std::string& method, const suite::StepExpectation& expect,
                                                const net::Response& response);

/// The case's verdict from its checks: a failed check is a FAIL in a MUST case and a WARN in a
/// SHOULD case, except that a 5xx answer (`server_error`) is a FAIL whatever the case's level.
/// The message names the first failing check and the names of the others.
void conclude(reports::CaseResult& result, suite::Level level, bool server_error);

}  // namespace mx3pid::engine
