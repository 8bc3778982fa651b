// The judge: which checks an answer gets, the sentences each names and the level they give, and
// how a case's verdict follows from its checks' levels.
#include "engine/judge.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::suite;
using namespace mx3pid::engine;
using mx3pid::net::Response;
using mx3pid::reports::CheckResult;
using mx3pid::reports::Verdict;

namespace {

const Catalogue& catalogue() {
    static const auto loaded = load_catalogue(std::string(MX3PID_SOURCE_DIR) + "/cases/sentences");
    return loaded;
}

const mx3pid::spec::Endpoint& endpoint(const char* key) { return *mx3pid::spec::find_endpoint_by_key(key); }

Judging at(const char* edition, const char* endpoint_key = "register/email",
           mx3pid::spec::Validation mode = mx3pid::spec::Validation::proxy) {
    return {catalogue(), {*mx3pid::spec::Edition::parse(edition), &endpoint(endpoint_key), mode}};
}

Step step(std::vector<int> status, std::vector<std::string> errcode = {}, std::map<int, std::vector<std::string>> by_status = {},
          const char* method = "POST") {
    Step made;
    made.request.method = method;
    made.expect.status = std::move(status);
    made.expect.errcode = std::move(errcode);
    made.expect.errcode_by_status = std::move(by_status);
    made.expect.sentences["status"].any = {"cs.response.200.sent", "cs.invalid.status"};
    if (!made.expect.errcode.empty() || !made.expect.errcode_by_status.empty())
        made.expect.sentences["errcode"].any = {"cs.register.in_use.errcode", "cs.error.code.unknown*"};
    return made;
}

std::vector<std::string> names(const std::vector<CheckResult>& checks) {
    std::vector<std::string> out;
    for (const auto& check : checks) out.push_back(check.name);
    return out;
}

const CheckResult& named(const std::vector<CheckResult>& checks, const std::string& name) {
    for (const auto& check : checks)
        if (check.name == name) return check;
    ADD_FAILURE() << "no check " << name;
    static const CheckResult none;
    return none;
}

Response error(int status, const std::string& errcode) {
    return Response::json(status, R"({"errcode":")" + errcode + R"(","error":"no"})");
}

}  // namespace

TEST(JudgeAnswer, AnErrorStatusGetsTheStandardErrorBodyAndItsErrcode) {
    auto checks = judge_answer(step({400}, {"M_THREEPID_IN_USE"}), error(400, "M_THREEPID_IN_USE"), at("r0.4.0"));
    EXPECT_EQ(names(checks), (std::vector<std::string>{"status", "UTF-8", "error body", "error message", "errcode", "content type"}));
    for (const auto& check : checks) EXPECT_EQ(check.verdict, Verdict::pass) << check.name;
    auto wrong = judge_answer(step({400}, {"M_THREEPID_IN_USE"}), error(400, "M_UNKNOWN"), at("r0.4.0"));
    EXPECT_EQ(named(wrong, "errcode").verdict, Verdict::fail);
}

TEST(JudgeAnswer, EveryCheckNamesTheSentencesOfTheEditionJudgedAndTheirLevel) {
    auto old = judge_answer(step({400}, {"M_THREEPID_IN_USE"}), error(400, "M_THREEPID_IN_USE"), at("r0.4.0"));
    for (const auto& check : old) {
        EXPECT_FALSE(check.sentences.empty()) << check.name;
        EXPECT_FALSE(check.level.empty()) << check.name;
    }
    EXPECT_EQ(named(old, "error body").level, "MUST");
    // Content-Type: a SHOULD before v1.4 (the r0 wording), a MUST from v1.4.
    EXPECT_EQ(named(old, "content type").level, "SHOULD");
    EXPECT_EQ(named(old, "content type").sentences, std::vector<std::string>{"cs.api.content_type.r0"});
    auto now = judge_answer(step({400}, {"M_THREEPID_IN_USE"}), error(400, "M_THREEPID_IN_USE"), at("v1.4"));
    EXPECT_EQ(named(now, "content type").level, "MUST");
    EXPECT_EQ(named(now, "content type").sentences, std::vector<std::string>{"cs.api.response_content_type"});
    // The standard error response is under "API Standards" before v1.1, under its own heading from v1.1.
    const auto& body_old = named(old, "error body").sentences;
    EXPECT_NE(std::find(body_old.begin(), body_old.end(), "cs.error.standard.r0"), body_old.end());
    const auto& body_now = named(now, "error body").sentences;
    EXPECT_NE(std::find(body_now.begin(), body_now.end(), "cs.error.standard"), body_now.end());
}

