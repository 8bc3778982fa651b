#include "engine/detail/checks.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "spec/grammar.hpp"

namespace mx3pid::engine::detail {
namespace {

using nlohmann::json;
using reports::CheckResult;
using reports::Verdict;

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string join(const std::vector<int>& items, const char* separator) {
    std::vector<std::string> text;
    for (int item : items) text.push_back(std::to_string(item));
    return join(text, separator);
}

bool is_namespaced_code(const std::string& code) {
    auto underscore = code.find('_');
    return underscore != std::string::npos && underscore > 0 && underscore + 1 < code.size() &&
           code.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == std::string::npos;
}

}  // namespace

std::string one_line(const std::string& text, std::size_t limit) {
    auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; };
    std::string out;
    for (char c : text) {
        if (out.size() >= limit) {
            // Cut before the character that `c` continues, so that valid UTF-8 stays valid.
            auto start = out.size();
            while (start > 0 && continuation(out[start - 1])) --start;
            if (continuation(c) && start > 0 && static_cast<unsigned char>(out[start - 1]) >= 0xC0) out.resize(start - 1);
            out += "…";
            break;
        }
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
    return out;
}

CheckResult passed(std::string name, std::string expected, std::string actual) {
    return {std::move(name), Verdict::pass, std::move(expected), std::move(actual)};
}

CheckResult failed(std::string name, std::string expected, std::string actual) {
    return {std::move(name), Verdict::fail, std::move(expected), std::move(actual)};
}

CheckResult check_status(const std::vector<int>& expected, const net::Response& response) {
    auto wanted = join(expected, " or ");
    auto actual = std::to_string(response.status);
    bool ok = std::find(expected.begin(), expected.end(), response.status) != expected.end();
    if (!ok && !response.body.empty()) actual += " " + one_line(response.body, 120);
    return ok ? passed("status", wanted, actual) : failed("status", wanted, actual);
}

std::vector<CheckResult> check_error_body(const net::Response& response, const std::vector<std::string>& allowed,
                                          const spec::Edition& edition) {
    std::vector<CheckResult> checks;
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        checks.push_back(failed("error body", "a JSON object {errcode, error}", one_line(response.body.empty() ? "(empty body)" : response.body)));
        return checks;
    }
    checks.push_back(passed("error body", "a JSON object", "a JSON object"));

    auto errcode = body.find("errcode");
    std::string wanted = allowed.empty() ? "an M_… code" : join(allowed, " or ");
    if (errcode == body.end() || !errcode->is_string()) {
        checks.push_back(failed("errcode", wanted, errcode == body.end() ? "no errcode" : "errcode " + errcode->dump()));
    } else {
        auto code = errcode->get<std::string>();
        bool ok = allowed.empty() ? is_namespaced_code(code) : std::find(allowed.begin(), allowed.end(), code) != allowed.end();
        checks.push_back(ok ? passed("errcode", wanted, code) : failed("errcode", wanted, one_line(code, 80)));
    }

    auto error = body.find("error");
    if (error == body.end() || !error->is_string())
        checks.push_back(failed("error message", "error: a string", error == body.end() ? "no error" : "error " + one_line(error->dump(), 80)));
    else
        checks.push_back(passed("error message", "error: a string", "a string"));

    if (auto type = check_content_type(response, edition)) checks.push_back(*type);
    return checks;
}

std::optional<CheckResult> check_content_type(const net::Response& response, const spec::Edition& edition) {
    static const auto introduced = *spec::Edition::parse("v1.4");
    if (edition < introduced) return std::nullopt;
    auto type = response.header("Content-Type").value_or("");
    auto media = spec::ascii_lower(type.substr(0, type.find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    bool ok = media == "application/json";
    return ok ? passed("content type", "application/json", one_line(type, 80))
              : failed("content type", "application/json", type.empty() ? "none" : one_line(type, 80));
}

std::optional<std::string> sid_of(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return std::nullopt;
    auto sid = body.find("sid");
    if (sid == body.end() || !sid->is_string()) return std::nullopt;
    return sid->get<std::string>();
}

CheckResult check_sid(const net::Response& response) {
    const std::string wanted = "sid: a string of 1-255 [0-9a-zA-Z.=_-]";
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return failed("sid", wanted, "body is not a JSON object: " + one_line(response.body, 80));
    auto sid = body.find("sid");
    if (sid == body.end()) return failed("sid", wanted, "no sid");
    if (!sid->is_string()) return failed("sid", wanted, "sid " + one_line(sid->dump(), 80));
    auto text = sid->get<std::string>();
    if (!spec::is_valid_sid(text)) {
        std::string why = text.empty() ? "an empty sid" : text.size() > 255 ? "a sid of " + std::to_string(text.size()) + " characters" : "sid \"" + one_line(text, 80) + "\"";
        return failed("sid", wanted, why);
    }
    return passed("sid", wanted, "\"" + text + "\"");
}

std::optional<CheckResult> check_submit_url(const net::Response& response, const spec::Edition& edition) {
    if (edition < *spec::Edition::parse("r0.5.0")) return std::nullopt;
    auto body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("submit_url")) return std::nullopt;
    const std::string wanted = "submit_url: an absolute URI";
    const auto& value = body["submit_url"];
    if (!value.is_string()) return failed("submit_url", wanted, one_line(value.dump(), 80));
    const auto text = value.get<std::string>();
    auto colon = text.find(':');
    bool scheme_ok = colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(text[0])) &&
                     text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") >= colon;
    bool clean = text.find_first_of(" \t\r\n\"<>") == std::string::npos;
    return scheme_ok && clean && colon + 1 < text.size() ? passed("submit_url", wanted, one_line(text, 120))
                                                         : failed("submit_url", wanted, "\"" + one_line(text, 80) + "\"");
}

}  // namespace mx3pid::engine::detail
