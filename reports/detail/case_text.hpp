#pragma once
// The words every writer uses about one case. Everything returned here is raw: it may still hold
// whatever the server sent, so each writer passes it through visible_text or one_line.
#include <string>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports::detail {

/// "r0.4.0 — POST /_matrix/client/r0/register/email/requestToken <https://…> (in v1.13 <https://…>)"
std::string spec_text(const SpecRef& ref);

/// Every spec_text, joined: "r0.4.0 — POST /_matrix/client/r0/register/email/requestToken <https://…> (in v1.13 <https://…>); …",
/// or empty.
std::string spec_line(const CaseResult& result);

/// The case's spec references with each page and anchor once (several sentences share a section),
/// in the order first cited: for writers that link sections without the sentences' words.
std::vector<const SpecRef*> distinct_places(const CaseResult& result);

/// "status: expected 400, got 200"
std::string check_summary(const CheckResult& check);

/// "cs.response.sid.required (schema): The 200 body … <https://…>"
std::string sentence_text(const Sentence& sentence);

/// One sentence_text per sentence a check that did not pass breaks, for the case's endpoint; an ID
/// the run has no words for is given alone.
std::vector<std::string> broken_lines(const CheckResult& check, const CaseResult& result, const RunResult& run);

/// What the verdict means for this case, in one sentence: the message (or the first broken
/// check), the skip reason, or what a known-failure entry says.
std::string headline(const CaseResult& result);

/// One exchange as a readable transcript: request, then response or transport error. Bodies are
/// capped at body_limit.
std::string transcript(const HttpExchange& exchange);

/// "30 cases: 28 passed, 1 warned, 1 failed, 0 errors, 0 skipped", with "not implemented",
/// "xfailed" and "xpassed" counts when not zero; "12 of 30 cases: …" when cases were not run, and
/// " — interrupted" at the end of an interrupted run.
std::string count_summary(const Counts& counts, bool interrupted);

/// What a reader of the run must see before the cases: the edition note, then the run warnings,
/// then every side-channel arrival credited to no case.
std::vector<std::string> run_notes(const RunResult& run);

/// The whole story of a case: id and title, level, spec, verdict, checks (with the sentences each
/// failed one breaks), side channel, every exchange, the curl line and the times. Ends with a newline.
std::string case_details(const CaseResult& result, const RunResult& run);

}  // namespace mx3pid::reports::detail
