#include "engine/judge.hpp"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"
#include "suite/check_plan.hpp"

namespace mx3pid::engine {
namespace {

using reports::CheckResult;
using reports::Verdict;
namespace check = suite::check;

bool expects(const suite::StepExpectation& expect, int status) {
    return std::find(expect.status.begin(), expect.status.end(), status) != expect.status.end();
}

const std::vector<std::string>& allowed_errcodes(const suite::StepExpectation& expect, int status) {
    auto by_status = expect.errcode_by_status.find(status);
    return by_status != expect.errcode_by_status.end() ? by_status->second : expect.errcode;
}

std::vector<std::string> cited(const suite::StepExpectation& expect, const char* key) {
    auto found = expect.sentences.find(key);
    return found == expect.sentences.end() ? std::vector<std::string>{} : found->second.all();
}

}  // namespace

ReadResponse::ReadResponse(const net::Response& response)
    : response(response), body(nlohmann::json::parse(response.body, nullptr, false)) {}

bool attach(CheckResult& check, const std::vector<std::string>& cited, const Judging& judging, bool own) {
    const auto& resolved = judging.catalogue.resolve_judged(cited, judging.where);
    if (resolved.obligations.empty()) return false;
    std::vector<std::string> kept;
    if (check.verdict != Verdict::pass && !check.sentences.empty()) {
        for (const auto& id : resolved.obligations)
            if (std::find(check.sentences.begin(), check.sentences.end(), id) != check.sentences.end()) kept.push_back(id);
        if (kept.empty() && own) {
            check.verdict = Verdict::pass;
            check.actual += " (no sentence of this edition asks otherwise here)";
        }
    }
    check.freedoms = resolved.freedoms;
    if (kept.empty()) {
        check.sentences = resolved.obligations;
        check.level = resolved.level;
    } else {
        check.sentences = std::move(kept);
        check.level = judging.catalogue.level_of(check.sentences);
    }
    return true;
}

void add_check(std::vector<CheckResult>& checks, CheckResult check, const std::vector<std::string>& cited, const Judging& judging,
               bool own) {
    if (attach(check, cited, judging, own)) checks.push_back(std::move(check));
}

void append_checks(std::vector<CheckResult>& checks, std::vector<CheckResult> more) {
    checks.reserve(checks.size() + more.size());
    checks.insert(checks.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

void add_own_check(std::vector<CheckResult>& checks, CheckResult check, const Judging& judging) {
    const auto& cited = suite::judge_check(check.name).sentences;
    add_check(checks, std::move(check), cited, judging, true);
}

std::vector<CheckResult> judge_answer(const suite::Step& step, const ReadResponse& answer, const Judging& judging) {
    const auto& expect = step.expect;
    const auto& response = answer.response;
    std::vector<CheckResult> checks;
    add_check(checks, detail::check_status(expect.status, response), cited(expect, "status"), judging);
    add_own_check(checks, detail::check_utf8(response), judging);
    const bool expected_status = expects(expect, response.status);
    const bool error = expected_status && response.status >= 400;
    const bool success = expected_status && response.status == 200 && step.request.method == "POST";
    if (error) {
        for (auto& body_check : detail::check_error_body(answer)) add_own_check(checks, std::move(body_check), judging);
        const auto& allowed = allowed_errcodes(expect, response.status);
        if (auto errcode = detail::check_errcode(answer, allowed)) {
            auto found = expect.sentences.find("errcode");
            add_check(checks, std::move(*errcode),
                      allowed.empty() || found == expect.sentences.end() ? suite::errcode_form_sentences()
                                                                         : found->second.for_status(response.status),
                      judging);
        }
    }
    if ((error || success) && !answer.body.is_discarded()) add_own_check(checks, detail::check_content_type(response), judging);
    if (success) {
        add_own_check(checks, detail::check_sid(answer), judging);
        if (auto submit_url = detail::check_submit_url(answer, judging.where.edition)) add_own_check(checks, std::move(*submit_url), judging);
    }
    if (expect.cors) add_check(checks, detail::check_cors(response, judging.where.edition), cited(expect, "cors"), judging);
    return checks;
}

std::optional<std::string> unimplemented_reason(const suite::Step& step, const ReadResponse& answer) {
    const auto& response = answer.response;
    // A step that expects 404 asks an endpoint that is not there (an unknown one, or one not offered).
    if (step.request.method != "POST" || step.request.path_medium || expects(step.expect, response.status) ||
        expects(step.expect, 404))
        return std::nullopt;
    const int status = response.status;
    const bool unrecognized = status >= 400 && status < 500 && answer.body.is_object() && answer.body.value("errcode", "") == "M_UNRECOGNIZED";
    if (status != 404 && status != 405 && !unrecognized) return std::nullopt;
    return "not implemented: the endpoint answered a POST with " + std::to_string(status) +
           (unrecognized ? " M_UNRECOGNIZED" : "") + ", as if it did not exist";
}

void conclude(reports::CaseResult& result, bool server_error) {
    bool must_failed = false, should_failed = false;
    std::string advice;
    result.level.clear();
    for (auto& check : result.checks) {
        if (check.level == reports::advice_level) {
            if (check.verdict == Verdict::pass) continue;
            check.verdict = Verdict::warn;
            if (advice.empty()) advice = "advice: " + check.name + ": expected " + check.expected + ", got " + check.actual;
            continue;
        }
        if (check.level == "MUST") result.level = "MUST";
        else if (check.level == "SHOULD" && result.level.empty()) result.level = "SHOULD";
        if (check.verdict == Verdict::pass) continue;
        if (check.level == "MUST") {
            must_failed = true;
            check.verdict = Verdict::fail;
        } else {
            should_failed = true;
            check.verdict = Verdict::warn;
        }
    }
    if (!must_failed && !should_failed && !server_error) {
        result.verdict = Verdict::pass;
        result.message = advice;
        return;
    }
    result.verdict = must_failed || server_error ? Verdict::fail : Verdict::warn;
    result.message = reports::failed_checks_message(result.checks);
    if (server_error && !must_failed)
        result.message = (result.message.empty() ? std::string("a 5xx answer") : result.message) + " (a 5xx is a failure at any level)";
}

}  // namespace mx3pid::engine
