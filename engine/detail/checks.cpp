#include "engine/detail/checks.hpp"
#include "engine/detail/edition_thresholds.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "suite/check_plan.hpp"
#include "spec/grammar.hpp"
#include "spec/utf8.hpp"

namespace mx3pid::engine::detail {
namespace {

using nlohmann::json;
using reports::CheckResult;
using reports::Verdict;
namespace check = suite::check;

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

CheckResult passed(std::string_view name, std::string expected, std::string actual) {
    return {std::string(name), Verdict::pass, std::move(expected), std::move(actual)};
}

CheckResult failed(std::string_view name, std::string expected, std::string actual, std::vector<std::string> breaks) {
    CheckResult check{std::string(name), Verdict::fail, std::move(expected), std::move(actual)};
    check.sentences = std::move(breaks);
    return check;
}

CheckResult check_status(const std::vector<int>& expected, const net::Response& response) {
    auto wanted = join(expected, " or ");
    auto actual = std::to_string(response.status);
    bool ok = std::find(expected.begin(), expected.end(), response.status) != expected.end();
    if (!ok && !response.body.empty()) actual += " " + one_line(response.body, 120);
    return ok ? passed(check::status, wanted, actual) : failed(check::status, wanted, actual);
}

CheckResult check_utf8(const net::Response& response) {
    const std::string wanted = "a body in UTF-8";
    if (spec::is_valid_utf8(response.body)) return passed(check::utf8, wanted, "UTF-8");
    return failed(check::utf8, wanted, "bytes that are not UTF-8: " + one_line(response.body, 80));
}

std::vector<CheckResult> check_error_body(const ReadResponse& answer) {
    static const std::vector<std::string> not_an_object{"cs.api.json_baseline", "cs.error.standard.r0", "cs.error.standard",
                                                        "cs.api.response_object"};
    static const std::vector<std::string> no_errcode{"cs.error.schema.errcode_required", "cs.error.both_keys.r0", "cs.error.both_keys"};
    static const std::vector<std::string> errcode_not_string{"cs.error.schema.errcode_type"};
    const std::string wanted = "a JSON object with a string errcode";
    const auto& body = answer.body;
    const auto& text = answer.response.body;
    if (body.is_discarded() || !body.is_object())
        return {failed(check::error_body, wanted, one_line(text.empty() ? "(empty body)" : text), not_an_object)};
    std::vector<CheckResult> checks;
    auto errcode = body.find("errcode");
    if (errcode == body.end()) checks.push_back(failed(check::error_body, wanted, "no errcode", no_errcode));
    else if (!errcode->is_string())
        checks.push_back(failed(check::error_body, wanted, "errcode " + one_line(errcode->dump(), 80), errcode_not_string));
    else checks.push_back(passed(check::error_body, wanted, "a JSON object with errcode"));

    auto error = body.find("error");
    const std::string message = "error: a string";
    if (error == body.end())
        checks.push_back(failed(check::error_message, message, "no error", {"cs.error.both_keys.r0", "cs.error.both_keys"}));
    else if (!error->is_string())
        checks.push_back(failed(check::error_message, message, "error " + one_line(error->dump(), 80), {"cs.error.schema.error_type"}));
    else checks.push_back(passed(check::error_message, message, "a string"));
    return checks;
}

std::optional<CheckResult> check_errcode(const ReadResponse& answer, const std::vector<std::string>& allowed) {
    const auto& body = answer.body;
    if (!body.is_object()) return std::nullopt;
    auto errcode = body.find("errcode");
    if (errcode == body.end() || !errcode->is_string()) return std::nullopt;
    auto code = errcode->get<std::string>();
    std::string wanted = allowed.empty() ? "an M_… code" : join(allowed, " or ");
    bool ok = allowed.empty() ? is_namespaced_code(code) : std::find(allowed.begin(), allowed.end(), code) != allowed.end();
    return ok ? passed(check::errcode, wanted, code) : failed(check::errcode, wanted, one_line(code, 80));
}

CheckResult check_content_type(const net::Response& response) {
    auto type = response.header("Content-Type").value_or("");
    auto media = spec::ascii_lower(type.substr(0, type.find(';')));
    while (!media.empty() && media.back() == ' ') media.pop_back();
    bool ok = media == "application/json";
    return ok ? passed(check::content_type, "application/json", one_line(type, 80))
              : failed(check::content_type, "application/json", type.empty() ? "none" : one_line(type, 80));
}

std::optional<std::string> sid_of(const ReadResponse& answer) {
    const auto& body = answer.body;
    if (body.is_discarded() || !body.is_object()) return std::nullopt;
    auto sid = body.find("sid");
    if (sid == body.end() || !sid->is_string()) return std::nullopt;
    return sid->get<std::string>();
}

CheckResult check_sid(const ReadResponse& answer) {
    const std::string wanted = "sid: a string of 1-255 [0-9a-zA-Z.=_-]";
    const auto& body = answer.body;
    if (body.is_discarded() || !body.is_object())
        return failed(check::sid, wanted, "body is not a JSON object: " + one_line(answer.response.body, 80), {"cs.response.sid.required"});
    auto sid = body.find("sid");
    if (sid == body.end()) return failed(check::sid, wanted, "no sid", {"cs.response.sid.required"});
    if (!sid->is_string()) return failed(check::sid, wanted, "sid " + one_line(sid->dump(), 80), {"cs.response.sid.type"});
    auto text = sid->get<std::string>();
    if (text.empty()) return failed(check::sid, wanted, "an empty sid", {"cs.response.sid.not_empty"});
    if (text.size() > 255)
        return failed(check::sid, wanted, "a sid of " + std::to_string(text.size()) + " characters", {"cs.response.sid.max_length"});
    if (!spec::is_valid_sid(text))
        return failed(check::sid, wanted, "sid \"" + one_line(text, 80) + "\"", {"cs.response.sid.grammar"});
    return passed(check::sid, wanted, "\"" + text + "\"");
}

std::optional<CheckResult> check_submit_url(const ReadResponse& answer, const spec::Edition& edition) {
    if (!since(edition, Threshold::submit_url)) return std::nullopt;
    const auto& body = answer.body;
    const std::string wanted = "none, or submit_url: an absolute URI";
    if (!body.is_object() || !body.contains("submit_url")) return passed(check::submit_url, wanted, "none");
    const auto& value = body.at("submit_url");
    if (!value.is_string()) return failed(check::submit_url, wanted, one_line(value.dump(), 80), {"cs.response.submit_url.type"});
    const auto text = value.get<std::string>();
    return spec::is_absolute_uri(text)
               ? passed(check::submit_url, wanted, one_line(text, 120))
               : failed(check::submit_url, wanted, "\"" + one_line(text, 80) + "\"",
                        {"cs.response.submit_url.is_url", "cs.response.submit_url.format"});
}

CheckResult check_rate_limit(const reports::HttpExchange& exchange, const spec::Edition& edition) {
    const bool header_era = since(edition, Threshold::retry_after_header);
    const std::string wanted = std::string("M_LIMIT_EXCEEDED, ") +
                               (header_era ? "a Retry-After header" : "retry_after_ms") + ", retry_after_ms an integer if given";
    std::vector<std::string> wrong, breaks;
    auto body = json::parse(exchange.response_body, nullptr, false);
    if (!body.is_object() || body.value("errcode", json()) != "M_LIMIT_EXCEEDED") {
        wrong.push_back("errcode " + (body.is_object() && body.contains("errcode") ? one_line(body["errcode"].dump(), 60) : "absent"));
        breaks.insert(breaks.end(), {"cs.ratelimit.errcode", "cs.error.code.limit_exceeded.r0", "cs.error.code.limit_exceeded"});
    }
    const bool has_ms = body.is_object() && body.contains("retry_after_ms");
    if (has_ms && !body["retry_after_ms"].is_number_integer()) {
        wrong.push_back("retry_after_ms " + one_line(body["retry_after_ms"].dump(), 40));
        breaks.push_back("cs.ratelimit.retry_after_ms.type");
    }
    if (!header_era && !has_ms) {
        wrong.push_back("no retry_after_ms");
        breaks.push_back("cs.ratelimit.retry_after_ms.r0");
    }
    bool header = std::any_of(exchange.response_headers.begin(), exchange.response_headers.end(),
                              [](const auto& h) { return spec::ascii_lower(h.first) == "retry-after"; });
    if (header_era && !header) {
        wrong.push_back("no Retry-After header");
        breaks.push_back("cs.ratelimit.retry_after");
    }
    if (wrong.empty()) return passed(check::rate_limit, wanted, "as asked");
    return failed(check::rate_limit, wanted, join(wrong, "; "), breaks);
}

namespace {

/// The comma-separated items of a header, trimmed and in lower case.
std::vector<std::string> header_items(const std::string& value) {
    std::vector<std::string> items;
    std::string item;
    auto flush = [&] {
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) items.push_back(spec::ascii_lower(item));
        item.clear();
    };
    for (char c : value) {
        if (c == ',') flush();
        else if (c != ' ' || !item.empty()) item += c;
    }
    flush();
    return items;
}

/// Those of `wanted` the header's items lack ("*" lacks none).
std::vector<std::string> lacking(const std::string& header, const std::vector<std::string>& wanted) {
    auto items = header_items(header);
    if (std::find(items.begin(), items.end(), "*") != items.end()) return {};
    std::vector<std::string> missing;
    for (const auto& one : wanted)
        if (std::find(items.begin(), items.end(), spec::ascii_lower(one)) == items.end()) missing.push_back(one);
    return missing;
}

}  // namespace

CheckResult check_cors(const net::Response& response, const spec::Edition& edition) {
    static const std::vector<std::string> methods{"GET", "POST", "PUT", "DELETE", "OPTIONS"};
    const std::vector<std::string> headers = since(edition, Threshold::v1_cors_headers)
                                                 ? std::vector<std::string>{"X-Requested-With", "Content-Type", "Authorization"}
                                                 : std::vector<std::string>{"Origin", "X-Requested-With", "Content-Type", "Accept",
                                                                            "Authorization"};
    const std::string wanted = "Access-Control-Allow-Origin *, Allow-Methods " + join(methods, ", ") + ", Allow-Headers " +
                               join(headers, ", ");
    auto origin = response.header("Access-Control-Allow-Origin");
    auto allowed_methods = response.header("Access-Control-Allow-Methods");
    auto allowed_headers = response.header("Access-Control-Allow-Headers");
    if (!origin && !allowed_methods && !allowed_headers)
        return failed(check::cors, wanted, "no CORS headers",
                      {"cs.cors.browser_support", "cs.cors.route_headers.r0_4", "cs.cors.route_headers", "cs.cors.allow_origin",
                       "cs.cors.allow_methods", "cs.cors.allow_headers.r0", "cs.cors.allow_headers"});
    std::vector<std::string> wrong, breaks;
    if (origin.value_or("") != "*") {
        wrong.push_back("Allow-Origin " + (origin ? "\"" + one_line(*origin, 60) + "\"" : std::string("absent")));
        breaks.push_back("cs.cors.allow_origin");
    }
    if (auto missing = lacking(allowed_methods.value_or(""), methods); !missing.empty()) {
        wrong.push_back("Allow-Methods lacks " + join(missing, ", "));
        breaks.push_back("cs.cors.allow_methods");
    }
    if (auto missing = lacking(allowed_headers.value_or(""), headers); !missing.empty()) {
        wrong.push_back("Allow-Headers lacks " + join(missing, ", "));
        breaks.insert(breaks.end(), {"cs.cors.allow_headers.r0", "cs.cors.allow_headers"});
    }
    if (wrong.empty()) return passed(check::cors, wanted, "as recommended");
    return failed(check::cors, wanted, join(wrong, "; "), breaks);
}

}  // namespace mx3pid::engine::detail
