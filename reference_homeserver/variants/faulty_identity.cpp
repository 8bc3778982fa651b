// Faulty variants that call the identity server's requestToken wrongly: the wrong API version, the
// access token missing, in the query or not the client's, a body that is not a JSON object, not
// UTF-8, not labelled JSON or with keys the identity API does not define, and a delegated submit_url
// that alters the token it passes on. What reaches a delegate is judged as advice only: those
// sentences are declared broken for proxy mode (proxied()).
#include "reference_homeserver/variants/shared.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::IdentityApi;
using detail::Stages;
using nlohmann::json;
using spec::Medium;
using spec::Validation;

/// The requestToken path of the identity API at `prefix` for the exchange's medium.
std::string request_token_url(Exchange& x, std::string_view prefix) {
    return x.identity_base + std::string(prefix) + "/validate/" + std::string(spec::medium_name(x.endpoint.medium)) + "/requestToken";
}

/// Posts `body` as `content_type` to requestToken of `api`, the token in `query` instead of a header
/// when asked, and answers as the reference does with the identity server's reply.
net::Response forward_as(Stages& s, Exchange& x, const IdentityApi& api, const std::string& body, const std::string& content_type,
                         bool token_in_query = false) {
    auto url = request_token_url(x, api.prefix);
    if (token_in_query && !api.bearer.empty()) url += "?access_token=" + net::percent_encode(api.bearer);
    auto reply = x.state.post(url, body, token_in_query ? "" : api.bearer, content_type);
    if (!reply.reached) return s.error(500, "M_UNKNOWN", "the identity server could not be reached");
    auto identity = json::parse(reply.body, nullptr, false);
    if (reply.status != 200)
        return identity.is_object() && identity.contains("errcode") && reply.status < 500 ? s.json_answer(reply.status, identity)
                                                                                         : s.error(500, "M_UNKNOWN", "the identity server failed");
    if (!identity.is_object() || !identity.contains("sid") || !identity["sid"].is_string())
        return s.error(500, "M_UNKNOWN", "the identity server answered without a sid");
    return s.answer(x, identity["sid"].get<std::string>(), std::nullopt);
}

struct V2TooEarly : Stages {
    IdentityApi identity_api(Exchange& x) override { return {"/_matrix/identity/v2", x.state.identity_token(x.identity_base)}; }
};

/// Tries an identity API version no edition has (v3) first, then the edition's own.
struct TriesV3First : Stages {
    net::Response forward(Exchange& x) override {
        x.state.post(request_token_url(x, "/_matrix/identity/v3"), identity_body(x).dump(), identity_api(x).bearer);
        return Stages::forward(x);
    }
};

struct V1Only : Stages {
    IdentityApi identity_api(Exchange&) override { return {"/_matrix/identity/api/v1", ""}; }
};

struct NoToken : Stages {
    IdentityApi identity_api(Exchange& x) override { return {Stages::identity_api(x).prefix, ""}; }
};

struct TokenInQuery : Stages {
    net::Response forward(Exchange& x) override {
        auto api = identity_api(x);
        return forward_as(*this, x, api, identity_body(x).dump(), "application/json", true);
    }
};

/// Proxying for a client that gave an id_access_token, it presents its own token instead.
struct OwnToken : Stages {
    IdentityApi identity_api(Exchange& x) override {
        auto api = Stages::identity_api(x);
        if (api.bearer.empty()) return api;
        return {api.prefix, x.state.identity_token(x.identity_base)};
    }
};

struct JsonAsTextPlain : Stages {
    net::Response forward(Exchange& x) override { return forward_as(*this, x, identity_api(x), identity_body(x).dump(), "text/plain"); }
};

/// Adds a note in Latin-1 to the JSON it sends the identity server.
struct NotUtf8 : Stages {
    net::Response forward(Exchange& x) override {
        auto body = identity_body(x).dump();
        body.insert(body.size() - 1, ",\"org.example.note\":\"caf\xe9\"");
        return forward_as(*this, x, identity_api(x), body, "application/json");
    }
};

/// Sends the parameters wrapped in a JSON array.
struct ArrayBody : Stages {
    net::Response forward(Exchange& x) override {
        return forward_as(*this, x, identity_api(x), json::array({identity_body(x)}).dump(), "application/json");
    }
};

std::string token_with_a_digit(const std::string& token) { return token + "0"; }
json empty_reply(const json&) { return json::object(); }

}  // namespace

