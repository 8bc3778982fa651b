#pragma once
// Judges one case's observation of the side channel against what the case expects there.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/case_model.hpp"
#include "engine/detail/secrets.hpp"
#include "engine/side_channel.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::engine {

/// Checks on counts (tokens delivered, untrusted identity server requests) and, when asked, that the
/// validation was delivered as the client asked (`sent` is the first request's body) and that the
/// sid answered is the one the validation carries.
std::vector<reports::CheckResult> judge_side_channel(const suite::SideChannelExpectation& expect, spec::Validation validation,
                                                     const Observation& seen, const nlohmann::json& sent,
                                                     const std::optional<std::string>& answered_sid,
                                                     const detail::Secrets& secrets);

/// One line per arrival, for the report, secrets redacted.
std::vector<std::string> describe(const Observation& seen, const Address& address, const detail::Secrets& secrets);

}  // namespace mx3pid::engine
