// The response checks on any response: byte 0 picks the status, byte 1 the length of the
// Content-Type that follows it (255: no Content-Type header), the rest is the body.
#include <algorithm>
#include <array>

#include "fuzz/fuzz_support.hpp"
#include "engine/detail/checks.hpp"
#include "spec/grammar.hpp"

using namespace mx3pid;
using engine::detail::one_line;
using reports::CheckResult;
using reports::Verdict;

namespace {

constexpr std::array common_statuses = {200, 201, 204, 302, 400, 401, 403, 404, 405, 413, 429, 500, 502, 503};

int status_from(std::uint8_t byte) {
    if (byte < 128) return common_statuses[byte % common_statuses.size()];
    return 100 + (byte - 128) * 500 / 128;
}

/// `input_valid`: the body and the Content-Type were valid UTF-8.
void expect_one_line(const CheckResult& check, bool input_valid) {
    for (const auto* text : {&check.expected, &check.actual})
        fuzz::expect(text->find_first_of("\r\n") == std::string::npos, "a check's expected/actual spans lines", *text);
    fuzz::expect(check.verdict == Verdict::pass || check.verdict == Verdict::fail, "a check neither passed nor failed");
    if (input_valid)
        for (const auto* text : {&check.expected, &check.actual})
            fuzz::expect(fuzz::is_valid_utf8(*text), "valid UTF-8 in, invalid UTF-8 in a check", *text);
}

void check_one_line(const std::string& text, std::size_t limit) {
    auto line = one_line(text, limit);
    fuzz::expect(line.find_first_of("\r\n\t") == std::string::npos, "one_line left a line break or tab", line);
    fuzz::expect(line.size() <= limit + std::string_view("…").size(), "one_line longer than its limit", line);
    if (text.size() <= limit) fuzz::expect(line.size() == text.size(), "one_line changed the length of a short text");
    if (fuzz::is_valid_utf8(text)) fuzz::expect(fuzz::is_valid_utf8(line), "one_line broke a UTF-8 sequence", line);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    net::Response response;
    response.status = status_from(data[0]);
    std::size_t type_length = data[1];
    std::size_t at = 2;
    if (type_length != 255) {
        type_length = std::min(type_length % 64, size - at);
        response.headers.emplace_back("Content-Type", std::string(fuzz::as_text(data + at, type_length)));
        at += type_length;
    }
    response.body = std::string(fuzz::as_text(data + at, size - at));
    const bool input_valid =
        fuzz::is_valid_utf8(response.body) && fuzz::is_valid_utf8(response.header("Content-Type").value_or(""));

    for (const auto& expected : std::vector<std::vector<int>>{{200}, {400}, {403, 400}, {}}) {
        auto check = engine::detail::check_status(expected, response);
        bool listed = std::find(expected.begin(), expected.end(), response.status) != expected.end();
        fuzz::expect((check.verdict == Verdict::pass) == listed, "check_status disagrees with the list");
        expect_one_line(check, input_valid);
    }

    auto body_checks = engine::detail::check_error_body(response);
    fuzz::expect(!body_checks.empty(), "check_error_body judged nothing");
    for (const auto& one : body_checks) expect_one_line(one, input_valid);
    const std::vector<std::vector<std::string>> allowed_lists = {
        {}, {"M_THREEPID_IN_USE"}, {"M_THREEPID_DENIED", "M_THREEPID_NOT_FOUND"}, {"M_UNRECOGNIZED"}};
    for (const auto& allowed : allowed_lists)
        if (auto errcode = engine::detail::check_errcode(response, allowed)) expect_one_line(*errcode, input_valid);
    expect_one_line(engine::detail::check_content_type(response), input_valid);
    expect_one_line(engine::detail::check_utf8(response), input_valid);
    for (const char* name : {"r0.4.0", "r0.6.1", "v1.3", "v1.4", "v1.11"}) {
        auto edition = spec::Edition::parse(name);
        fuzz::expect(edition.has_value(), "a known edition does not parse", name);
        expect_one_line(engine::detail::check_cors(response, *edition), input_valid);
        if (auto submit_url = engine::detail::check_submit_url(response, *edition)) expect_one_line(*submit_url, input_valid);
    }

    auto check = engine::detail::check_sid(response);
    expect_one_line(check, input_valid);
    auto sid = engine::detail::sid_of(response);
    if (check.verdict == Verdict::pass) {
        fuzz::expect(sid.has_value(), "check_sid passed but sid_of found no sid");
        fuzz::expect(spec::is_valid_sid(*sid), "check_sid passed an invalid sid", *sid);
    }
    if (sid && spec::is_valid_sid(*sid))
        fuzz::expect(check.verdict == Verdict::pass, "check_sid failed a valid sid", check.actual);

    for (std::size_t limit : {0, 1, 4, 80, 160}) check_one_line(response.body, limit);
    return 0;
}
