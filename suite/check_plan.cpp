#include "suite/check_plan.hpp"

#include <algorithm>
#include <stdexcept>

namespace mx3pid::suite {

const std::vector<JudgeCheck>& judge_checks() {
    static const std::vector<JudgeCheck> table{
        {check::utf8, Answers::every, {"cs.api.utf8.r0", "cs.api.utf8"}},
        {check::error_body, Answers::error,
         {"cs.api.json_baseline", "cs.error.standard.r0", "cs.error.standard", "cs.api.response_object",
          "cs.error.schema.errcode_required", "cs.error.schema.errcode_type", "cs.error.both_keys.r0", "cs.error.both_keys",
          "cs.error.extra_keys.r0", "cs.error.extra_keys"}},
        {check::error_message, Answers::error, {"cs.error.both_keys.r0", "cs.error.both_keys", "cs.error.schema.error_type"}},
        {check::content_type, Answers::every, {"cs.api.content_type.r0", "cs.api.response_content_type"}},
        {check::sid, Answers::success,
         {"cs.response.sid.required", "cs.response.sid.type", "cs.response.sid.grammar", "cs.response.sid.not_empty",
          "cs.response.sid.max_length", "cs.response.sid.opaque"}},
        {check::submit_url, Answers::success,
         {"cs.response.submit_url.optional", "cs.response.submit_url.type", "cs.response.submit_url.is_url",
          "cs.response.submit_url.format"}},
        {check::identity_request, Answers::side_channel,
         {"is.request.path.v1", "is.request.path.r0_6", "is.request.path", "is.v1_deprecation.v2_first",
          "is.request.auth_required", "is.auth.header.r0_6", "is.auth.header", "cs.request.id_access_token.presented.r0_6",
          "cs.request.id_access_token.presented", "is.request.email.required_keys", "is.request.msisdn.required_keys",
          "is.api.json.r0", "is.api.request_content_type", "is.api.request_object", "is.api.utf8.r0", "is.api.utf8",
          "is.request.form_encoded"}},
        {check::identity_fields, Answers::side_channel, {"is.request.email.defined_keys", "is.request.msisdn.defined_keys"}},
        {check::rate_limit, Answers::every,
         {"cs.ratelimit.errcode", "cs.error.code.limit_exceeded.r0", "cs.error.code.limit_exceeded", "cs.error.common.r0",
          "cs.error.common.any_endpoint", "cs.ratelimit.retry_after_ms.type", "cs.ratelimit.retry_after_ms.r0",
          "cs.ratelimit.retry_after_ms", "cs.ratelimit.retry_after"}},
        {check::completes, Answers::follow_up,
         {"cs.response.sid.session", "cs.response.submit_url.accepts_token.r0_5", "cs.response.submit_url.accepts_token.r0_6",
          "cs.response.submit_url.accepts_token", "cs.response.submit_url.token_sent", "cs.response.submit_url.absent.r0_5",
          "cs.response.submit_url.absent", "cs.request.next_link.redirect", "is.token.pass_through"}},
        {check::submit_answer, Answers::follow_up,
         {"cs.response.submit_url.success_body.r0_5", "cs.response.submit_url.accepts_token",
          "cs.response.submit_url.token_incorrect", "cs.response.submit_url.invalid_param",
          "cs.request.next_link.post_ignored"}},
    };
    return table;
}

const JudgeCheck& judge_check(std::string_view name) {
    for (const auto& judged : judge_checks())
        if (judged.name == name) return judged;
    throw std::logic_error("no check of the judge is called '" + std::string(name) + "'");
}

IdentitySide identity_side(spec::Validation mode) {
    switch (mode) {
        case spec::Validation::proxy: return IdentitySide::at_level;
        case spec::Validation::delegate: return IdentitySide::advice;
        case spec::Validation::self: return IdentitySide::not_made;
    }
    return IdentitySide::not_made;
}

std::string identity_side_by_mode() {
    std::string text;
    for (auto mode : {spec::Validation::proxy, spec::Validation::delegate, spec::Validation::self})
        text += (text.empty() ? "" : "; ") + std::string(spec::to_string(mode)) + " " + std::string(to_string(identity_side(mode)));
    return text;
}

std::string_view to_string(IdentitySide treatment) {
    switch (treatment) {
        case IdentitySide::at_level: return "judged at its sentences' level";
        case IdentitySide::advice: return "advice only";
        case IdentitySide::not_made: return "not made";
    }
    return "not made";
}

const std::vector<std::string_view>& identity_side_checks() {
    static const std::vector<std::string_view> names{check::identity_request, check::identity_fields};
    return names;
}

const std::vector<std::string>& errcode_form_sentences() {
    static const std::vector<std::string> ids{"cs.error.namespace.r0", "cs.error.namespace"};
    return ids;
}

std::string_view check_name(std::string_view key) {
    if (key == "cors") return check::cors;
    if (key == "tokens_delivered") return check::tokens;
    if (key == "decoy_requests") return check::decoy;
    if (key == "sid_matches") return check::sid_matches;
    return key;  // status, errcode, delivered
}

namespace {

bool has(const std::vector<int>& statuses, bool (*test)(int)) { return std::any_of(statuses.begin(), statuses.end(), test); }

void add_judge_check(std::vector<PlannedCheck>& plan, std::string_view name, std::size_t step) {
    const auto& judged = judge_check(name);
    plan.push_back({std::string(name), judged.sentences, judged.on, step});
}

void plan_step(std::vector<PlannedCheck>& plan, const Step& step, std::size_t index, const spec::Edition& edition) {
    const auto& expect = step.expect;
    const auto cited = [&](const char* key) {
        auto found = expect.sentences.find(key);
        return found == expect.sentences.end() ? std::vector<std::string>{} : found->second.all();
    };
    plan.push_back({std::string(check::status), cited("status"), Answers::every, index});
    add_judge_check(plan, check::utf8, index);
    add_judge_check(plan, check::rate_limit, index);
    const bool errors = has(expect.status, [](int s) { return s >= 400; });
    const bool success = step.request.method == "POST" && has(expect.status, [](int s) { return s == 200; });
    if (errors) {
        add_judge_check(plan, check::error_body, index);
        add_judge_check(plan, check::error_message, index);
        const bool listed = !expect.errcode.empty() || !expect.errcode_by_status.empty();
        auto errcode = listed ? cited("errcode") : errcode_form_sentences();
        plan.push_back({std::string(check::errcode), errcode, Answers::error, index});
    }
    if (errors || success) add_judge_check(plan, check::content_type, index);
    if (success) {
        add_judge_check(plan, check::sid, index);
        if (!(edition < *spec::Edition::parse("r0.5.0"))) add_judge_check(plan, check::submit_url, index);
    }
    if (expect.cors) plan.push_back({std::string(check::cors), cited("cors"), Answers::every, index});
}

}  // namespace

std::vector<PlannedCheck> planned_checks(const CaseTemplate& source, const spec::Edition& edition) {
    std::vector<PlannedCheck> plan;
    for (std::size_t i = 0; i < source.steps.size(); ++i) plan_step(plan, source.steps[i], i, edition);
    const auto& side = source.side_channel;
    for (const auto& [key, cited] : side.sentences)
        plan.push_back({std::string(check_name(key)), cited.all(), Answers::side_channel, 0});
    if (side.delivered)
        for (auto name : identity_side_checks()) add_judge_check(plan, name, 0);
    if (side.follow_link) {
        add_judge_check(plan, check::completes, 0);
        if (!(edition < *spec::Edition::parse("r0.5.0"))) add_judge_check(plan, check::submit_answer, 0);
    }
    return plan;
}

}  // namespace mx3pid::suite
