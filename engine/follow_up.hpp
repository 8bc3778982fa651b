#pragma once
// Completes a validation as the user (or the client) would: submits the token that reached the
// address to the homeserver's submit_url, or follows the mailed link, and judges whether the
// homeserver accepted it.
#include <optional>
#include <string>
#include <vector>

#include "engine/asker.hpp"
#include "engine/request_builder.hpp"
#include "engine/side_channel.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"
#include "spec/validation.hpp"

namespace mx3pid::engine {

struct FollowUp {
    /// "validation completes" and, for submit_url, "submit_url answer"; none when there is nothing
    /// to judge. A failure names the sentences it breaks; the caller attaches the judge's table.
    std::vector<reports::CheckResult> checks;
    std::string error;  ///< the homeserver could not be asked: the case is an error
};

/// Everything completing a validation takes from the edition judged: what it sends and what it
/// requires. Editions with equal rules follow a validation up alike, so a run of several editions
/// shares one follow-up between them (engine/units.hpp); one that differs here follows up apart.
struct FollowUpRules {
    /// Before r0.5.0 there is no submit_url: a mailed link stands for the identity service's
    /// submitToken, so it must carry sid and client_secret beside the token (else it is not followed).
    bool link_names_session = false;
    /// From v1.18, submit_url refuses as the identity service's submitToken does: before the token
    /// is submitted, it is sent a wrong token and a malformed client_secret (two more requests).
    bool probe_submit_url_refusals = false;

    bool operator==(const FollowUpRules&) const = default;
};

FollowUpRules follow_up_rules(const spec::Edition& edition);

/// Self validation: the mailed token to submit_url (when answered) or the mailed link. Delegated
/// validation: the token the identity server received, to submit_url when the homeserver answered one.
/// With `rules.probe_submit_url_refusals`, submit_url is first sent a wrong token and a malformed
/// client_secret, which it refuses as the identity service's submitToken does.
FollowUp complete_validation(spec::Validation validation, const FollowUpRules& rules, const Observation& seen,
                             const std::optional<net::Response>& first_answer, const std::optional<std::string>& sid,
                             const CaseValues& values, Asker& asker, detail::Secrets& secrets,
                             std::vector<reports::HttpExchange>& transcript);

/// Judges the answer to following a validation link: a redirect to the case's next_link; a 2xx page
/// that is not an error completes the validation but misses the redirect.
reports::CheckResult judge_link_answer(const net::Response& response, const std::string& next_link);

}  // namespace mx3pid::engine
