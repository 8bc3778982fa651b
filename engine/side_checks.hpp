#pragma once
// Judges one case's observation of the side channel against what the case expects there.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/case_model.hpp"
#include "engine/detail/secrets.hpp"
#include "engine/judge.hpp"
#include "engine/side_channel.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::engine {

/// Checks on counts (tokens delivered, untrusted identity server requests) and, when asked, that the
/// validation was delivered as the client asked (`sent` is the first request's body), how the
/// request reached the identity server (proxy, delegate), and that the sid answered is the one the
/// validation carries. The validation mode is `judging.where.mode`.
std::vector<reports::CheckResult> judge_side_channel(const suite::SideChannelExpectation& expect, const Observation& seen,
                                                     const nlohmann::json& sent, const std::optional<std::string>& answered_sid,
                                                     const detail::Secrets& secrets, const Judging& judging);

/// One line per arrival, for the report, secrets redacted.
std::vector<std::string> describe(const Observation& seen, const Address& address, const detail::Secrets& secrets);

}  // namespace mx3pid::engine
