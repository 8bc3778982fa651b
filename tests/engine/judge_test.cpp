#include "engine/judge.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::suite;
using namespace mx3pid::engine;
using mx3pid::net::Response;
using mx3pid::reports::CheckResult;
using mx3pid::reports::Verdict;

namespace {
const auto r0_4 = *mx3pid::spec::Edition::parse("r0.4.0");
const auto v1_4 = *mx3pid::spec::Edition::parse("v1.4");

StepExpectation expecting(std::vector<int> status, std::vector<std::string> errcode = {},
                          std::map<int, std::vector<std::string>> by_status = {}) {
    StepExpectation expect;
    expect.status = std::move(status);
    expect.errcode = std::move(errcode);
    expect.errcode_by_status = std::move(by_status);
    return expect;
}

std::vector<std::string> names(const std::vector<CheckResult>& checks) {
    std::vector<std::string> out;
    for (const auto& check : checks) out.push_back(check.name);
    return out;
}

Verdict verdict_of(const std::vector<CheckResult>& checks, const std::string& name) {
    for (const auto& check : checks)
        if (check.name == name) return check.verdict;
    ADD_FAILURE() << "no check " << name;
    return Verdict::error;
}

Response error(int status, const std::string& errcode) {
    return Response::json(status, R"({"errcode":")" + errcode + R"(","error":"no"})");
}
}  // namespace

TEST(JudgeAnswer, OneErrorStatusChecksTheErrorBody) {
    auto checks = judge_answer("POST", expecting({400}, {"M_THREEPID_IN_USE"}), error(400, "M_THREEPID_IN_USE"), r0_4);
    EXPECT_EQ(names(checks), (std::vector<std::string>{"status", "error body", "errcode", "error message"}));
    for (const auto& check : checks) EXPECT_EQ(check.verdict, Verdict::pass) << check.name;
    EXPECT_EQ(verdict_of(judge_answer("POST", expecting({400}, {"M_THREEPID_IN_USE"}), error(400, "M_UNKNOWN"), r0_4), "errcode"),
              Verdict::fail);
}

TEST(JudgeAnswer, AnUnexpectedStatusFailsOnlyTheStatus) {
    auto checks = judge_answer("POST", expecting({400}, {"M_THREEPID_IN_USE"}), error(403, "M_THREEPID_DENIED"), r0_4);
    EXPECT_EQ(names(checks), std::vector<std::string>{"status"});
    EXPECT_EQ(checks.front().verdict, Verdict::fail);
}

TEST(JudgeAnswer, SeveralStatusesJudgeWhicheverCameBack) {
    const auto expect = expecting({200, 400}, {}, {{400, {"M_SERVER_NOT_TRUSTED"}}});
    auto refused = judge_answer("POST", expect, error(400, "M_SERVER_NOT_TRUSTED"), r0_4);
    EXPECT_EQ(verdict_of(refused, "errcode"), Verdict::pass);
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(400, "M_UNKNOWN"), r0_4), "errcode"), Verdict::fail);
    auto accepted = judge_answer("POST", expect, Response::json(200, R"({"sid":"abc"})"), r0_4);
    EXPECT_EQ(names(accepted), (std::vector<std::string>{"status", "sid"}));
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, Response::json(200, R"({"sid":"a/b"})"), r0_4), "sid"), Verdict::fail);
}

TEST(JudgeAnswer, PerStatusErrcodesApplyToTheirOwnStatus) {
    const auto expect = expecting({403, 400}, {}, {{403, {"M_THREEPID_DENIED"}}, {400, {"M_THREEPID_NOT_FOUND"}}});
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(403, "M_THREEPID_DENIED"), r0_4), "errcode"), Verdict::pass);
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(400, "M_THREEPID_NOT_FOUND"), r0_4), "errcode"), Verdict::pass);
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(403, "M_THREEPID_NOT_FOUND"), r0_4), "errcode"), Verdict::fail);
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(400, "M_THREEPID_DENIED"), r0_4), "errcode"), Verdict::fail);
}

TEST(JudgeAnswer, ErrcodesForAllStatusesAndOneOfTheirOwn) {
    const auto expect = expecting({413, 400}, {"M_TOO_LARGE", "M_BAD_JSON"}, {{413, {"M_TOO_LARGE"}}});
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(400, "M_BAD_JSON"), r0_4), "errcode"), Verdict::pass);
    EXPECT_EQ(verdict_of(judge_answer("POST", expect, error(413, "M_BAD_JSON"), r0_4), "errcode"), Verdict::fail);
}

TEST(JudgeAnswer, ContentTypeOfEveryJsonAnswerFromV14) {
    auto text_labelled = Response::text(200, R"({"sid":"abc"})");
    EXPECT_EQ(names(judge_answer("POST", expecting({200}), text_labelled, r0_4)), (std::vector<std::string>{"status", "sid"}));
    EXPECT_EQ(verdict_of(judge_answer("POST", expecting({200}), text_labelled, v1_4), "content type"), Verdict::fail);
    auto with_charset = Response::json(200, R"({"sid":"abc"})");
    with_charset.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    EXPECT_EQ(verdict_of(judge_answer("POST", expecting({200}), with_charset, v1_4), "content type"), Verdict::pass);
    auto error_as_text = Response::text(400, R"({"errcode":"M_BAD_JSON","error":"no"})");
    EXPECT_EQ(verdict_of(judge_answer("POST", expecting({400}), error_as_text, v1_4), "content type"), Verdict::fail);
}

TEST(JudgeAnswer, OnlyAPostIsAnsweredWithASid) {
    auto preflight = judge_answer("OPTIONS", expecting({200, 204}), Response::json(200, "{}"), v1_4);
    EXPECT_EQ(names(preflight), std::vector<std::string>{"status"});
}

TEST(Unimplemented, FourOhFourFourOhFiveOrUnrecognizedOnAPost) {
    EXPECT_TRUE(unimplemented_reason("POST", expecting({200}), error(404, "M_UNRECOGNIZED")));
    EXPECT_TRUE(unimplemented_reason("POST", expecting({200}), Response::text(405, "no")));
    EXPECT_TRUE(unimplemented_reason("POST", expecting({200}), error(400, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason("POST", expecting({200}), error(400, "M_BAD_JSON")));
    EXPECT_FALSE(unimplemented_reason("POST", expecting({200}), error(500, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason("GET", expecting({200}), error(404, "M_UNRECOGNIZED")));
    EXPECT_FALSE(unimplemented_reason("POST", expecting({404}), error(404, "M_UNRECOGNIZED")));
}

TEST(Conclude, LevelsDecideFailOrWarnButA5xxAlwaysFails) {
    mx3pid::reports::CaseResult result;
    result.checks = {{"status", Verdict::fail, "400", "200"}, {"sid", Verdict::fail, "a sid", "none"}};
    conclude(result, Level::should, false);
    EXPECT_EQ(result.verdict, Verdict::warn);
    EXPECT_EQ(result.message, "status: expected 400, got 200 (and 1 more: sid)");

    result.checks = {{"status", Verdict::fail, "400", "500"}};
    conclude(result, Level::should, true);
    EXPECT_EQ(result.verdict, Verdict::fail);
    EXPECT_EQ(result.checks.front().verdict, Verdict::fail);

    result.checks = {{"status", Verdict::pass, "400", "400"}};
    conclude(result, Level::must, false);
    EXPECT_EQ(result.verdict, Verdict::pass);
}
