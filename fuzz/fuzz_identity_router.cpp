// The mock identity server's handler, over a short sequence of requests sharing one State.
// The input is requests written as text (see fuzz_support.hpp read_request), separated by lines
// holding "%%". Byte values in the first line pick a method and a known path when the line is
// "@M P suffix" (M, P: one character each) instead of "METHOD TARGET". Placeholders reach state
// the input cannot guess: {token} is the last access token registered, {sid}, {secret} and {code}
// are those of the last validation message sent.
#include <array>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.hpp"
#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"
#include "spec/grammar.hpp"

using namespace mx3pid;
using namespace mx3pid::mock_identity::detail;
using nlohmann::json;

namespace {

constexpr std::array methods = {"GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"};

constexpr std::array paths = {
    "/_matrix/identity/versions",
    "/_matrix/identity/api/v1",
    "/_matrix/identity/api/v1/validate/email/requestToken",
    "/_matrix/identity/api/v1/validate/msisdn/requestToken",
    "/_matrix/identity/api/v1/validate/email/submitToken",
    "/_matrix/identity/api/v1/validate/msisdn/submitToken",
    "/_matrix/identity/api/v1/3pid/getValidated3pid",
    "/_matrix/identity/api/v1/3pid/bind",
    "/_matrix/identity/api/v1/3pid/unbind",
    "/_matrix/identity/v2",
    "/_matrix/identity/v2/account/register",
    "/_matrix/identity/v2/account/logout",
    "/_matrix/identity/v2/terms",
    "/_matrix/identity/v2/validate/email/requestToken",
    "/_matrix/identity/v2/validate/msisdn/requestToken",
    "/_matrix/identity/v2/validate/email/submitToken",
    "/_matrix/identity/v2/validate/msisdn/submitToken",
    "/_matrix/identity/v2/3pid/getValidated3pid",
    "/_matrix/identity/v2/3pid/bind",
    "/_matrix/identity/v2/3pid/unbind",
};

/// "@M P suffix": a method and a known path picked by byte value, the suffix appended to the path.
void pick_known_route(net::Request& request) {
    const auto& line = request.method;
    if (line.size() != 2 || line[0] != '@') return;
    request.method = methods[static_cast<unsigned char>(line[1]) % methods.size()];
    auto& target = request.target;
    if (target.empty()) return;
    std::string path = paths[static_cast<unsigned char>(target[0]) % paths.size()];
    auto suffix = target.substr(1);
    if (!suffix.empty() && suffix.front() == ' ') suffix.erase(0, 1);
    target = path + suffix;
}

struct Known {
    std::string token, sid, secret, code;
};

void substitute(std::string& text, const Known& known) {
    fuzz::replace_all(text, "{token}", known.token);
    fuzz::replace_all(text, "{sid}", known.sid);
    fuzz::replace_all(text, "{secret}", known.secret);
    fuzz::replace_all(text, "{code}", known.code);
}

bool html_route(const net::Request& request) {
    auto path = request.path();
    return request.method == "GET" && path.find("/submitToken") != std::string::npos;
}

void check_response(const net::Request& request, const net::Response& response) {
    std::string context = request.method + " " + request.target + " -> " + std::to_string(response.status) + " " +
                          response.body.substr(0, 300);
    fuzz::expect(response.status >= 100 && response.status <= 599, "a status outside 100-599", context);
    auto type = response.header("Content-Type");
    fuzz::expect(type.has_value(), "a response without Content-Type", context);
    if (type->rfind("text/html", 0) == 0) {
        fuzz::expect(html_route(request), "an HTML answer outside GET submitToken", context);
        if (response.status == 302) {
            auto location = response.header("Location");
            fuzz::expect(location && !location->empty(), "a redirect without Location", context);
            for (unsigned char c : *location)
                fuzz::expect(c > 0x20 && c < 0x7f, "a Location with a control, space or non-ASCII byte", context);
        }
        return;
    }
    fuzz::expect(type->rfind("application/json", 0) == 0, "neither JSON nor HTML", context);
    auto body = json::parse(response.body, nullptr, false);
    fuzz::expect(!body.is_discarded(), "a JSON answer that does not parse", context);
    fuzz::expect(fuzz::is_valid_utf8(response.body), "a JSON answer that is not valid UTF-8", context);
    if (response.status >= 400) {
        fuzz::expect(body.is_object(), "an error answer that is not a JSON object", context);
        auto errcode = body.find("errcode");
        fuzz::expect(errcode != body.end() && errcode->is_string() && errcode->get<std::string>().rfind("M_", 0) == 0,
                     "an error answer without an M_ errcode", context);
        auto error = body.find("error");
        fuzz::expect(error != body.end() && error->is_string(), "an error answer without an error string", context);
    } else if (response.status == 200 && request.method == "POST" && request.path().find("/requestToken") != std::string::npos) {
        // A POST only: a CORS preflight (OPTIONS) of the same path rightly answers 200 with no sid.
        fuzz::expect(body.is_object() && body.contains("sid") && body["sid"].is_string() &&
                         spec::is_valid_sid(body["sid"].get<std::string>()),
                     "requestToken answered 200 without a valid sid", context);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Limits limits;
    limits.max_requests = 8;
    limits.max_request_bytes = 64 * 1024;
    limits.max_messages = 4;
    limits.max_sessions = 4;
    limits.max_access_tokens = 2;
    State state(limits);
    Known known;

    auto parts = fuzz::split(fuzz::as_text(data, size), "\n%%\n");
    if (parts.size() > 16) parts.resize(16);
    for (auto part : parts) {
        auto request = fuzz::read_request(part);
        pick_known_route(request);
        substitute(request.target, known);
        for (auto& header : request.headers) substitute(header.second, known);
        substitute(request.body, known);

        auto before = state.last_request_sequence();
        auto response = handle(state, request);
        check_response(request, response);

        fuzz::expect(state.last_request_sequence() == before + 1, "a request not recorded");
        auto recorded = state.requests_since(before);
        fuzz::expect(recorded.size() == 1 && recorded[0].status == response.status, "the record's status differs");
        try {
            (void)recorded[0].body.dump();
        } catch (const json::exception& error) {
            fuzz::finding("a recorded body that cannot be written as JSON", error.what());
        }

        if (response.status == 200 && request.path().ends_with("/account/register")) {
            auto body = json::parse(response.body, nullptr, false);
            if (body.is_object() && body.contains("token") && body["token"].is_string()) known.token = body["token"];
        }
        if (auto messages = state.messages_since(0); !messages.empty()) {
            known.sid = messages.back().sid;
            known.secret = messages.back().client_secret;
            known.code = messages.back().token;
        }
    }
    return 0;
}
