#include "engine/judge.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"

namespace mx3pid::engine {
namespace {

using reports::CheckResult;
using reports::Verdict;

bool expects(const suite::StepExpectation& expect, int status) {
    return std::find(expect.status.begin(), expect.status.end(), status) != expect.status.end();
}

const std::vector<std::string>& allowed_errcodes(const suite::StepExpectation& expect, int status) {
    auto by_status = expect.errcode_by_status.find(status);
    return by_status != expect.errcode_by_status.end() ? by_status->second : expect.errcode;
}

bool is_json(const std::string& body) {
    return !nlohmann::json::parse(body, nullptr, false).is_discarded();
}

}  // namespace

std::vector<CheckResult> judge_answer(const std::string& method, const suite::StepExpectation& expect,
                                      const net::Response& response, const spec::Edition& edition) {
    std::vector<CheckResult> checks{detail::check_status(expect.status, response)};
    const bool expected_status = expects(expect, response.status);
    if (expected_status && response.status >= 400) {
        auto more = detail::check_error_body(response, allowed_errcodes(expect, response.status), edition);
        checks.insert(checks.end(), more.begin(), more.end());
    }
    if (expected_status && response.status == 200 && method == "POST") {
        checks.push_back(detail::check_sid(response));
        if (auto submit_url = detail::check_submit_url(response, edition)) checks.push_back(*submit_url);
        if (is_json(response.body))
            if (auto type = detail::check_content_type(response, edition)) checks.push_back(*type);
    }
    return checks;
}

std::optional<std::string> unimplemented_reason(const std::string& method, const suite::StepExpectation& expect,
                                                const net::Response& response) {
    if (method != "POST" || expects(expect, response.status)) return std::nullopt;
    const int status = response.status;
    bool unrecognized = false;
    if (status >= 400 && status < 500) {
        auto body = nlohmann::json::parse(response.body, nullptr, false);
        unrecognized = body.is_object() && body.value("errcode", "") == "M_UNRECOGNIZED";
    }
    if (status != 404 && status != 405 && !unrecognized) return std::nullopt;
    return "not implemented: the endpoint answered a POST with " + std::to_string(status) +
           (unrecognized ? " M_UNRECOGNIZED" : "") + ", as if it did not exist";
}

void conclude(reports::CaseResult& result, suite::Level level, bool server_error) {
    bool failed = false;
    for (auto& check : result.checks) {
        if (check.verdict == Verdict::pass) continue;
        failed = true;
        const bool server_error_status = server_error && check.name == "status";
        if (level == suite::Level::should && !server_error_status) check.verdict = Verdict::warn;
    }
    if (!failed) {
        result.verdict = Verdict::pass;
        return;
    }
    result.verdict = level == suite::Level::should && !server_error ? Verdict::warn : Verdict::fail;
    result.message = reports::failed_checks_message(result.checks);
    if (server_error && level == suite::Level::should) result.message += " (a 5xx is a failure at any level)";
}

}  // namespace mx3pid::engine
