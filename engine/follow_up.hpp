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
    std::optional<reports::CheckResult> check;  ///< nothing to judge when unset (and no error)
    std::string error;                          ///< the homeserver could not be asked: the case is an error
};

/// Everything completing a validation takes from the edition judged: what it sends and what it
/// requires. Editions with equal rules follow a validation up alike, so a run of several editions
/// shares one follow-up between them (engine/units.hpp); one that differs here follows up apart.
struct FollowUpRules {
    /// Before r0.5.0 there is no submit_url: a mailed link stands for the identity service's
    /// submitToken, so it must carry sid and client_secret beside the token (else it is not followed).
    bool link_names_session = false;

    bool operator==(const FollowUpRules&) const = default;
};

FollowUpRules follow_up_rules(const spec::Edition& edition);

/// Self validation: the mailed token to submit_url (when answered) or the mailed link. Delegated
/// validation: the token the identity server received, to submit_url when the homeserver answered one.
FollowUp complete_validation(spec::Validation validation, const FollowUpRules& rules, const Observation& seen,
                             const std::optional<net::Response>& first_answer, const std::optional<std::string>& sid,
                             const CaseValues& values, Asker& asker, detail::Secrets& secrets,
                             std::vector<reports::HttpExchange>& transcript);

/// Judges the answer to following a validation link: a 2xx that is not an error page, or a redirect
/// to the case's next_link.
reports::CheckResult judge_link_answer(const net::Response& response, const std::string& next_link);

}  // namespace mx3pid::engine
