#include "sample_run.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>

namespace mx3pid::reports::test_support {
namespace {

std::filesystem::path golden_path(const std::string& name) {
    return std::filesystem::path(MX3PID_SOURCE_DIR) / "tests" / "reports" / "golden" / name;
}

HttpExchange exchange(const std::string& path, long long start_ms, long long end_ms, int status,
                      std::string request_body, std::string response_body) {
    HttpExchange exchange;
    exchange.method = "POST";
    exchange.url = "http://127.0.0.1:8008/_matrix/client/r0" + path + "/requestToken";
    exchange.request_headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer [redacted]"}};
    exchange.request_body = std::move(request_body);
    exchange.status = status;
    exchange.response_headers = {{"Content-Type", "application/json"}, {"Content-Length", "42"}};
    exchange.response_body = std::move(response_body);
    exchange.started = at(start_ms);
    exchange.finished = at(end_ms);
    return exchange;
}

CaseResult make_case(std::string endpoint, std::string kind, Verdict verdict, long long start_ms, long long end_ms) {
    CaseResult result;
    result.id = endpoint + "/" + kind;
    result.endpoint = std::move(endpoint);
    result.kind = std::move(kind);
    result.level = "MUST";
    result.spec = {{"r0.4.0", "POST /_matrix/client/r0/" + result.endpoint + "/requestToken",
                    "https://spec.matrix.org/legacy/client_server/r0.4.0.html", "", "", ""}};
    result.verdict = verdict;
    result.started = at(start_ms);
    result.finished = at(end_ms);
    return result;
}

}  // namespace

Clock::time_point at(long long millis) {
    using namespace std::chrono;
    return Clock::time_point{sys_days{year{2024} / May / 1}} + hours{12} + milliseconds{millis};
}

std::string hostile_body() {
    return std::string("{\"errcode\":\"M_UNKNOWN\",\"error\":\"") + std::string("\x00", 1) +
           "\x01\x1b[31mred\x1b[0m \xff\xfe invalid, \xEF\xBF\xBF nonchar, ]]> <&> \\\"quoted\\\"" +
           " caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 truncated \xE2\x82\"}\r\nsecond\rline\r\n";
}

RunResult sample_run() {
    RunResult run;
    run.tool_version = "0.1.0";
    run.target = "builtin:reference";
    run.edition = "r0.4.0";
    run.edition_source = "detected";
    run.profile = "profiles/builtin.yaml";
    run.seed = "20240501";
    run.advertised_editions = {"r0.4.0", "r0.5.0"};
    run.properties = {{"jobs", "1"}, {"filter", "*"}};
    run.warnings = {"the target also advertises v1.1; judged as r0.4.0"};
    run.started = at(0);
    run.finished = at(1234);

    auto basic = make_case("register/email", "basic", Verdict::pass, 0, 12);
    basic.title = "a fresh address starts a validation session";
    basic.checks = {{"status", Verdict::pass, "200", "200", "MUST", {"cs.response.200.sent"}, {}},
                    {"sid", Verdict::pass, "[0-9a-zA-Z.=_-]{1,255}", "\"1\"", "MUST", {"cs.response.sid.required", "cs.response.sid.grammar"}, {}}};
    basic.exchanges = {exchange("/register/email", 1, 11, 200, R"({"client_secret":"[redacted]","email":"a1@allowed.example","send_attempt":1,"id_server":"127.0.0.1:8090"})",
                                R"({"sid":"1"})")};
    basic.side_channel = {"identity server: 1 request POST /_matrix/identity/api/v1/validate/email/requestToken"};
    basic.curl = "curl -X POST 'http://127.0.0.1:8008/_matrix/client/r0/register/email/requestToken' -d '{...}'";
    run.cases.push_back(basic);

    auto duplicate = make_case("register/email", "duplicate", Verdict::fail, 20, 45);
    duplicate.title = "an address that is already bound cannot start a registration";
    duplicate.spec = {{"r0.4.0", "POST /_matrix/client/r0/register/email/requestToken",
                       "https://spec.matrix.org/legacy/client_server/r0.4.0.html#post-matrix-client-r0-register-email-requesttoken",
                       "v1.1", "https://spec.matrix.org/v1.1/client-server-api/#post_matrixclientv3registeremailrequesttoken", ""},
                      {"r0.4.0", "Standard error response \xC2\xA7 M_THREEPID_IN_USE",
                       "https://spec.matrix.org/legacy/client_server/r0.4.0.html#api-standards", "", "", ""}};
    duplicate.message = "status: expected 400,\n got 200 [cs.register.in_use.status]";
    duplicate.checks = {{"status", Verdict::fail, "400", "200", "MUST", {"cs.register.in_use.status"},
                         {"cs.register.in_use.conceal"}},
                        {"errcode", Verdict::warn, "M_THREEPID_IN_USE", "M_UNKNOWN", "SHOULD", {"cs.error.code.threepid_in_use.r0"}, {}},
                        {"untrusted identity server requests", Verdict::pass, "0", "0", "MUST", {"cs.check.unbound.r0_4"}, {}}};
    duplicate.exchanges = {exchange("/register/email", 21, 44, 200, R"({"client_secret":"[redacted]","email":"taken@allowed.example"})",
                                    hostile_body())};
    duplicate.side_channel = {"identity server: no request"};
    duplicate.curl = "curl -X POST 'http://127.0.0.1:8008/_matrix/client/r0/register/email/requestToken'";
    run.cases.push_back(duplicate);

    auto grammar = make_case("register/email", "sid-grammar", Verdict::warn, 50, 53);
    grammar.title = "the sid uses only the allowed characters";
    grammar.level = "SHOULD";
    grammar.message = "sid grammar: expected [0-9a-zA-Z.=_-]{1,255}, got \"a|b c\"";
    grammar.checks = {{"sid grammar", Verdict::warn, "[0-9a-zA-Z.=_-]{1,255}", "\"a|b c\"", "SHOULD", {"cs.response.sid.grammar"}, {}}};
    grammar.exchanges = {exchange("/register/email", 50, 52, 200, "{}", R"({"sid":"a|b c"})")};
    run.cases.push_back(grammar);

    auto refused = make_case("3pid/msisdn", "basic", Verdict::error, 60, 1060);
    refused.title = "a fresh number starts a validation session";
    refused.message = "could not ask: connection refused";
    auto no_answer = exchange("/account/3pid/msisdn", 60, 1060, 0, R"({"country":"GB","phone_number":"07700900001"})", "");
    no_answer.status.reset();
    no_answer.response_headers.clear();
    no_answer.transport_error = "connection refused (127.0.0.1:8008)";
    refused.exchanges = {no_answer};
    run.cases.push_back(refused);

    auto skipped = make_case("3pid/msisdn", "duplicate", Verdict::skip, 1061, 1061);
    skipped.title = "a bound number cannot be added again";
    skipped.message = "the profile sets enumeration_protection";
    run.cases.push_back(skipped);

    auto known = make_case("password/email", "basic", Verdict::xfail, 1100, 1150);
    known.title = "a bound address starts a password reset";
    known.message = "status: expected 200, got 500";
    known.known_failure_reason = "upstream issue 1234: 500 on reset";
    known.known_failure_entry = "known-failures.yaml:3";
    known.checks = {{"status", Verdict::fail, "200", "500", "MUST", {"cs.response.200.sent"}, {}}};
    known.exchanges = {exchange("/account/password/email", 1101, 1149, 500, "{}", R"({"errcode":"M_UNKNOWN","error":"Internal server error"})")};
    run.cases.push_back(known);

    auto fixed = make_case("password/email", "unknown-address", Verdict::xpass, 1160, 1170);
    fixed.title = "an unbound address cannot start a password reset";
    fixed.known_failure_reason = "upstream issue 99";
    fixed.known_failure_entry = "known-failures.yaml:7";
    fixed.checks = {{"errcode", Verdict::pass, "M_THREEPID_NOT_FOUND", "M_THREEPID_NOT_FOUND"}};
    fixed.exchanges = {exchange("/account/password/email", 1161, 1169, 400, "{}", R"({"errcode":"M_THREEPID_NOT_FOUND"})")};
    run.cases.push_back(fixed);

    auto msisdn = make_case("register/msisdn", "basic", Verdict::pass, 1200, 1234);
    msisdn.title = "a fresh number | any country starts a session";
    msisdn.checks = {{"status", Verdict::pass, "200", "200"}};
    run.cases.push_back(msisdn);

    auto missing = make_case("password/msisdn", "valid", Verdict::not_implemented, 1240, 1241);
    missing.title = "a bound number starts a password reset";
    missing.message = "not implemented: the endpoint answered 404 as if it did not exist; status: expected 200, got 404";
    missing.checks = {{"status", Verdict::fail, "200", "404"}};
    missing.exchanges = {exchange("/account/password/msisdn", 1240, 1241, 404, "{}", R"({"errcode":"M_UNRECOGNIZED"})")};
    run.cases.push_back(missing);

    run.planned = run.cases.size();
    const std::string page = "https://matrix.org/docs/spec/client_server/r0.4.0";
    run.sentences = {
        {"cs.response.200.sent", "MUST", "A 200 answer means a message has been sent to the address in the request.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.response.200.sent", "MUST", "A 200 answer means a message has been sent to the address in the request.",
         "POST /_matrix/client/r0/account/password/email/requestToken",
         page + "#post-matrix-client-r0-account-password-email-requesttoken", "password/email"},
        {"cs.response.sid.required", "schema", "The 200 body is a JSON object whose sid key is required.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.response.sid.grammar", "MUST", "sid consists only of ASCII letters, digits and . = _ -.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.check.unbound.r0_4", "MUST", "Before anything is sent, the homeserver checks the address is not already tied to an account.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.register.in_use.status", "schema", "An address some account already has is refused with 400, unless concealed.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.register.in_use.conceal", "SHOULD", "A server able to send the message is recommended to send reset instructions instead.",
         "POST /_matrix/client/r0/register/email/requestToken", page + "#post-matrix-client-r0-register-email-requesttoken",
         "register/email"},
        {"cs.error.code.threepid_in_use.r0", "SHOULD", "M_THREEPID_IN_USE is for an identifier already in use.", "API Standards",
         page + "#api-standards", ""}};
    return run;
}

RunResult several_editions_run() {
    const auto one = sample_run();
    RunResult run = one;
    run.cases.clear();
    run.edition = "r0.6.0\u2013v1.2";
    run.edition_source = "--spec r0.6.0..v1.2: 4 editions";
    run.sharing = {5, 6, 16};
    for (const char* name : {"r0.6.0", "r0.6.1", "v1.1", "v1.2"}) {
        EditionResult edition{name, {one.cases[0], one.cases[1], one.cases[2], one.cases[4]}, {}};
        if (edition.edition.front() == 'v') {
            auto& fixed = edition.cases[1];
            fixed.verdict = Verdict::pass;
            fixed.message.clear();
            for (auto& check : fixed.checks) check.verdict = Verdict::pass;
        }
        run.editions.push_back(std::move(edition));
    }
    return run;
}

RunResult interrupted_run() {
    auto run = sample_run();
    run.interrupted = true;
    for (std::size_t i = run.cases.size() - 3; i < run.cases.size(); ++i) {
        auto& result = run.cases[i];
        const auto when = result.started;
        result = make_case(result.endpoint, result.kind, Verdict::skip, 0, 0);
        result.not_run = true;
        result.message = "not run: interrupted";
        result.started = result.finished = when;
    }
    return run;
}

RunResult empty_run() {
    RunResult run;
    run.tool_version = "0.1.0";
    run.target = "https://hs.example.org";
    run.edition = "v1.1";
    run.edition_source = "given";
    run.profile = "";
    run.seed = "7";
    run.interrupted = true;
    run.started = at(0);
    run.finished = at(5);
    return run;
}

void expect_golden(const std::string& name, const std::string& actual) {
    const auto path = golden_path(name);
    if (const char* update = std::getenv("MX3PID_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        std::cout << "updated " << path << '\n';
        return;
    }
    std::ofstream(name + ".actual", std::ios::binary) << actual;
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with MX3PID_UPDATE_GOLDEN=1";
    EXPECT_EQ(read_file(path), actual) << "golden " << path << " differs; the output is in " << name
                                       << ".actual; if the change is intended, rerun with MX3PID_UPDATE_GOLDEN=1";
}

std::vector<std::string> lines_starting_with(const std::string& text, const std::string& prefix) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) lines.push_back(line);
    return lines;
}

std::string without_hostname(const std::string& junit) {
    static const std::regex hostname(R"(hostname="[^"]*")");
    return std::regex_replace(junit, hostname, R"(hostname="HOSTNAME")");
}

ScratchDir::ScratchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("mx3pid-reports-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
    std::error_code ignored;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace mx3pid::reports::test_support
