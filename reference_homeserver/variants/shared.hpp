#pragma once
// Stages more than one family builds on: a strict JSON parser, a submit_url of the homeserver's own
// that passes the code on to the identity server, keys the identity API does not define sent to the
// identity server, and a refusal of an id_server naming another identity server.
#include <string>
#include <string_view>

#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {

/// What RFC 8259 lets a parser refuse, refused: a leading byte-order mark, a name repeated in one
/// object, more than 64 levels of nesting.
bool strict_parser_refuses(const std::string& text);

/// Refuses a body a strict parser refuses with what `Refusal` makes; reads others as the reference does.
template <net::Response (*Refusal)(detail::Stages&)>
struct StrictJsonBody : detail::Stages {
    std::optional<net::Response> parse_body(detail::Exchange& x) override {
        if (strict_parser_refuses(x.request.body)) return Refusal(*this);
        return Stages::parse_body(x);
    }
};

inline constexpr std::string_view passing_on_path = "/_matrix/client/unstable/mx3pid/msisdn/submit";

/// For delegated msisdn, a submit_url of its own that passes what it is given on to the identity
/// server's submitToken, with the token as `Token` makes it, and answers as `Answer` makes the
/// identity server's 200.
template <std::string (*Token)(const std::string&), nlohmann::json (*Answer)(const nlohmann::json&)>
struct PassesSubmitOn : detail::Stages {
    net::Response answer(detail::Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        if (x.endpoint.medium != spec::Medium::msisdn || x.validation != spec::Validation::delegate || !x.since(Epoch::submit_url))
            return Stages::answer(x, sid, submit_url);
        return Stages::answer(x, sid, x.state.public_base_url() + std::string(passing_on_path));
    }

    std::optional<net::Response> other_path(detail::State& state, const net::Request& request) override {
        if (request.path() != passing_on_path) return std::nullopt;
        if (request.method != "POST") return error(405, "M_UNRECOGNIZED", "use POST");
        auto body = nlohmann::json::parse(request.body, nullptr, false);
        if (!body.is_object()) return error(400, "M_NOT_JSON", "the body must be a JSON object");
        if (body.contains("token") && body["token"].is_string()) body["token"] = Token(body["token"].get<std::string>());
        const auto base = state.config().delegate_identity_url;
        const bool v2 = state.since(Epoch::id_access_token);
        auto url = base + (v2 ? "/_matrix/identity/v2" : "/_matrix/identity/api/v1") + "/validate/msisdn/submitToken";
        auto reply = state.post(url, body.dump(), v2 ? state.identity_token(base) : "");
        auto answer = nlohmann::json::parse(reply.body, nullptr, false);
        if (!reply.reached || !answer.is_object()) return error(502, "M_UNKNOWN", "the identity server did not answer");
        return json_answer(reply.status, reply.status == 200 ? Answer(answer) : answer);
    }
};

/// Tells the identity server more than its API defines: the id_server the request is for (the
/// client's, else the host it forwards to) and the client's id_access_token in the body.
struct ForwardsExtraKeys : detail::Stages {
    nlohmann::json identity_body(detail::Exchange& x) override {
        auto body = Stages::identity_body(x);
        const auto host = x.identity_base.substr(x.identity_base.find("://") + 3);
        body["id_server"] = x.fields.id_server.empty() ? host : x.fields.id_server;
        if (!x.fields.id_access_token.empty()) body["id_access_token"] = x.fields.id_access_token;
        return body;
    }
};

inline std::string token_as_given(const std::string& token) { return token; }
inline nlohmann::json reply_as_given(const nlohmann::json& reply) { return reply; }

/// What a refusal of one's own is made of: an errcode and a message.
using Refusal = net::Response (*)(std::string_view errcode, std::string_view message);

inline net::Response standard_refusal(std::string_view errcode, std::string_view message) {
    return net::Response::json(400, nlohmann::json{{"errcode", errcode}, {"error", message}}.dump());
}

/// Validating through its own identity server (or itself), refuses an id_server that names another
/// with `Refuse` (where the edition documents id_server on the endpoint).
template <Refusal Refuse>
struct OtherIdServerRefused : detail::Stages {
    std::optional<net::Response> check_fields(detail::Exchange& x) override {
        if (auto refusal = Stages::check_fields(x)) return refusal;
        const bool documented = x.endpoint.key != "password/msisdn" || x.since(Epoch::identity_v1_removed) || !x.since(Epoch::id_access_token);
        if (x.validation != spec::Validation::proxy && documented && !x.fields.id_server.empty() && !trusts(x, x.fields.id_server))
            return Refuse("M_SERVER_NOT_TRUSTED", "this server validates through its own identity server only");
        return std::nullopt;
    }
};

}  // namespace mx3pid::reference_homeserver::family
