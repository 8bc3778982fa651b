// Faulty variants that break the HTTP-level rules the endpoints share (invalid requests answered,
// CORS, UTF-8, Content-Type, next_link, unknown endpoints, rate-limit answers), or what submit_url
// and the mailed link answer.
#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;
using spec::Validation;
using namespace std::chrono_literals;

/// Answers 200 with a sid, sending nothing, where the field checks refuse the request (a bad next_link
/// excepted): the request is not refused, as an invalid one must be.
struct Lenient200 : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        auto refusal = Stages::check_fields(x);
        if (!refusal || (x.body.contains("next_link") && !next_link_valid(x, x.fields.next_link))) return refusal;
        return json_answer(200, json{{"sid", x.state.new_id("lenient")}});
    }
};

struct NoCorsHeaders : Stages {
    void add_cors(net::Response&) override {}
};

/// Every JSON answer carries a note in Latin-1: a body that is not UTF-8 (and so not JSON either).
struct Latin1Answers : Stages {
    net::Response json_answer(int status, const json& body) override {
        auto answer = Stages::json_answer(status, body);
        if (!answer.body.empty() && answer.body.back() == '}')
            answer.body.insert(answer.body.size() - 1, std::string(answer.body.size() > 2 ? "," : "") + "\"org.example.note\":\"r\xe9ponse\"");
        return answer;
    }
};

/// Takes a body as JSON only when it is labelled application/json.
struct ContentTypeRequired : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        auto type = x.request.header("Content-Type").value_or("");
        if (x.since(Epoch::json_content_type) && type.rfind("application/json", 0) != 0)
            return error(400, "M_NOT_JSON", "send Content-Type: application/json");
        return Stages::parse_body(x);
    }
};

struct NextLinkRequired : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        if (x.body.is_object() && !x.body.contains("next_link")) return error(400, "M_MISSING_PARAM", "missing next_link");
        return Stages::check_fields(x);
    }
};

struct NextLinkUnchecked : Stages {
    bool next_link_valid(const Exchange&, const std::string&) override { return true; }
};

/// 429 for the first request of each client_secret: before v1.10 without retry_after_ms, from v1.10
/// without a Retry-After header.
struct RateLimitedSparse : Stages {
    detail::SeenOnce seen;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (!seen.first(x.fields.client_secret)) return std::nullopt;
        json body{{"errcode", "M_LIMIT_EXCEEDED"}, {"error", "too many requests"}};
        if (x.since(Epoch::retry_after_header)) body["retry_after_ms"] = 20;
        auto answer = json_answer(429, body);
        if (!x.since(Epoch::retry_after_header)) answer.headers.emplace_back("Retry-After", "0");
        return answer;
    }
};

/// 429 M_UNKNOWN with retry_after_ms as a string, for the first request of each client_secret.
struct RateLimitedMalformed : Stages {
    detail::SeenOnce seen;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (!seen.first(x.fields.client_secret)) return std::nullopt;
        auto answer = json_answer(429, {{"errcode", "M_UNKNOWN"}, {"error", "slow down"}, {"retry_after_ms", "20"}});
        answer.headers.emplace_back("Retry-After", "0");
        return answer;
    }
};

struct UnknownEndpoint400 : Stages {
    net::Response unknown_endpoint() override { return error(400, "M_UNRECOGNIZED", "unrecognised request"); }
};

/// Serves registration and password reset although its profile says it offers no legacy API.
struct LegacyApiServed : Stages {
    bool offered(const detail::State&, const spec::Endpoint&) override { return true; }
};

/// Asks for an access token on requestToken, which declares no authentication.
struct RequiresAccessToken : Stages {
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (x.request.header("Authorization")) return std::nullopt;
        return error(401, "M_MISSING_TOKEN", "log in first");
    }
};

/// What submit_token answers, changed by `Answer` for a POST (submit_url) once it has validated.
template <net::Response (*Answer)(Stages&, detail::State&, const net::Request&)>
struct SubmitAnswer : Stages {
    net::Response submit_token(detail::State& state, const net::Request& request) override {
        if (request.method != "POST") return Stages::submit_token(state, request);
        return Answer(*this, state, request);
    }
};