std::vector<Variant> faulty_identity() {
    // What the identity server's refusal breaks when the homeserver relays it: every 200 the
    // validating cases are owed (the request reached the identity server as the client sent it).
    const std::vector<std::string_view> owed{
        "cs.response.200.sent", "cs.request.id_server.optional*", "cs.request.next_link.optional",
        "cs.api.request_content_type.optional", "cs.request.client_secret.max_length", "cs.auth.none",
        "cs.request.send_attempt.resend", "cs.request.send_attempt.email.repeat_succeeds", "cs.request.email.target",
        "cs.request.phone_number.target", "cs.request.id_server.ignored*"};
    auto with = [](std::vector<std::string_view> list, std::initializer_list<std::string_view> more) {
        list.insert(list.end(), more);
        return list;
    };
    // A refusal relayed as a 400 breaks the 200s owed, where a 400 was not also allowed.
    const std::vector<std::string_view> owed_200{
        "cs.response.200.sent", "cs.request.id_server.optional*", "cs.request.next_link.optional",
        "cs.api.request_content_type.optional", "cs.request.client_secret.max_length", "cs.auth.none",
        "cs.request.send_attempt.resend", "cs.request.send_attempt.email.repeat_succeeds", "cs.request.email.target",
        "cs.request.phone_number.target", "cs.response.sid.from_identity_server.r0_4"};
    // ... and, where a 400 was allowed, the code it was to carry: for a delegating server the
    // untrusted id_server's (a proxying one refuses that before asking anyone).
    auto relayed_400 = [&](std::vector<std::string_view> own, std::vector<std::string_view> codes) {
        std::vector<Kill> kills{breaks(owed_200), proxied(std::move(own)),
                                {.sentences = {"cs.register.untrusted.errcode", "cs.3pid.untrusted.errcode*",
                                               "cs.password.untrusted.errcode*"},
                                 .editions = ">= r0.5.0", .modes = {Validation::delegate}}};
        if (!codes.empty()) kills.push_back(breaks(codes, ">= r0.6.0"));
        return kills;
    };
    const std::vector<std::string_view> forwarding_profiles{"builtin", "builtin-delegate"};
    return {
        {.name = "identity-v2-too-early",
         .description = "calls the identity service's v2 API in editions whose identity service has only v1",
         .kills = {proxied({"is.request.path.v1"})}, .profiles = forwarding_profiles, .editions = "< r0.6.0",
         .make = make<V2TooEarly>},
        {.name = "identity-v1-only",
         .description = "calls the identity service's v1 API in every edition: deprecated in r0.6.x, gone from v1.1",
         .kills = {proxied({"is.v1_deprecation.v2_first", "is.request.path"})}, .profiles = forwarding_profiles,
         .editions = ">= r0.6.0", .make = make<V1Only>},
        {.name = "identity-no-token", .description = "calls the identity service's v2 API without an access token",
         .kills = {breaks(with(owed, {"cs.request.id_access_token.with_id_server*"}), ">= r0.6.0"),
                   proxied({"is.request.auth_required"}, ">= r0.6.0")},
         .profiles = forwarding_profiles,
         .editions = ">= r0.6.0", .make = make<NoToken>},
        {.name = "identity-token-in-query",
         .description = "gives the identity server its access token in the query, not an Authorization header",
         .kills = {proxied({"is.auth.header*"})}, .profiles = forwarding_profiles, .editions = ">= r0.6.0",
         .make = make<TokenInQuery>},
        {.name = "identity-own-token",
         .description = "proxying for a client that gave an id_access_token, presents its own token instead",
         .kills = {breaks({"cs.request.id_access_token.presented*"})}, .profiles = {"builtin"}, .editions = ">= r0.6.0",
         .make = make<OwnToken>},
        {.name = "identity-text-plain", .description = "sends the identity server JSON labelled text/plain",
         .kills = {proxied({"is.api.json.r0", "is.api.request_content_type"})}, .profiles = forwarding_profiles,
         .make = make<JsonAsTextPlain>},
        {.name = "identity-not-utf8", .description = "sends the identity server JSON with a Latin-1 byte in it",
         .kills = relayed_400({"is.api.utf8*", "is.request.*.defined_keys"}, {"cs.error.code.bad_json*", "cs.error.code.invalid_param*", "cs.error.code.missing_param*"}),
         .profiles = forwarding_profiles, .make = make<NotUtf8>},
        {.name = "identity-array-body", .description = "sends the identity server its parameters wrapped in a JSON array",
         .kills = relayed_400({"is.api.request_object", "is.request.*.required_keys"}, {}), .profiles = forwarding_profiles,
         .make = make<ArrayBody>},
        {.name = "token-altered",
         .description = "delegated msisdn answers a submit_url of its own that passes the code on with a character added",
         .kills = {{.sentences = {"is.token.pass_through", "cs.response.sid.session", "cs.response.submit_url.accepts_token*"},
                    .modes = {Validation::delegate}, .endpoints = "*/msisdn"}},
         .profiles = {"builtin-delegate"}, .editions = ">= r0.5.0",
         .make = make<PassesSubmitOn<token_with_a_digit, reply_as_given>>},
        {.name = "delegate-submit-empty",
         .description = "delegated msisdn answers a submit_url of its own that answers a validated token 200 {}",
         .kills = {{.sentences = {"cs.response.submit_url.success_body.r0_5", "cs.response.submit_url.accepts_token"},
                    .modes = {Validation::delegate}, .endpoints = "*/msisdn"}},
         .profiles = {"builtin-delegate"}, .editions = ">= r0.5.0", .make = make<PassesSubmitOn<token_as_given, empty_reply>>},
        {.name = "identity-tries-v3-first",
         .description = "asks the identity server's requestToken at an API version no edition has (v3) first",
         .kills = {proxied({"is.request.path*"}),
                   breaks({"cs.validation.proxies.r0_*", "cs.validation.proxied_request.r0_5", "cs.validation.forwarded_request.r0_6"})},
         .profiles = forwarding_profiles, .make = make<TriesV3First>},
        {.name = "identity-extra-keys",
         .description = "proxying, also sends the identity server an id_server and the client's id_access_token in the body",
         .kills = {proxied({"is.request.*.defined_keys"})}, .make = make<ForwardsExtraKeys>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
