#pragma once
// Failures grouped by cause: one fault of a server (a wrong Content-Type on every error, say) breaks
// the same rule in dozens of cases, and a reader needs that rule once, with the cases it spans.
// A cause is the sentence a broken check tests (CheckResult::sentences), or, for a check that cites
// none, the check's name and expected value. Used by the console recap, Markdown, HTML and the
// GitHub annotations, so that every report names the same causes in the same order.
#include <string>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports::detail {

struct Cause {
    /// What the group is: fail (a broken MUST), warn (a broken SHOULD), not_implemented (one
    /// endpoint), xpass (one known-failures entry) or error (one reason mx3pid could not judge).
    Verdict verdict = Verdict::fail;
    std::string title;     ///< one line: the sentence's words, or "NAME: expected VALUE"
    std::string sentence;  ///< the sentence ID, when the cause is one
    std::string level;     ///< "MUST" or "SHOULD" for a broken check; empty otherwise
    std::string url;       ///< where to read the rule (the sentence's, else the example case's citation)
    std::vector<const CaseResult*> cases;  ///< each case ID once, in run order (with several editions, its first result)
    /// With several editions: those (indices into RunResult::editions) in which some case breaks it.
    std::vector<std::size_t> editions;
    const CaseResult* example = nullptr;   ///< the first of `cases`
    /// The example in a line: "content type: expected application/json, got text/plain", or the
    /// case's headline when no check stands for the cause.
    std::string example_text;

    /// What the writers print after "e.g. ": the example's ID, and its text when the title does not
    /// already say it; empty for NOIMP (the title names the endpoint and what it answered).
    std::string example_line() const;
};

/// Every cause of the run: failures (FAIL, NOIMP, XPASS) first, then ERRORs, then WARNs; within
/// each, the cause with the most cases first (ties in run order). A case breaking two rules is in
/// both groups. Cases not run, skipped and xfailed are in none. With several editions, a cause
/// gathers its cases from every edition.
std::vector<Cause> causes_of(const RunResult& run);

/// True for the causes that make a run fail (everything but warn).
bool is_failure(const Cause& cause);

/// The cases compactly, as kinds and the endpoints they ran on: "denied, duplicate on every
/// endpoint; valid on register/email, 3pid/email". "Every endpoint" means every endpoint the run
/// has that kind for (`run_cases`), when there are two or more.
std::string cases_compactly(const std::vector<const CaseResult*>& cases, const std::vector<CaseResult>& run_cases);

/// Cases that were selected but not run, by the reason after "not run: " in their message.
struct NotRunReason {
    std::string reason;  ///< "interrupted", "rate limited …", "fixture error: …"
    std::vector<const CaseResult*> cases;  ///< each case ID once
    std::vector<std::size_t> editions;     ///< with several editions: those in which some case was not run for it
    /// Endpoints of which every case of the run is among `cases` (said once, like NOIMP).
    std::vector<std::string> whole_endpoints;
};
std::vector<NotRunReason> not_run_by_reason(const RunResult& run);

/// What a reader can do about cases not run for `reason`, in one sentence; empty when nothing.
std::string not_run_advice(const std::string& reason);

}  // namespace mx3pid::reports::detail