/// Validates whatever token comes with a known sid and secret.
net::Response any_token(Stages& s, detail::State& state, const net::Request& request) {
    auto first = s.Stages::submit_token(state, request);
    if (first.status == 400 && detail::errcode_of(first) == "M_TOKEN_INCORRECT") return s.json_answer(200, {{"success", true}});
    return first;
}

/// A client_secret outside the grammar finds no session: 404, not 400 M_INVALID_PARAM.
net::Response bad_param_404(Stages& s, detail::State& state, const net::Request& request) {
    auto answer = s.Stages::submit_token(state, request);
    if (answer.status == 400 && detail::errcode_of(answer) == "M_INVALID_PARAM")
        return s.error(404, "M_NO_VALID_SESSION", "no such session");
    return answer;
}

net::Response empty_success(Stages& s, detail::State& state, const net::Request& request) {
    auto answer = s.Stages::submit_token(state, request);
    return answer.status == 200 ? s.json_answer(200, json::object()) : answer;
}

net::Response redirect_post(Stages& s, detail::State& state, const net::Request& request) {
    auto answer = s.Stages::submit_token(state, request);
    if (answer.status != 200) return answer;
    return net::Response{302, {{"Location", "https://client.example/validated"}}, ""};
}

/// The mailed link validates and shows a page, without sending the user on to next_link.
struct LinkNoRedirect : Stages {
    net::Response submit_token(detail::State& state, const net::Request& request) override {
        auto answer = Stages::submit_token(state, request);
        if (request.method == "GET" && answer.status == 302) return net::Response::text(200, "Your address is validated.\n");
        return answer;
    }
};

/// Answers no submit_url, and mails a link whose token it then refuses.
struct DeadLinkOnly : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        return Stages::answer(x, sid, x.validation == Validation::self ? std::nullopt : submit_url);
    }
    std::string validation_link(Exchange& x, const detail::Session& session) override {
        auto wrong = session;
        wrong.token += "x";
        return Stages::validation_link(x, wrong);
    }
};

}  // namespace

