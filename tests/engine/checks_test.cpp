#include "engine/detail/checks.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::engine::detail;
using mx3pid::net::Response;
using mx3pid::reports::Verdict;

namespace {
const auto r0_4 = *mx3pid::spec::Edition::parse("r0.4.0");
const auto v1_4 = *mx3pid::spec::Edition::parse("v1.4");

Verdict verdict_of(const std::vector<mx3pid::reports::CheckResult>& checks, const std::string& name) {
    for (const auto& check : checks)
        if (check.name == name) return check.verdict;
    ADD_FAILURE() << "no check " << name;
    return Verdict::error;
}
}  // namespace

TEST(Checks, StatusPassesOnlyForAnExpectedCode) {
    EXPECT_EQ(check_status({400}, Response::json(400, "{}")).verdict, Verdict::pass);
    EXPECT_EQ(check_status({403, 400}, Response::json(400, "{}")).verdict, Verdict::pass);
    auto wrong = check_status({400}, Response::json(200, R"({"sid":"x"})"));
    EXPECT_EQ(wrong.verdict, Verdict::fail);
    EXPECT_EQ(wrong.actual, R"(200 {"sid":"x"})");
}

TEST(Checks, SidGrammarAtItsBoundaries) {
    EXPECT_EQ(check_sid(Response::json(200, R"({"sid":"a"})")).verdict, Verdict::pass);
    EXPECT_EQ(check_sid(Response::json(200, "{\"sid\":\"" + std::string(255, 'a') + "\"}")).verdict, Verdict::pass);
    EXPECT_EQ(check_sid(Response::json(200, "{\"sid\":\"" + std::string(256, 'a') + "\"}")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, R"({"sid":""})")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, R"({"sid":"a/b"})")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, R"({"sid":1})")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, R"({})")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, "sid=a")).verdict, Verdict::fail);
    EXPECT_EQ(check_sid(Response::json(200, R"(["sid"])")).verdict, Verdict::fail);
}

TEST(Checks, ErrorBodyWantsAJsonObjectWithAStringErrcodeAndAMessage) {
    auto good = check_error_body(Response::json(400, R"({"errcode":"M_THREEPID_IN_USE","error":"taken"})"));
    ASSERT_EQ(good.size(), 2u);
    for (const auto& check : good) EXPECT_EQ(check.verdict, Verdict::pass) << check.name;

    auto no_code = check_error_body(Response::json(400, R"({"error":"x"})"));
    EXPECT_EQ(verdict_of(no_code, "error body"), Verdict::fail);
    EXPECT_EQ(no_code[0].sentences, (std::vector<std::string>{"cs.error.schema.errcode_required", "cs.error.both_keys.r0",
                                                              "cs.error.both_keys"}));
    auto number_code = check_error_body(Response::json(400, R"({"errcode":4,"error":"x"})"));
    EXPECT_EQ(number_code[0].sentences, std::vector<std::string>{"cs.error.schema.errcode_type"});

    auto no_message = check_error_body(Response::json(400, R"({"errcode":"M_THREEPID_IN_USE"})"));
    EXPECT_EQ(verdict_of(no_message, "error message"), Verdict::fail);
    auto number_message = check_error_body(Response::json(400, R"({"errcode":"M_X","error":3})"));
    EXPECT_EQ(number_message[1].sentences, std::vector<std::string>{"cs.error.schema.error_type"});

    auto not_json = check_error_body(Response::text(400, "M_THREEPID_IN_USE: taken"));
    ASSERT_EQ(not_json.size(), 1u);
    EXPECT_EQ(not_json[0].verdict, Verdict::fail);
}

