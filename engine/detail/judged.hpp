#pragma once
// A case judged on its side channel keeps what its side-channel checks need, so that what arrives
// for it after its observation closed can have it judged again before the reports are written.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/detail/secrets.hpp"
#include "engine/fixtures.hpp"
#include "engine/judge.hpp"
#include "engine/side_channel.hpp"
#include "reports/run_result.hpp"
#include "suite/selection.hpp"

namespace mx3pid::engine::detail {

struct Judged {
    std::size_t edition = 0;  ///< which of the run's editions judged it
    const suite::SelectedCase* selected = nullptr;
    Judging judging;  ///< the catalogue, and the edition, endpoint and validation mode it is judged in
    nlohmann::json first_body;
    std::optional<std::string> first_sid;
    Secrets secrets;
    Address address;
    /// How many of the result's checks, at its front, are not the side channel's: those stay when it is judged again.
    std::size_t answer_checks = 0;
    bool server_error = false;
    bool served = false;  ///< the first step was answered 2xx
    reports::Verdict verdict = reports::Verdict::pass;  ///< as last judged, before known failures
};

/// Tokens that reached the case are secrets too: kept so that reports redact them.
void keep_tokens(const Observation& seen, Secrets& secrets);

/// The side-channel checks on `seen` after the answer checks, the verdict from all of them, and
/// what the side channel saw, into `result` (its message too).
void judge_observation(const Judged& judged, const Observation& seen, reports::CaseResult& result);

}  // namespace mx3pid::engine::detail
