#include "mock_identity/detail/router.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <initializer_list>
#include <limits>
#include <string_view>

#include "mock_identity/detail/address.hpp"
#include "spec/grammar.hpp"
#include "spec/phone.hpp"
#include "mock_identity/detail/body.hpp"
#include "mock_identity/detail/reading.hpp"

namespace mx3pid::mock_identity::detail {
namespace {

using nlohmann::json;

constexpr std::string_view v1_prefix = "/_matrix/identity/api/v1";
constexpr std::string_view v2_prefix = "/_matrix/identity/v2";
constexpr std::string_view versions_path = "/_matrix/identity/versions";
constexpr std::string_view own_prefix = "/_mx3pid";

struct ApiError {
    int status;
    std::string errcode;
    std::string message;
};

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

net::Response json_response(int status, const json& value) { return net::Response::json(status, dump(value)); }

net::Response error_response(int status, std::string_view errcode, std::string_view message) {
    return json_response(status, {{"errcode", errcode}, {"error", message}});
}

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

struct Context {
    State& state;
    const net::Request& request;
    const Body& body;
    const char* medium;  ///< "email" or "msisdn" for the validate/* routes, else null
};

const json& body_object(const Context& context) {
    const Body& body = context.body;
    if (!body.parsed) throw ApiError{400, "M_NOT_JSON", "the body is not valid JSON"};
    if (!body.value.is_object()) throw ApiError{400, "M_BAD_JSON", "the body is not a JSON object"};
    return body.value;
}

void require(const json& object, std::initializer_list<const char*> names) {
    std::string missing;
    for (const char* name : names)
        if (!object.contains(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
    if (!missing.empty()) throw ApiError{400, "M_MISSING_PARAMS", "missing parameters: " + missing};
}

std::string string_param(const json& object, const char* name) {
    const json& value = object.at(name);
    if (!value.is_string()) throw ApiError{400, "M_INVALID_PARAM", std::string(name) + " must be a string"};
    return value.get<std::string>();
}

std::string optional_string_param(const json& object, const char* name) {
    auto found = object.find(name);
    if (found == object.end() || found->is_null()) return {};
    return string_param(object, name);
}

std::string opaque_id_param(const json& object, const char* name) {
    std::string value = string_param(object, name);
    if (!spec::is_opaque_id(value))
        throw ApiError{400, "M_INVALID_PARAM", std::string(name) + " must match [0-9a-zA-Z.=_-]{1,255}"};
    return value;
}

std::int64_t send_attempt_param(const json& object, BodyKind kind) {
    const json& value = object.at("send_attempt");
    const ApiError invalid{400, "M_INVALID_PARAM", "send_attempt must be an integer"};
    if (value.is_number_unsigned()) {
        if (value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw invalid;
        return static_cast<std::int64_t>(value.get<std::uint64_t>());
    }
    if (value.is_number_integer()) return value.get<std::int64_t>();
    // A form body has only strings, so there the integer arrives in decimal.
    if (kind != BodyKind::json && value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        std::int64_t number = 0;
        const char* first = text.data();
        const char* last = text.data() + text.size();
        auto [end, error] = std::from_chars(first, last, number);
        if (!text.empty() && error == std::errc() && end == last) return number;
    }
    throw invalid;
}

void check_access_token(const Context& context) {
    auto token = presented_token(context.request);
    if (!token || token->value.empty()) throw ApiError{401, "M_UNAUTHORIZED", "an access token is required"};
    if (!context.state.knows_access_token(token->value)) throw ApiError{401, "M_UNAUTHORIZED", "unknown access token"};
}

// --- endpoints --------------------------------------------------------------------------------------

net::Response status_check(Context&) { return json_response(200, json::object()); }

net::Response request_token(Context& context) {
    const json& object = body_object(context);
    bool email = std::string_view(context.medium) == "email";
    if (email)
        require(object, {"client_secret", "email", "send_attempt"});
    else
        require(object, {"client_secret", "country", "phone_number", "send_attempt"});

    TokenRequest token_request;
    token_request.medium = context.medium;
    token_request.client_secret = opaque_id_param(object, "client_secret");
    token_request.send_attempt = send_attempt_param(object, context.body.kind);
    token_request.next_link = optional_string_param(object, "next_link");
    if (email) {
        auto address = normalise_email(string_param(object, "email"));
        if (!address) throw ApiError{400, "M_INVALID_EMAIL", "the email address is not valid"};
        token_request.address = *address;
        token_request.bound_address = *address;
    } else {
        std::string country = string_param(object, "country");
        auto phone_number = normalise_phone_number(string_param(object, "phone_number"));
        if (!spec::is_country_code(country))
            throw ApiError{400, "M_INVALID_ADDRESS", "country must be a two-letter upper-case country code"};
        if (!phone_number) throw ApiError{400, "M_INVALID_ADDRESS", "phone_number is not a valid phone number"};
        token_request.address = country + " " + *phone_number;
        token_request.bound_address = spec::international_msisdn(country, *phone_number);
    }
    return json_response(200, {{"sid", context.state.request_token(token_request)}});
}

SubmitResult submit(Context& context, const json& object) {
    require(object, {"sid", "client_secret", "token"});
    auto sid = opaque_id_param(object, "sid");
    auto client_secret = opaque_id_param(object, "client_secret");
    auto token = string_param(object, "token");
    return context.state.submit_token(context.medium, sid, client_secret, token);
}

net::Response submit_token_post(Context& context) {
    auto result = submit(context, body_object(context));
    switch (result.outcome) {
    case SubmitOutcome::validated: return json_response(200, {{"success", true}});
    case SubmitOutcome::token_incorrect: throw ApiError{400, "M_TOKEN_INCORRECT", "the token is incorrect"};
    case SubmitOutcome::no_session: break;
    }
    throw ApiError{404, "M_NO_VALID_SESSION", "no session with this sid and client_secret"};
}

bool safe_for_location(std::string_view url) {
    if (url.empty()) return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7f) return false;
    return true;
}

net::Response html_page(int status, std::string_view message) {
    std::string page =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>mx3pid mock identity server</title>"
        "</head><body><p>" +
        std::string(message) + "</p></body></html>\n";
    return net::Response{status, {{"Content-Type", "text/html; charset=utf-8"}}, std::move(page)};
}

// The GET form is the link a person clicks, so it answers in HTML rather than JSON (facts §7).
net::Response submit_token_get(Context& context) {
    SubmitResult result;
    try {
        result = submit(context, context.body.value);
    } catch (const ApiError&) {
        return html_page(400, "Validation failed: the link is incomplete or malformed.");
    }
    switch (result.outcome) {
    case SubmitOutcome::validated:
        if (safe_for_location(result.next_link)) {
            auto response = html_page(302, "Validated. Continuing&hellip;");
            response.headers.emplace_back("Location", result.next_link);
            return response;
        }
        return html_page(200, "Your address has been validated. You may close this page.");
    case SubmitOutcome::token_incorrect: return html_page(400, "Validation failed: the token is incorrect.");
    case SubmitOutcome::no_session: break;
    }
    return html_page(400, "Validation failed: there is no such validation session.");
}

ValidatedThreepid validated_session(Context& context, const json& object) {
    require(object, {"sid", "client_secret"});
    auto sid = string_param(object, "sid");
    auto client_secret = string_param(object, "client_secret");
    auto found = context.state.validated_threepid(sid, client_secret);
    if (found.outcome == LookupOutcome::no_session)
        throw ApiError{404, "M_NO_VALID_SESSION", "no session with this sid and client_secret"};
    if (found.outcome == LookupOutcome::not_validated)
        throw ApiError{400, "M_SESSION_NOT_VALIDATED", "the session has not been validated"};
    return found;
}

net::Response get_validated_3pid(Context& context) {
    auto found = validated_session(context, context.body.value);
    return json_response(
        200, {{"medium", found.medium}, {"address", found.address}, {"validated_at", found.validated_at_ms}});
}

net::Response bind(Context& context) {
    const json& object = body_object(context);
    require(object, {"sid", "client_secret", "mxid"});
    auto mxid = string_param(object, "mxid");
    auto found = validated_session(context, object);
    constexpr std::int64_t hundred_years_ms = 100LL * 365 * 24 * 3600 * 1000;
    auto now = now_ms();
    return json_response(200, {{"address", found.address},
                               {"medium", found.medium},
                               {"mxid", mxid},
                               {"not_before", now},
                               {"not_after", now + hundred_years_ms},
                               {"ts", now},
                               {"signatures", json::object()}});
}

net::Response unbind(Context& context) {
    body_object(context);
    return json_response(200, json::object());
}

// The OpenID token is not checked: the account is named after the server the homeserver says it is.
net::Response register_account(Context& context) {
    std::string server = "localhost";
    if (context.body.parsed && context.body.value.is_object()) {
        auto name = context.body.value.find("matrix_server_name");
        if (name != context.body.value.end() && name->is_string() && !name->get_ref<const std::string&>().empty())
            server = name->get<std::string>();
    }
    auto token = context.state.register_access_token("@mx3pid:" + server);
    return json_response(200, {{"token", token}, {"access_token", token}});
}

net::Response account(Context& context) {
    auto token = presented_token(context.request);
    auto user = context.state.account_of(token ? token->value : "");
    return json_response(200, {{"user_id", user.value_or("")}});
}

net::Response hash_details(Context&) {
    return json_response(200, {{"algorithms", {"none", "sha256"}}, {"lookup_pepper", "mx3pidpepper"}});
}

// RFC 8032's first test key: a valid ed25519 public key. The mock signs nothing with it.
constexpr std::string_view public_key = "11qYAYKxCrfVS/7TyWQHOg7hcvPaoiMlrwIaaPcHURo";

net::Response pubkey(Context&) { return json_response(200, {{"public_key", public_key}}); }

net::Response pubkey_is_valid(Context& context) {
    auto query = context.body.value;
    bool valid = query.is_object() && query.contains("public_key") && query["public_key"] == public_key;
    return json_response(200, {{"valid", valid}});
}

/// Every message the mock would have sent, with its token, for a person trying a homeserver by
/// hand; `?since=N` gives those after sequence N.
net::Response list_messages(Context& context) {
    std::uint64_t since = 0;
    const json& query = context.body.value;
    if (query.is_object() && query.contains("since")) {
        const auto& text = query["since"].get_ref<const std::string&>();
        auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), since);
        if (text.empty() || error != std::errc() || end != text.data() + text.size())
            throw ApiError{400, "M_INVALID_PARAM", "since must be a message sequence number"};
    }
    json list = json::array();
    for (const auto& message : context.state.messages_since(since))
        list.push_back({{"sequence", message.sequence},
                        {"medium", message.medium},
                        {"address", message.address},
                        {"sid", message.sid},
                        {"client_secret", message.client_secret},
                        {"token", message.token},
                        {"send_attempt", message.send_attempt},
                        {"next_link", message.next_link}});
    return json_response(200, {{"messages", list}});
}

net::Response logout(Context& context) {
    if (auto token = presented_token(context.request)) context.state.forget_access_token(token->value);
    return json_response(200, json::object());
}

net::Response get_terms(Context&) { return json_response(200, {{"policies", json::object()}}); }
net::Response accept_terms(Context&) { return json_response(200, json::object()); }

net::Response versions(Context&) {
    json list = {"r0.1.0", "r0.2.0", "r0.2.1", "r0.3.0"};
    for (int minor = 1; minor <= 19; ++minor) list.push_back("v1." + std::to_string(minor));
    return json_response(200, {{"versions", list}});
}

// --- routing ----------------------------------------------------------------------------------------

enum class Api { v1, v2, unversioned, own };

struct Route {
    Api api;
    std::string_view suffix;  ///< the path after the API prefix
    std::string_view method;
    const char* medium;
    bool needs_auth;  ///< only ever true on v2
    net::Response (*answer)(Context&);
};

constexpr std::array routes = {
    Route{Api::unversioned, "", "GET", nullptr, false, versions},
    Route{Api::v1, "", "GET", nullptr, false, status_check},
    Route{Api::v1, "/validate/email/requestToken", "POST", "email", false, request_token},
    Route{Api::v1, "/validate/msisdn/requestToken", "POST", "msisdn", false, request_token},
    Route{Api::v1, "/validate/email/submitToken", "POST", "email", false, submit_token_post},
    Route{Api::v1, "/validate/email/submitToken", "GET", "email", false, submit_token_get},
    Route{Api::v1, "/validate/msisdn/submitToken", "POST", "msisdn", false, submit_token_post},
    Route{Api::v1, "/validate/msisdn/submitToken", "GET", "msisdn", false, submit_token_get},
    Route{Api::v1, "/3pid/getValidated3pid", "GET", nullptr, false, get_validated_3pid},
    Route{Api::v1, "/3pid/bind", "POST", nullptr, false, bind},
    Route{Api::v1, "/3pid/unbind", "POST", nullptr, false, unbind},
    Route{Api::v1, "/pubkey/ed25519:0", "GET", nullptr, false, pubkey},
    Route{Api::v1, "/pubkey/isvalid", "GET", nullptr, false, pubkey_is_valid},
    Route{Api::own, "/messages", "GET", nullptr, false, list_messages},
    Route{Api::v2, "", "GET", nullptr, false, status_check},
    Route{Api::v2, "/account/register", "POST", nullptr, false, register_account},
    Route{Api::v2, "/account/logout", "POST", nullptr, true, logout},
    Route{Api::v2, "/account", "GET", nullptr, true, account},
    Route{Api::v2, "/hash_details", "GET", nullptr, true, hash_details},
    Route{Api::v2, "/pubkey/ed25519:0", "GET", nullptr, false, pubkey},
    Route{Api::v2, "/pubkey/isvalid", "GET", nullptr, false, pubkey_is_valid},
    Route{Api::v2, "/terms", "GET", nullptr, false, get_terms},
    Route{Api::v2, "/terms", "POST", nullptr, true, accept_terms},
    Route{Api::v2, "/validate/email/requestToken", "POST", "email", true, request_token},
    Route{Api::v2, "/validate/msisdn/requestToken", "POST", "msisdn", true, request_token},
    Route{Api::v2, "/validate/email/submitToken", "POST", "email", true, submit_token_post},
    Route{Api::v2, "/validate/email/submitToken", "GET", "email", true, submit_token_get},
    Route{Api::v2, "/validate/msisdn/submitToken", "POST", "msisdn", true, submit_token_post},
    Route{Api::v2, "/validate/msisdn/submitToken", "GET", "msisdn", true, submit_token_get},
    Route{Api::v2, "/3pid/getValidated3pid", "GET", nullptr, true, get_validated_3pid},
    Route{Api::v2, "/3pid/bind", "POST", nullptr, true, bind},
    Route{Api::v2, "/3pid/unbind", "POST", nullptr, true, unbind},
};

std::optional<std::pair<Api, std::string_view>> split_api(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    if (path == versions_path) return std::pair{Api::unversioned, std::string_view()};
    for (auto [api, prefix] : {std::pair{Api::v1, v1_prefix}, std::pair{Api::v2, v2_prefix}, std::pair{Api::own, own_prefix}})
        if (path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/'))
            return std::pair{api, path.substr(prefix.size())};
    return std::nullopt;
}

// The identity-service spec asks every answer to carry these, so that a web client may call it.
void add_cors_headers(net::Response& response) {
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    response.headers.emplace_back("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization");
}

net::Response route(State& state, const net::Request& request, const Body& body) {
    if (request.method == "OPTIONS") return json_response(200, json::object());
    std::string path = net::percent_decode(request.path());
    auto api = split_api(path);
    std::string allowed;
    if (api) {
        for (const Route& candidate : routes) {
            if (candidate.api != api->first || candidate.suffix != api->second) continue;
            if (candidate.method != request.method) {
                allowed += (allowed.empty() ? "" : ", ") + std::string(candidate.method);
                continue;
            }
            Context context{state, request, body, candidate.medium};
            if (candidate.needs_auth) check_access_token(context);
            return candidate.answer(context);
        }
    }
    if (allowed.empty()) return error_response(404, "M_UNRECOGNIZED", "unrecognised request");
    auto response = error_response(405, "M_UNRECOGNIZED", "method not allowed here");
    response.headers.emplace_back("Allow", allowed);
    return response;
}

}  // namespace

net::Response handle(State& state, const net::Request& request) {
    auto received_at = std::chrono::system_clock::now();
    net::Response response;
    ReceivedRequest record;
    try {
        Body body = read_body(request);
        try {
            response = route(state, request, body);
        } catch (const ApiError& error) {
            response = error_response(error.status, error.errcode, error.message);
        }
        if (names_request_token(request.path())) record.request_token = read_request_token(request, body);
        record.body = std::move(body.value);
    } catch (const std::exception&) {
        response = error_response(500, "M_UNKNOWN", "internal error in the mock identity server");
    }
    add_cors_headers(response);
    try {
        record.method = request.method;
        record.path = request.path();
        record.query = request.query();
        record.headers = request.headers;
        record.raw_body = request.body;
        record.status = response.status;
        record.received_at = received_at;
        state.record(std::move(record));
    } catch (const std::exception&) {
        // Out of memory while recording: answering still matters more than the record.
    }
    return response;
}

net::ServerOptions server_options(const std::string& host, unsigned short port) {
    net::ServerOptions options;
    options.host = host;
    options.port = port;
    options.max_body_bytes = 64 * 1024;
    options.max_connections = 64;
    options.threads = 2;
    return options;
}

}  // namespace mx3pid::mock_identity::detail
