// The curl line: a request pasted back into a shell, with the run's secrets replaced and large
// bodies regenerated rather than written out.
#include <array>
#include <cstdio>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "engine/detail/curl.hpp"

using mx3pid::engine::detail::curl_line;
using mx3pid::engine::detail::shell_quote;

namespace {

const auto origin = *mx3pid::net::Url::parse("http://127.0.0.1:8008");

mx3pid::net::Request request_with(std::string body) {
    mx3pid::net::Request request;
    request.method = "POST";
    request.target = "/_matrix/client/v3/register/email/requestToken";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = std::move(body);
    return request;
}

/// What bash prints for `command`.
std::string bash_output(const std::string& command) {
    const std::string script = "bash -c " + shell_quote(command);
    std::string out;
    FILE* pipe = popen(script.c_str(), "r");
    if (!pipe) return out;
    std::array<char, 4096> buffer{};
    for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
    pclose(pipe);
    return out;
}

}  // namespace

TEST(CurlLine, PutsAFreshValidSecretOfTheSameLengthInPlaceOfTheRealOne) {
    const std::string secret = "mx3pid-abcdefghijklmnopqrstuvwx";
    const auto line = curl_line(origin, request_with("{\"client_secret\":\"" + secret + "\",\"email\":\"a@b.example\"}"), {secret}, true);
    EXPECT_EQ(line.find(secret), std::string::npos);
    EXPECT_EQ(line.find("redacted"), std::string::npos);
    std::smatch match;
    ASSERT_TRUE(std::regex_search(line, match, std::regex(R"re("client_secret":"([^"]*)")re"))) << line;
    EXPECT_TRUE(std::regex_match(match[1].str(), std::regex("[0-9a-zA-Z.=_-]{31}"))) << match[1];
    EXPECT_EQ(line.rfind("curl -sS -i -X POST http://127.0.0.1:8008/_matrix/client/v3/register/email/requestToken "
                         "-H 'Content-Type: application/json' --data-raw '{\"client_secret\":\"",
                         0),
              0u)
        << line;
}

TEST(CurlLine, KeepsAMalformedSecretTheCaseIsAbout) {
    const auto line = curl_line(origin, request_with(R"({"client_secret":"mx3pid/secret"})"), {"mx3pid/secret"}, true);
    EXPECT_NE(line.find(R"("client_secret":"mx3pid/secret")"), std::string::npos) << line;
}

TEST(CurlLine, KeepsTheRealSecretWhenNotRedacting) {
    const std::string secret = "mx3pid-abcdefghijklmnopqrstuvwx";
    const auto line = curl_line(origin, request_with("{\"client_secret\":\"" + secret + "\"}"), {secret}, false);
    EXPECT_NE(line.find(secret), std::string::npos);
}

TEST(CurlLine, RegeneratesABodyOverFourKibibytesInsteadOfWritingIt) {
    const std::string body = "{\"client_secret\":\"x\",\"padding\":\"" + std::string(400000, 'x') + "\",\"z\":\"" +
                             std::string(5000, '\0') + "\"}";
    const auto line = curl_line(origin, request_with(body), {}, true);
    EXPECT_LT(line.size(), 1000u) << line.substr(0, 200);
    const auto pipe = line.find(" | curl ");
    ASSERT_NE(pipe, std::string::npos) << line;
    EXPECT_NE(line.find("--data-binary @-"), std::string::npos);
    const auto regenerated = bash_output(line.substr(0, pipe));
    EXPECT_EQ(regenerated.size(), body.size());
    EXPECT_TRUE(regenerated == body) << "the shell expression regenerates other bytes";
}

TEST(CurlLine, QuotesBytesATerminalWouldActOnAsEscapesThatBashTurnsBack) {
    const std::string raw = std::string("caf\xC3\xA9 \x1b[31m\x01 it's \xff\\");
    const auto quoted = shell_quote(raw);
    EXPECT_EQ(quoted, "$'caf\xC3\xA9 \\x1b[31m\\x01 it\\'s \\xff\\\\'");
    EXPECT_EQ(bash_output("printf %s " + quoted), raw);
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("plain/word-1.2"), "plain/word-1.2");
}