TEST(JudgeAnswer, AFailureNamesOnlyTheSentenceItBreaks) {
    auto checks = judge_answer(step({200}), Response::json(200, R"({"submit_url":"x"})"), at("v1.11"));
    const auto& sid = named(checks, "sid");
    EXPECT_EQ(sid.verdict, Verdict::fail);
    EXPECT_EQ(sid.sentences, std::vector<std::string>{"cs.response.sid.required"});
    EXPECT_EQ(sid.level, "MUST");
    EXPECT_EQ(named(checks, "submit_url").sentences,
              (std::vector<std::string>{"cs.response.submit_url.is_url", "cs.response.submit_url.format"}));
    auto slashed = judge_answer(step({200}), Response::json(200, R"({"sid":"a/b"})"), at("v1.11"));
    EXPECT_EQ(named(slashed, "sid").sentences, std::vector<std::string>{"cs.response.sid.grammar"});
}

TEST(JudgeAnswer, AnUnexpectedStatusFailsTheStatusAndIsNotJudgedFurther) {
    auto checks = judge_answer(step({400}, {"M_THREEPID_IN_USE"}), error(403, "M_THREEPID_DENIED"), at("r0.4.0"));
    EXPECT_EQ(names(checks), (std::vector<std::string>{"status", "UTF-8"}));
    EXPECT_EQ(checks.front().verdict, Verdict::fail);
}

TEST(JudgeAnswer, PerStatusErrcodesApplyToTheirOwnStatus) {
    const auto expect = step({403, 400}, {}, {{403, {"M_THREEPID_DENIED"}}, {400, {"M_THREEPID_NOT_FOUND"}}});
    EXPECT_EQ(named(judge_answer(expect, error(403, "M_THREEPID_DENIED"), at("r0.4.0")), "errcode").verdict, Verdict::pass);
    EXPECT_EQ(named(judge_answer(expect, error(400, "M_THREEPID_NOT_FOUND"), at("r0.4.0")), "errcode").verdict, Verdict::pass);
    EXPECT_EQ(named(judge_answer(expect, error(403, "M_THREEPID_NOT_FOUND"), at("r0.4.0")), "errcode").verdict, Verdict::fail);
}

TEST(JudgeAnswer, AnErrcodeCitedByStatusTakesItsStatusSentences) {
    auto expect = step({403, 400}, {}, {{403, {"M_THREEPID_DENIED"}}, {400, {"M_THREEPID_NOT_FOUND"}}});
    expect.expect.sentences["errcode"] = Cited{{}, {}, {}, {}, {{403, {"cs.denied.errcode"}}, {400, {"cs.password.not_found.errcode"}}}};
    auto denied = named(judge_answer(expect, error(403, "M_UNKNOWN"), at("v1.11", "password/email")), "errcode");
    EXPECT_EQ(denied.level, "SHOULD") << "M_THREEPID_DENIED is only the 403's example";
    auto not_found = named(judge_answer(expect, error(400, "M_UNKNOWN"), at("v1.11", "password/email")), "errcode");
    EXPECT_EQ(not_found.level, "MUST");
}

TEST(JudgeAnswer, InvalidUtf8IsAFailureOfItsOwnSentence) {
    auto checks = judge_answer(step({200}), Response::json(200, "{\"sid\":\"a\xff\"}"), at("v1.11"));
    EXPECT_EQ(named(checks, "UTF-8").verdict, Verdict::fail);
    EXPECT_EQ(named(checks, "UTF-8").sentences, std::vector<std::string>{"cs.api.utf8"});
}

TEST(JudgeAnswer, OnlyAPostIsAnsweredWithASid) {
    auto preflight = judge_answer(step({200, 204}, {}, {}, "OPTIONS"), Response::json(200, "{}"), at("v1.4"));
    EXPECT_EQ(names(preflight), (std::vector<std::string>{"status", "UTF-8"}));
}