TEST(Checks, ErrcodeAmongTheAllowedOrNamespaced) {
    EXPECT_EQ(check_errcode(Response::json(400, R"({"errcode":"M_UNKNOWN"})"), {"M_THREEPID_IN_USE"})->verdict, Verdict::fail);
    EXPECT_EQ(check_errcode(Response::json(400, R"({"errcode":"M_THREEPID_IN_USE"})"), {"M_THREEPID_IN_USE"})->verdict, Verdict::pass);
    EXPECT_EQ(check_errcode(Response::json(400, R"({"errcode":"M_ANY"})"), {})->verdict, Verdict::pass);
    EXPECT_EQ(check_errcode(Response::json(400, R"({"errcode":"oops"})"), {})->verdict, Verdict::fail);
    EXPECT_FALSE(check_errcode(Response::json(400, R"({"error":"x"})"), {})) << "no errcode: the error body check fails";
}

TEST(Checks, ContentTypeIsApplicationJsonWithAnyParameters) {
    Response plain{400, {{"Content-Type", "text/plain"}}, R"({"errcode":"M_UNKNOWN","error":"x"})"};
    EXPECT_EQ(check_content_type(plain).verdict, Verdict::fail);
    Response with_charset{400, {{"content-type", "application/json; charset=utf-8"}}, plain.body};
    EXPECT_EQ(check_content_type(with_charset).verdict, Verdict::pass);
}

TEST(Checks, CorsHeadersAsRecommended) {
    Response none{200, {}, "{}"};
    auto missing = check_cors(none, v1_4);
    EXPECT_EQ(missing.verdict, Verdict::fail);
    Response good{200,
                  {{"Access-Control-Allow-Origin", "*"},
                   {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"},
                   {"Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization"}},
                  "{}"};
    EXPECT_EQ(check_cors(good, v1_4).verdict, Verdict::pass);
    auto old = check_cors(good, r0_4);
    EXPECT_EQ(old.verdict, Verdict::fail) << "r0.x recommends Origin and Accept too";
    EXPECT_EQ(old.sentences, (std::vector<std::string>{"cs.cors.allow_headers.r0", "cs.cors.allow_headers"}));
    Response narrow = good;
    narrow.headers[0].second = "https://client.example";
    EXPECT_EQ(check_cors(narrow, v1_4).sentences, std::vector<std::string>{"cs.cors.allow_origin"});
}

TEST(Checks, RateLimitAnswersAsTheEditionAsks) {
    mx3pid::reports::HttpExchange exchange;
    exchange.status = 429;
    exchange.response_body = R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow","retry_after_ms":20})";
    EXPECT_EQ(check_rate_limit(exchange, r0_4).verdict, Verdict::pass);
    EXPECT_EQ(check_rate_limit(exchange, *mx3pid::spec::Edition::parse("v1.10")).sentences,
              std::vector<std::string>{"cs.ratelimit.retry_after"});
    exchange.response_headers = {{"Retry-After", "0"}};
    exchange.response_body = R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow"})";
    EXPECT_EQ(check_rate_limit(exchange, *mx3pid::spec::Edition::parse("v1.10")).verdict, Verdict::pass);
    EXPECT_EQ(check_rate_limit(exchange, r0_4).sentences, std::vector<std::string>{"cs.ratelimit.retry_after_ms.r0"});
}

TEST(Checks, OneLineCutsAndFlattens) {
    EXPECT_EQ(one_line("a\nb\tc"), "a b c");
    EXPECT_EQ(one_line(std::string(10, 'x'), 4), "xxxx…");
}

TEST(Checks, OneLineNeverCutsACharacterInHalf) {
    EXPECT_EQ(one_line("aaa\xC3\xA9", 4), "aaa…");
    EXPECT_EQ(one_line("aa\xC3\xA9", 4), "aa\xC3\xA9");
}

TEST(Checks, AContentTypeWithLineBreaksIsReportedOnOneLine) {
    Response odd{400, {{"Content-Type", "text/plain\r\nX-Injected: yes"}}, R"({"errcode":"M_UNKNOWN","error":"x"})"};
    EXPECT_EQ(check_content_type(odd).actual.find('\n'), std::string::npos) << check_content_type(odd).actual;
}
