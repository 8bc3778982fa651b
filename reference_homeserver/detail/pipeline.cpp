#include "reference_homeserver/detail/pipeline.hpp"

#include <algorithm>

#include "spec/fields.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::detail {
namespace {

using nlohmann::json;
using spec::Medium;
using spec::Purpose;
using spec::Validation;

/// The string at `key`: missing and wrongly typed are told apart for the error code.
enum class FieldState { ok, missing, wrong_type };

FieldState string_field(const json& body, const char* key, std::string& out) {
    auto it = body.find(key);
    if (it == body.end()) return FieldState::missing;
    if (!it->is_string()) return FieldState::wrong_type;
    out = it->get<std::string>();
    return FieldState::ok;
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

std::string session_key(const Exchange& x) {
    return std::string(spec::medium_name(x.endpoint.medium)) + "|" + x.address.key() + "|" + x.fields.client_secret;
}

std::string errcode_of(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("errcode") || !body["errcode"].is_string()) return {};
    return body["errcode"].get<std::string>();
}

net::Response Stages::run(Exchange& exchange) {
    using Stage = std::optional<net::Response> (Stages::*)(Exchange&);
    for (Stage stage : {&Stages::check_medium, &Stages::parse_body, &Stages::check_fields, &Stages::check_address,
                        &Stages::rate_limit, &Stages::policy, &Stages::bound_state})
        if (auto answer = (this->*stage)(exchange)) return *answer;
    return deliver(exchange);
}

bool Stages::offered(const State& state, const spec::Endpoint& endpoint) {
    if (state.config().legacy_api || !state.since(Epoch::oauth_only)) return true;
    return endpoint.purpose == Purpose::add_threepid;
}

net::Response Stages::wrong_method() { return error(405, "M_UNRECOGNIZED", "this endpoint takes POST"); }

void Stages::add_cors(net::Response& response) {
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    response.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
    response.headers.emplace_back("Access-Control-Allow-Headers", "Origin, X-Requested-With, Content-Type, Accept, Authorization");
}

// --- the request stages ----------------------------------------------------------------------------

std::optional<net::Response> Stages::check_medium(Exchange& x) {
    if (x.endpoint.purpose != Purpose::add_threepid ||
        !contains(x.config.unsupported_3pid_media, spec::medium_name(x.endpoint.medium)))
        return std::nullopt;
    return error(400, "M_THREEPID_MEDIUM_NOT_SUPPORTED", "this server does not let accounts add that medium");
}

std::optional<net::Response> Stages::parse_body(Exchange& x) {
    x.body = json::parse(x.request.body, nullptr, false);
    if (x.body.is_discarded()) return error(400, "M_NOT_JSON", "the body is not JSON");
    if (!x.body.is_object()) return error(400, "M_BAD_JSON", "the body must be a JSON object");
    return std::nullopt;
}

std::optional<net::Response> Stages::check_fields(Exchange& x) {
    auto& f = x.fields;
    std::vector<std::pair<const char*, std::string*>> required{{"client_secret", &f.client_secret}};
    if (x.endpoint.medium == Medium::email) {
        required.emplace_back("email", &f.email);
    } else {
        required.emplace_back("country", &f.country);
        required.emplace_back("phone_number", &f.phone_number);
    }
    if (id_server_required(x)) required.emplace_back("id_server", &f.id_server);
    for (auto [key, out] : required) {
        switch (string_field(x.body, key, *out)) {
            case FieldState::missing: return error(400, "M_MISSING_PARAM", std::string("missing ") + key);
            case FieldState::wrong_type: return error(400, "M_INVALID_PARAM", std::string(key) + " must be a string");
            case FieldState::ok: break;
        }
    }
    for (auto [key, out] : {std::pair{"next_link", &f.next_link}, std::pair{"id_server", &f.id_server},
                            std::pair{"id_access_token", &f.id_access_token}})
        if (x.body.contains(key) && string_field(x.body, key, *out) != FieldState::ok)
            return error(400, "M_INVALID_PARAM", std::string(key) + " must be a string");
    auto send_attempt = x.body.find("send_attempt");
    if (send_attempt == x.body.end()) return error(400, "M_MISSING_PARAM", "missing send_attempt");
    auto number = read_send_attempt(*send_attempt);
    if (!number) return error(400, "M_INVALID_PARAM", "send_attempt must be an integer");
    f.send_attempt = *number;
    if (!client_secret_valid(f.client_secret))
        return error(400, "M_INVALID_PARAM", "client_secret does not match [0-9a-zA-Z.=_-]{1,255}");
    if (x.body.contains("next_link") && !next_link_valid(x, f.next_link)) return error(400, "M_INVALID_PARAM", "next_link is not a URI");
    return std::nullopt;
}

std::optional<net::Response> Stages::check_address(Exchange& x) {
    x.address.medium = x.endpoint.medium;
    if (x.endpoint.medium == Medium::email) {
        x.address.email = spec::ascii_lower(x.fields.email);
        if (!spec::is_plausible_email(x.fields.email)) return error(400, "M_INVALID_PARAM", "email is not an email address");
        return std::nullopt;
    }
    x.address.country = x.fields.country;
    x.address.phone_digits = spec::phone_digits(x.fields.phone_number);
    if (!spec::is_country_code(x.fields.country)) return error(400, "M_INVALID_PARAM", "country must be two upper-case letters");
    if (!spec::is_plausible_phone_number(x.fields.phone_number))
        return error(400, "M_INVALID_PARAM", "phone_number is not a phone number");
    return std::nullopt;
}

std::optional<net::Response> Stages::policy(Exchange& x) {
    if (!is_denied(x.config, x.address)) return std::nullopt;
    return error(403, "M_THREEPID_DENIED", "this server does not allow that address");
}

std::optional<net::Response> Stages::bound_state(Exchange& x) {
    auto refusal = state_refusal(x);
    // Enumeration protection hides the state on register and password reset, never on add.
    if (refusal && x.config.enumeration_protection && x.endpoint.purpose != Purpose::add_threepid) return conceal(x);
    return refusal;
}

net::Response Stages::deliver(Exchange& x) {
    if (x.validation == Validation::self) return validate_by_mail(x);
    if (auto refusal = choose_identity_server(x)) return *refusal;
    return forward(x);
}

// --- parts of the stages ---------------------------------------------------------------------------

bool Stages::id_server_required(const Exchange& x) { return !x.since(Epoch::id_access_token); }

std::optional<std::int64_t> Stages::read_send_attempt(const json& value) {
    if (!value.is_number_integer()) return std::nullopt;
    return value.get<std::int64_t>();
}

bool Stages::client_secret_valid(const std::string& secret) { return spec::is_valid_client_secret(secret); }

bool Stages::next_link_valid(const Exchange& x, const std::string& next_link) {
    return !x.since(Epoch::next_link_uri) || spec::uri_grammar().fits(next_link);
}

std::optional<net::Response> Stages::state_refusal(Exchange& x) {
    const bool bound = is_bound(x.config, x.address);
    if (x.endpoint.purpose == Purpose::reset_password) {
        if (!bound) return error(400, "M_THREEPID_NOT_FOUND", "no account has that address");
    } else if (bound) {
        return error(400, "M_THREEPID_IN_USE", "address already in use");
    }
    return std::nullopt;
}

net::Response Stages::conceal(Exchange& x) {
    if (x.validation == Validation::self && x.endpoint.medium == Medium::email) {
        const bool registering = x.endpoint.purpose == Purpose::register_account;
        const auto& to = x.address.email;
        send_mail(x, to,
                  mail_text(to, registering ? "Someone tried to register with your address" : "No account uses this address",
                            registering ? "This address already belongs to an account here. To get back into it, "
                                          "reset your password.\r\n"
                                        : "Someone asked to reset a password for this address, but no account uses "
                                          "it. You can register one.\r\n"));
    }
    return json_answer(200, json{{"sid", x.state.new_id("ref")}});
}

bool Stages::trusts(const Exchange& x, const std::string& id_server) {
    return contains(x.config.trusted_identity_servers, id_server);
}

std::optional<net::Response> Stages::choose_identity_server(Exchange& x) {
    if (x.validation != Validation::proxy) {
        x.identity_base = x.config.delegate_identity_url;
        return std::nullopt;
    }
    if (x.fields.id_server.empty()) return error(400, "M_INVALID_PARAM", "this server validates through id_server: give one");
    if (!trusts(x, x.fields.id_server))
        return error(400, "M_SERVER_NOT_TRUSTED", "this server does not trust that identity server");
    x.identity_base = x.config.identity_scheme + "://" + x.fields.id_server;
    return std::nullopt;
}

// v1 until the identity service's v2 came with id_access_token (r0.6.0); from then v2 first (v1 is
// deprecated): with the client's token when proxying for it, else with the server's own.
IdentityApi Stages::identity_api(Exchange& x) {
    if (!x.since(Epoch::id_access_token)) return {"/_matrix/identity/api/v1", ""};
    const bool client_token = x.validation == Validation::proxy && !x.fields.id_access_token.empty();
    if (client_token) return {"/_matrix/identity/v2", x.fields.id_access_token};
    return {"/_matrix/identity/v2", x.state.identity_token(x.identity_base)};
}

json Stages::identity_body(Exchange& x) {
    json forwarded{{"client_secret", x.fields.client_secret}};
    if (x.endpoint.medium == Medium::email) {
        forwarded["email"] = x.fields.email;
    } else {
        forwarded["country"] = x.fields.country;
        forwarded["phone_number"] = x.fields.phone_number;
    }
    forwarded["send_attempt"] = x.fields.send_attempt;
    if (!x.fields.next_link.empty()) forwarded["next_link"] = x.fields.next_link;
    return forwarded;
}

net::Response Stages::forward(Exchange& x) {
    auto api = identity_api(x);
    x.identity_token = api.bearer;
    auto url = x.identity_base + api.prefix + "/validate/" + std::string(spec::medium_name(x.endpoint.medium)) + "/requestToken";
    auto reply = x.state.post(url, identity_body(x).dump(), api.bearer);
    const bool own_token = !api.bearer.empty() && api.bearer != x.fields.id_access_token;
    if (reply.reached && reply.status == 401 && own_token) {
        // The identity server forgot this server's token (it was restarted): register again, once.
        x.identity_token = x.state.identity_token(x.identity_base, true);
        reply = x.state.post(url, identity_body(x).dump(), x.identity_token);
    }
    if (!reply.reached) return error(500, "M_UNKNOWN", "the identity server could not be reached");
    json identity = json::parse(reply.body, nullptr, false);
    if (reply.status != 200) {
        if (identity.is_object() && identity.contains("errcode"))
            return json_answer(reply.status >= 400 && reply.status < 500 ? reply.status : 500, identity);
        return error(500, "M_UNKNOWN", "the identity server failed");
    }
    if (!identity.is_object() || !identity.contains("sid") || !identity["sid"].is_string())
        return error(500, "M_UNKNOWN", "the identity server answered without a sid");
    return answer(x, identity["sid"].get<std::string>(), std::nullopt);
}

net::Response Stages::validate_by_mail(Exchange& x) {
    auto [session, send] = x.state.session(session_key(x), [&](Session& s, bool created) {
        if (created) s.next_link = x.fields.next_link;
        return should_mail(x, s, created);
    });
    const auto base = x.state.public_base_url();
    if (send) {
        const auto to = x.address.key();
        auto text = mail_text(to, "Validate your email address",
                              "Someone asked to use this address on the mx3pid reference homeserver.\r\n"
                              "If it was you, follow this link to confirm:\r\n\r\n" + validation_link(x, session) + "\r\n");
        if (!send_mail(x, to, text)) return error(500, "M_UNKNOWN", "the validation mail could not be sent");
    }
    std::optional<std::string> submit_url;
    if (x.since(Epoch::submit_url)) submit_url = base + std::string(submit_path);
    return answer(x, session.sids.back(), submit_url);
}

bool Stages::should_mail(Exchange& x, Session& session, bool created) {
    if (!created && x.fields.send_attempt <= session.send_attempt) return false;
    session.send_attempt = x.fields.send_attempt;
    return true;
}

std::string Stages::validation_link(Exchange& x, const Session& session) {
    return x.state.public_base_url() + std::string(submit_path) + "?token=" + net::percent_encode(session.token) +
           "&client_secret=" + net::percent_encode(session.client_secret) + "&sid=" + net::percent_encode(session.sids.back());
}

std::string Stages::mail_text(const std::string& to, const std::string& subject, const std::string& body) {
    return "From: mx3pid reference homeserver <reference@mx3pid.invalid>\r\nTo: <" + to + ">\r\nSubject: " + subject +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
}

bool Stages::send_mail(Exchange& x, const std::string& to, const std::string& text) { return x.state.mail(to, text); }

// --- answers ---------------------------------------------------------------------------------------

net::Response Stages::answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) {
    json reply{{"sid", sid}};
    if (submit_url) reply["submit_url"] = *submit_url;
    return json_answer(200, reply);
}