TEST(JudgeAnswer, ACheckThatCitesOnlyFreedomsWhereItRunsIsNotMade) {
    auto repeat = step({200, 400});
    repeat.expect.sentences["status"].any = {"cs.gap.repeat.msisdn"};
    auto checks = judge_answer(repeat, Response::json(500, "{}"), at("v1.11", "register/msisdn"));
    EXPECT_EQ(names(checks), std::vector<std::string>{"UTF-8"});
}

TEST(Unimplemented, FourOhFourFourOhFiveOrUnrecognizedOnAPost) {
    EXPECT_TRUE(unimplemented_reason(step({200}), error(404, "M_UNRECOGNIZED")));
    EXPECT_TRUE(unimplemented_reason(step({200}), Response::text(405, "no")));
    EXPECT_TRUE(unimplemented_reason(step({200}), error(400, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason(step({200}), error(400, "M_BAD_JSON")));
    EXPECT_FALSE(unimplemented_reason(step({200}), error(500, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason(step({200}, {}, {}, "GET"), error(404, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason(step({404}), error(400, "M_UNRECOGNIZED"))) << "the step asks an endpoint that is not there";
    auto elsewhere = step({404});
    elsewhere.request.path_medium = "pigeon";
    EXPECT_FALSE(unimplemented_reason(elsewhere, error(405, "M_UNRECOGNIZED")));
}

TEST(Conclude, AFailedMustFailsAFailedShouldWarnsAndA5xxAlwaysFails) {
    mx3pid::reports::CaseResult result;
    result.checks = {{"status", Verdict::fail, "400", "200", "SHOULD", {"cs.request.address.refuse_malformed"}},
                     {"errcode", Verdict::pass, "M_X", "M_X", "SHOULD", {"cs.error.code.invalid_param"}}};
    conclude(result, false);
    EXPECT_EQ(result.verdict, Verdict::warn);
    EXPECT_EQ(result.level, "SHOULD");
    EXPECT_EQ(result.checks.front().verdict, Verdict::warn);
    EXPECT_EQ(result.message, "status: expected 400, got 200 [cs.request.address.refuse_malformed]");

    result.checks = {{"status", Verdict::pass, "200", "200", "MUST", {"cs.response.200.sent"}},
                     {"sid", Verdict::fail, "a sid", "none", "MUST", {"cs.response.sid.required"}},
                     {"tokens", Verdict::fail, "1", "2", "SHOULD", {"cs.request.send_attempt.email.only_greater"}}};
    conclude(result, false);
    EXPECT_EQ(result.verdict, Verdict::fail);
    EXPECT_EQ(result.level, "MUST");
    EXPECT_EQ(result.checks[2].verdict, Verdict::warn);

    result.checks = {{"status", Verdict::fail, "400", "500", "SHOULD", {"cs.request.address.refuse_malformed"}}};
    conclude(result, true);
    EXPECT_EQ(result.verdict, Verdict::fail);
    EXPECT_NE(result.message.find("a 5xx is a failure at any level"), std::string::npos);

    result.checks = {{"status", Verdict::pass, "400", "400", "MUST", {"cs.invalid.status"}}};
    conclude(result, false);
    EXPECT_EQ(result.verdict, Verdict::pass);
}

TEST(Conclude, AFailedAdviceCheckIsReportedButNeitherWarnsNorFails) {
    mx3pid::reports::CaseResult result;
    result.checks = {{"status", Verdict::pass, "200", "200", "MUST", {"cs.response.200.sent"}},
                     {"identity server fields", Verdict::fail, "only defined keys", "also id_server", "advice",
                      {"is.request.email.defined_keys"}}};
    conclude(result, false);
    EXPECT_EQ(result.verdict, Verdict::pass);
    EXPECT_EQ(result.level, "MUST");
    EXPECT_EQ(result.checks[1].verdict, Verdict::warn);
    EXPECT_EQ(result.message, "advice: identity server fields: expected only defined keys, got also id_server");

    result.checks.push_back({"tokens", Verdict::fail, "1", "2", "SHOULD", {"cs.request.send_attempt.email.only_greater"}});
    conclude(result, false);
    EXPECT_EQ(result.verdict, Verdict::warn);
    EXPECT_EQ(result.message, "tokens: expected 1, got 2 [cs.request.send_attempt.email.only_greater]")
        << "advice is never the headline of a warning";
}
