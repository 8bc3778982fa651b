#pragma once
// Which checks a case makes and the sentences each tests: the checks its case file asks for (status,
// errcode, CORS headers, the side channel), with the sentences the file cites, and the checks the
// judge makes on its own on every answer of a kind (error body, content type, sid, …), with the
// sentences this table names for every edition. engine/ makes the checks; coverage and the
// mutation score read the same plan.
#include <string>
#include <string_view>
#include <vector>

#include "suite/case_model.hpp"

namespace mx3pid::suite {

/// The answers a judge's own check is made on.
enum class Answers {
    every,        ///< every answer to the case's requests
    error,        ///< an error status the step expects
    success,      ///< a 200 to a POST that the step expects
    side_channel, ///< what reached the identity server or the mailbox
    follow_up,    ///< completing the validation (submit_url, the mailed link)
};

/// A check the judge makes whatever the case file says.
struct JudgeCheck {
    std::string_view name;  ///< as reports name it
    Answers on;
    /// Every edition's records (the catalogue keeps those holding where the check is judged).
    std::vector<std::string> sentences;
};

namespace check {
inline constexpr std::string_view status = "status";
inline constexpr std::string_view errcode = "errcode";
inline constexpr std::string_view cors = "CORS headers";
inline constexpr std::string_view utf8 = "UTF-8";
inline constexpr std::string_view error_body = "error body";
inline constexpr std::string_view error_message = "error message";
inline constexpr std::string_view content_type = "content type";
inline constexpr std::string_view sid = "sid";
inline constexpr std::string_view submit_url = "submit_url";
inline constexpr std::string_view tokens = "validation tokens delivered";
inline constexpr std::string_view decoy = "untrusted identity server requests";
inline constexpr std::string_view delivered = "delivered";
inline constexpr std::string_view sid_matches = "sid matches";
inline constexpr std::string_view identity_request = "identity server request";
inline constexpr std::string_view identity_fields = "identity server fields";
inline constexpr std::string_view rate_limit = "rate limit answer";
inline constexpr std::string_view completes = "validation completes";
inline constexpr std::string_view submit_answer = "submit_url answer";
}  // namespace check

/// The judge's own checks, in the order it makes them.
const std::vector<JudgeCheck>& judge_checks();
/// One of them by name; throws std::logic_error for a name that is not one.
const JudgeCheck& judge_check(std::string_view name);
/// The errcode check when the step names no codes: an errcode in the spec's namespace form.
const std::vector<std::string>& errcode_form_sentences();

/// How the judge's checks on what reached the identity server count in a validation mode: at their
/// sentences' level where the request named that server (proxy); as advice only where the server's
/// own configuration names it (delegate), which the client-server spec does not reach; not made
/// where nothing reaches an identity server (self).
enum class IdentitySide { at_level, advice, not_made };
IdentitySide identity_side(spec::Validation mode);
/// "judged at its sentences' level", "advice only", "not made".
std::string_view to_string(IdentitySide treatment);
/// Those checks: identity server request, identity server fields.
const std::vector<std::string_view>& identity_side_checks();
/// Each validation mode with its treatment: "proxy judged at its sentences' level; delegate advice only; self not made".
std::string identity_side_by_mode();

/// The report name of a check a case file asks for by key ("tokens_delivered" → "validation tokens delivered").
std::string_view check_name(std::string_view key);

/// One check a case makes where it is judged.
struct PlannedCheck {
    std::string name;
    std::vector<std::string> cited;  ///< IDs and globs, every edition's
    Answers on = Answers::every;
    std::size_t step = 0;            ///< for checks on an answer: which step's
};

/// Every check `source` makes in `edition`, the case file's and the judge's, in a stable order.
/// Which of them are judged in a run depends on the answers (an errcode only on an error status).
std::vector<PlannedCheck> planned_checks(const CaseTemplate& source, const spec::Edition& edition);

}  // namespace mx3pid::suite
