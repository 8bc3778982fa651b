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

TEST(Checks, ErrorBodyWantsJsonAnAllowedErrcodeAndAMessage) {
    auto good = check_error_body(Response::json(400, R"({"errcode":"M_THREEPID_IN_USE","error":"taken"})"),
                                 {"M_THREEPID_IN_USE"}, r0_4);
    for (const auto& check : good) EXPECT_EQ(check.verdict, Verdict::pass) << check.name;

    auto wrong_code = check_error_body(Response::json(400, R"({"errcode":"M_UNKNOWN","error":"x"})"), {"M_THREEPID_IN_USE"}, r0_4);
    EXPECT_EQ(verdict_of(wrong_code, "errcode"), Verdict::fail);

    auto no_code = check_error_body(Response::json(400, R"({"error":"x"})"), {"M_THREEPID_IN_USE"}, r0_4);
    EXPECT_EQ(verdict_of(no_code, "errcode"), Verdict::fail);

    auto no_message = check_error_body(Response::json(400, R"({"errcode":"M_THREEPID_IN_USE"})"), {}, r0_4);
    EXPECT_EQ(verdict_of(no_message, "error message"), Verdict::fail);
    EXPECT_EQ(verdict_of(no_message, "errcode"), Verdict::pass) << "any namespaced code when none is named";

    auto not_json = check_error_body(Response::text(400, "M_THREEPID_IN_USE: taken"), {"M_THREEPID_IN_USE"}, r0_4);
    ASSERT_EQ(not_json.size(), 1u);
    EXPECT_EQ(not_json[0].verdict, Verdict::fail);

    auto unnamespaced = check_error_body(Response::json(400, R"({"errcode":"oops","error":"x"})"), {}, r0_4);
    EXPECT_EQ(verdict_of(unnamespaced, "errcode"), Verdict::fail);
}

TEST(Checks, ContentTypeIsRequiredFromV14Only) {
    Response plain{400, {{"Content-Type", "text/plain"}}, R"({"errcode":"M_UNKNOWN","error":"x"})"};
    auto old = check_error_body(plain, {}, r0_4);
    for (const auto& check : old) EXPECT_NE(check.name, "content type");
    EXPECT_EQ(verdict_of(check_error_body(plain, {}, v1_4), "content type"), Verdict::fail);
    Response with_charset{400, {{"content-type", "application/json; charset=utf-8"}}, plain.body};
    EXPECT_EQ(verdict_of(check_error_body(with_charset, {}, v1_4), "content type"), Verdict::pass);
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
    for (const auto& check : check_error_body(odd, {}, v1_4))
        if (check.name == "content type") EXPECT_EQ(check.actual.find('\n'), std::string::npos) << check.actual;
}