net::Response Stages::error(int status, std::string_view errcode, std::string_view message) {
    return json_answer(status, json{{"errcode", errcode}, {"error", message}});
}

net::Response Stages::json_answer(int status, const json& body) {
    return net::Response::json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

net::Response Stages::limited(std::chrono::milliseconds retry_after) {
    auto answer = json_answer(429, {{"errcode", "M_LIMIT_EXCEEDED"}, {"error", "too many requests"},
                                    {"retry_after_ms", retry_after.count()}});
    answer.headers.emplace_back("Retry-After", std::to_string(retry_after.count() / 1000));
    return answer;
}

net::Response Stages::submit_token(State& state, const net::Request& request) {
    std::string sid, client_secret, token;
    if (request.method == "POST") {
        auto body = json::parse(request.body, nullptr, false);
        if (!body.is_object()) return error(400, "M_NOT_JSON", "the body must be a JSON object");
        string_field(body, "sid", sid);
        string_field(body, "client_secret", client_secret);
        string_field(body, "token", token);
    } else if (request.method == "GET") {
        for (const auto& [name, value] : net::parse_form(request.query())) {
            if (name == "sid") sid = value;
            if (name == "client_secret") client_secret = value;
            if (name == "token") token = value;
        }
    } else {
        return error(405, "M_UNRECOGNIZED", "use GET or POST");
    }
    if (!spec::is_opaque_id(sid) || !spec::is_valid_client_secret(client_secret) || token.empty())
        return error(400, "M_INVALID_PARAM", "sid, client_secret and token are required, in their grammar");
    auto [outcome, next_link] = state.submit(sid, client_secret, token);
    switch (outcome) {
        case State::Submitted::validated:
            if (request.method == "POST") return json_answer(200, json{{"success", true}});
            if (next_link.empty()) return net::Response::text(200, "Your address is validated.\n");
            return net::Response{302, {{"Location", next_link}}, ""};
        case State::Submitted::wrong_token: return error(400, "M_TOKEN_INCORRECT", "wrong token");
        case State::Submitted::no_session: break;
    }
    return error(404, "M_NO_VALID_SESSION", "no such session");
}

}  // namespace mx3pid::reference_homeserver::detail