std::vector<Variant> faulty_http() {
    const auto self = Validation::self;
    return {
        {.name = "lenient-200",
         .description = "answers 200 with a sid, sending nothing, to a request with a missing or mistyped field or a bad client_secret",
         .kills = {breaks({"cs.invalid.status*", "cs.request.via_register.r0_3", "cs.request.id_server.type*",
                           "cs.request.id_access_token.type*", "cs.request.client_secret.required.r0_3",
                           "cs.request.client_secret.type.r0_3", "cs.request.email.required.r0_3", "cs.request.email.type.r0_3",
                           "cs.request.send_attempt.required.r0_3", "cs.request.send_attempt.type.r0_3"})},
         .make = make<Lenient200>},
        {.name = "no-cors-headers", .description = "sends no CORS headers, on OPTIONS or otherwise",
         .kills = {breaks({"cs.cors.browser_support", "cs.cors.route_headers*", "cs.cors.allow_*"})},
         .profiles = {"builtin", "builtin-self"}, .make = make<NoCorsHeaders>},
        {.name = "latin1-answers", .description = "every JSON answer carries a note in Latin-1, which is not UTF-8",
         .kills = {breaks({"cs.api.utf8*", "cs.api.json_baseline", "cs.error.standard*", "cs.api.response_object",
                           "cs.response.sid.required", "cs.response.sid.from_identity_server.r0_4", "cs.response.sid.session"})},
         .profiles = {"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration", "builtin-no-3pid-msisdn", "builtin-oauth-only"},
         .make = make<Latin1Answers>},
        {.name = "content-type-required", .description = "from v1.4 refuses a JSON body sent without Content-Type",
         .kills = {breaks(unserved({"cs.api.request_content_type.optional"}))}, .editions = ">= v1.4",
         .epochs = {Epoch::json_content_type}, .make = make<ContentTypeRequired>},
        {.name = "next-link-required", .description = "refuses a request without next_link (400 M_MISSING_PARAM)",
         .kills = {breaks({"cs.request.next_link.optional"})}, .editions = ">= r0.4.0", .make = make<NextLinkRequired>},
        {.name = "next-link-unchecked", .description = "from v1.14 takes a next_link that is not a URI",
         .kills = {breaks({"cs.request.next_link.format"})}, .editions = ">= v1.14", .make = make<NextLinkUnchecked>},
        {.name = "rate-limited-sparse",
         .description = "answers the first request of each client_secret 429 without retry_after_ms (before v1.10) or without "
                        "Retry-After (from v1.10)",
         .kills = {breaks({"cs.ratelimit.retry_after_ms.r0", "cs.ratelimit.retry_after"})}, .epochs = {Epoch::retry_after_header},
         .make = make<RateLimitedSparse>},
        {.name = "rate-limited-malformed",
         .description = "answers the first request of each client_secret 429 M_UNKNOWN with retry_after_ms a string",
         .kills = {breaks({"cs.ratelimit.errcode", "cs.error.code.limit_exceeded*", "cs.ratelimit.retry_after_ms.type"})},
         .make = make<RateLimitedMalformed>},
        {.name = "unknown-endpoint-400", .description = "answers a path that is no endpoint 400 M_UNRECOGNIZED, not 404",
         .kills = {breaks({"cs.error.unrecognized.not_implemented"})}, .profiles = {"builtin", "builtin-oauth-only"},
         .editions = ">= v1.6", .make = make<UnknownEndpoint400>},
        {.name = "legacy-api-served",
         .description = "serves registration and password reset though the profile says it offers only the OAuth 2.0 API",
         .kills = {breaks({"cs.error.unrecognized.not_implemented"})}, .profiles = {"builtin-oauth-only"},
         .editions = ">= v1.15", .make = make<LegacyApiServed>},
        {.name = "requires-access-token",
         .description = "answers a requestToken without an access token 401 M_MISSING_TOKEN",
         .kills = {breaks({"*"})}, .make = make<RequiresAccessToken>},
        {.name = "submit-url-accepts-any-token", .description = "its submit_url takes a wrong token as the right one",
         .kills = {{.sentences = {"cs.response.submit_url.token_incorrect"}, .modes = {self}}}, .profiles = {"builtin-self"},
         .editions = ">= v1.18", .make = make<SubmitAnswer<any_token>>},
        {.name = "submit-url-bad-param-404",
         .description = "its submit_url answers a client_secret outside the grammar 404 M_NO_VALID_SESSION",
         .kills = {{.sentences = {"cs.response.submit_url.invalid_param"}, .modes = {self}}}, .profiles = {"builtin-self"},
         .editions = ">= v1.18", .make = make<SubmitAnswer<bad_param_404>>},
        {.name = "submit-url-empty-answer", .description = "its submit_url answers a validated token 200 {}",
         .kills = {{.sentences = {"cs.response.submit_url.success_body.r0_5", "cs.response.submit_url.accepts_token"}, .modes = {self}}},
         .profiles = {"builtin-self"}, .editions = ">= r0.5.0", .make = make<SubmitAnswer<empty_success>>},
        {.name = "submit-url-redirects", .description = "its submit_url answers a validated token with a redirect",
         .kills = {{.sentences = {"cs.request.next_link.post_ignored"}, .modes = {self}}}, .profiles = {"builtin-self"},
         .editions = ">= r0.5.0", .make = make<SubmitAnswer<redirect_post>>},
        {.name = "link-no-redirect",
         .description = "the mailed link validates and shows a page, without sending the user on to next_link",
         .kills = {{.sentences = {"cs.request.next_link.redirect"}, .modes = {self}}}, .profiles = {"builtin-self"},
         .editions = "< r0.5.0", .make = make<LinkNoRedirect>},
        {.name = "dead-link-only", .description = "answers no submit_url, and mails a link whose token it then refuses",
         .kills = {{.sentences = {"cs.response.submit_url.absent*", "cs.response.sid.session"}, .modes = {self}}},
         .profiles = {"builtin-self"}, .editions = ">= r0.5.0", .make = make<DeadLinkOnly>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
