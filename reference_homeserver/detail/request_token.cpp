#include "reference_homeserver/detail/request_token.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::detail {
namespace {

using nlohmann::json;
using spec::Medium;
using spec::Purpose;
using spec::Validation;

constexpr std::string_view submit_path = "/_matrix/client/unstable/mx3pid/submit_token";

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

struct Address {
    Medium medium;
    std::string email;  ///< lower case
    std::string country;
    std::string phone_digits;

    std::string key() const { return medium == Medium::email ? email : country + " " + phone_digits; }
};

bool is_bound(const Config& config, const Address& address) {
    if (address.medium == Medium::email) {
        return std::any_of(config.bound_emails.begin(), config.bound_emails.end(),
                           [&](const std::string& bound) { return spec::ascii_lower(bound) == address.email; });
    }
    return std::any_of(config.bound_msisdns.begin(), config.bound_msisdns.end(), [&](const Msisdn& bound) {
        return bound.country == address.country && spec::phone_digits(bound.phone_number) == address.phone_digits;
    });
}

bool is_denied(const Config& config, const Address& address) {
    if (address.medium == Medium::email) {
        auto domain = address.email.substr(address.email.find('@') + 1);
        return std::any_of(config.denied_email_domains.begin(), config.denied_email_domains.end(),
                           [&](const std::string& denied) { return spec::ascii_lower(denied) == domain; });
    }
    return contains(config.denied_msisdn_countries, address.country);
}

/// The string at `key`: missing and wrongly typed are told apart for the error code.
enum class FieldState { ok, missing, wrong_type };

FieldState string_field(const json& body, const char* key, std::string& out) {
    auto it = body.find(key);
    if (it == body.end()) return FieldState::missing;
    if (!it->is_string()) return FieldState::wrong_type;
    out = it->get<std::string>();
    return FieldState::ok;
}

bool first_character_valid(const std::string& secret) {
    return !secret.empty() && spec::is_opaque_id(secret.substr(0, 1));
}

bool is_digits(const std::string& text) {
    return !text.empty() && text.size() < 18 &&
           std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string mail_text(const std::string& to, const std::string& subject, const std::string& body) {
    return "From: mx3pid reference homeserver <reference@mx3pid.invalid>\r\nTo: <" + to + ">\r\nSubject: " + subject +
           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
}

}  // namespace

RequestTokenService::RequestTokenService(Config config, Forwarder forwarder, Mailer mailer)
    : config_(std::move(config)),
      edition_(spec::Edition::parse(config_.edition).value_or(spec::Edition::all().front())),
      forward_(std::move(forwarder)),
      mail_(std::move(mailer)) {}

Config RequestTokenService::config_snapshot() const {
    std::lock_guard lock(mutex_);
    return config_;
}

void RequestTokenService::set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries) {
    std::lock_guard lock(mutex_);
    config_.denied_email_domains = std::move(email_domains);
    config_.denied_msisdn_countries = std::move(msisdn_countries);
}

void RequestTokenService::set_public_base_url(std::string url) {
    std::lock_guard lock(mutex_);
    public_base_url_ = std::move(url);
}

std::string RequestTokenService::new_id(const char* prefix) {
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::lock_guard lock(mutex_);
    std::mt19937_64 random(++counter_ * 0x9e3779b97f4a7c15ULL);
    std::string id = std::string(prefix) + std::to_string(counter_) + "-";
    for (int i = 0; i < 12; ++i) id += letters[random() % 52];
    return id;
}

net::Response RequestTokenService::error(int status, const char* errcode, const std::string& message) const {
    switch (config_.fault) {
        case Fault::error_without_errcode: return net::Response::json(status, json{{"error", message}}.dump());
        case Fault::error_without_message: return net::Response::json(status, json{{"errcode", errcode}}.dump());
        case Fault::error_not_json: return net::Response::text(status, std::string(errcode) + ": " + message);
        case Fault::error_wrong_content_type:
            return net::Response::text(status, json{{"errcode", errcode}, {"error", message}}.dump());
        default: return net::Response::json(status, json{{"errcode", errcode}, {"error", message}}.dump());
    }
}

net::Response RequestTokenService::versions() const {
    json list = json::array();
    for (const auto& edition : spec::Edition::all()) {
        if (edition_ < edition) break;
        list.push_back(edition.name());
    }
    return net::Response::json(200, json{{"versions", list}, {"unstable_features", json::object()}}.dump());
}

bool RequestTokenService::rate_limit(const std::string& client_secret) {
    if (config_.fault == Fault::rate_limited_always) return true;
    if (config_.fault != Fault::rate_limited_once) return false;
    std::lock_guard lock(mutex_);
    return limited_before_.insert(client_secret).second;
}

net::Response RequestTokenService::handle(const net::Request& request) {
    auto path = request.path();
    if (path == "/_matrix/client/versions") {
        if (request.method != "GET") return error(405, "M_UNRECOGNIZED", "use GET");
        return versions();
    }
    if (path == submit_path) return submit_token(request);
    for (std::string_view prefix : {"/_matrix/client/r0", "/_matrix/client/v3"}) {
        if (path.rfind(prefix, 0) != 0) continue;
        const auto* endpoint = spec::find_endpoint_by_path(std::string_view(path).substr(prefix.size()));
        if (!endpoint) break;
        if (config_.fault == Fault::register_msisdn_missing && endpoint->key == "register/msisdn") break;
        if (config_.fault == Fault::password_email_as_register && endpoint->key == "password/email")
            endpoint = spec::find_endpoint_by_key("register/email");
        if (request.method == "OPTIONS") return net::Response::json(200, "{}");
        if (request.method != "POST")
            return error(config_.fault == Fault::wrong_method_404 ? 404 : 405, "M_UNRECOGNIZED", "this endpoint takes POST");
        return request_token(*endpoint, request);
    }
    return error(404, "M_UNRECOGNIZED", "unrecognised request");
}

net::Response RequestTokenService::request_token(const spec::Endpoint& endpoint, const net::Request& request) {
    const Config config = config_snapshot();
    const Fault fault = config.fault;
    const Validation validation = endpoint.medium == Medium::email ? config.email_validation : config.msisdn_validation;

    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return error(400, "M_NOT_JSON", "the body is not JSON");
    if (!body.is_object()) return error(400, "M_BAD_JSON", "the body must be a JSON object");

    // id_server is required until r0.6.0 made it optional (requestToken-facts §3).
    const bool id_server_required = edition_ < *spec::Edition::parse("r0.6.0") || fault == Fault::id_server_still_required;
    std::string client_secret, id_server, next_link, email, country, phone_number;
    std::vector<std::pair<const char*, std::string*>> required{{"client_secret", &client_secret}};
    if (endpoint.medium == Medium::email) {
        required.emplace_back("email", &email);
    } else {
        required.emplace_back("country", &country);
        required.emplace_back("phone_number", &phone_number);
    }
    if (id_server_required) required.emplace_back("id_server", &id_server);
    for (auto [key, out] : required) {
        switch (string_field(body, key, *out)) {
            case FieldState::missing: return error(400, "M_MISSING_PARAM", std::string("missing ") + key);
            case FieldState::wrong_type: return error(400, "M_INVALID_PARAM", std::string(key) + " must be a string");
            case FieldState::ok: break;
        }
    }
    for (auto [key, out] : {std::pair{"next_link", &next_link}, std::pair{"id_server", &id_server}})
        if (body.contains(key) && string_field(body, key, *out) != FieldState::ok)
            return error(400, "M_INVALID_PARAM", std::string(key) + " must be a string");
    auto send_attempt_field = body.find("send_attempt");
    if (send_attempt_field == body.end()) return error(400, "M_MISSING_PARAM", "missing send_attempt");
    std::int64_t send_attempt = 0;
    if (send_attempt_field->is_number_integer()) {
        send_attempt = send_attempt_field->get<std::int64_t>();
    } else if (fault == Fault::send_attempt_string_accepted && send_attempt_field->is_string() &&
               is_digits(send_attempt_field->get<std::string>())) {
        send_attempt = std::stoll(send_attempt_field->get<std::string>());
    } else {
        return error(400, "M_INVALID_PARAM", "send_attempt must be an integer");
    }
    bool secret_ok = fault == Fault::client_secret_first_character_only ? first_character_valid(client_secret)
                                                                        : spec::is_valid_client_secret(client_secret);
    if (!secret_ok) return error(400, "M_INVALID_PARAM", "client_secret does not match [0-9a-zA-Z.=_-]{1,255}");
    Address address{endpoint.medium, {}, {}, {}};
    const bool check_address = fault != Fault::address_unchecked;
    if (endpoint.medium == Medium::email) {
        if (check_address && !spec::is_plausible_email(email))
            return error(400, "M_INVALID_PARAM", "email is not an email address");
        address.email = spec::ascii_lower(email);
    } else {
        if (check_address && !spec::is_country_code(country))
            return error(400, "M_INVALID_PARAM", "country must be two upper-case letters");
        if (check_address && !spec::is_plausible_phone_number(phone_number))
            return error(400, "M_INVALID_PARAM", "phone_number is not a phone number");
        address.country = country;
        address.phone_digits = spec::phone_digits(phone_number);
    }
    if (rate_limit(client_secret)) {
        auto limited = net::Response::json(
            429, json{{"errcode", "M_LIMIT_EXCEEDED"}, {"error", "too many requests"}, {"retry_after_ms", 20}}.dump());
        limited.headers.emplace_back("Retry-After", "0");
        return limited;
    }

    const bool policy_applies = !(fault == Fault::policy_skipped_on_3pid && endpoint.purpose == Purpose::add_threepid) &&
                                !(fault == Fault::msisdn_policy_skipped && endpoint.medium == Medium::msisdn) &&
                                !(fault == Fault::password_denied_proxied && endpoint.purpose == Purpose::reset_password);
    if (policy_applies && is_denied(config, address))
        return error(fault == Fault::denied_wrong_status ? 400 : 403, "M_THREEPID_DENIED",
                     "this server does not allow that address");

    const bool bound = is_bound(config, address);
    std::optional<net::Response> state_refusal;
    if (endpoint.purpose == Purpose::reset_password) {
        bool skip = fault == Fault::password_unknown_200 ||
                    (fault == Fault::password_denied_proxied && is_denied(config, address));
        if (!bound && !skip) state_refusal = error(400, "M_THREEPID_NOT_FOUND", "no account has that address");
    } else if (bound && fault != Fault::in_use_answers_200) {
        state_refusal = fault == Fault::in_use_wrong_errcode ? error(400, "M_UNKNOWN", "address already in use")
                                                             : error(400, "M_THREEPID_IN_USE", "address already in use");
    }
    if (fault == Fault::enumeration_leaks_token && config.enumeration_protection) state_refusal.reset();
    // Enumeration protection hides the state on register and password reset (requestToken-facts §8).
    if (state_refusal && config.enumeration_protection && endpoint.purpose != Purpose::add_threepid)
        return conceal(endpoint, address.email, validation);
    if (state_refusal && fault != Fault::bound_check_after_forwarding) return *state_refusal;

    if (validation == Validation::self) {
        if (state_refusal) return *state_refusal;
        if (fault == Fault::valid_request_500) return error(500, "M_UNKNOWN", "internal error");
        return validate_by_mail(endpoint, address.key(), client_secret, send_attempt);
    }

    std::string identity_base = config.delegate_identity_url;
    if (validation == Validation::proxy) {
        if (id_server.empty()) return error(400, "M_INVALID_PARAM", "this server validates through id_server: give one");
        const bool trusted = fault == Fault::untrusted_id_server_forwarded || contains(config.trusted_identity_servers, id_server);
        if (!trusted)
            return error(fault == Fault::untrusted_wrong_status ? 403 : 400, "M_SERVER_NOT_TRUSTED",
                         "this server does not trust that identity server");
        identity_base = config.identity_scheme + "://" + id_server;
    } else if (fault == Fault::delegate_follows_id_server && !id_server.empty()) {
        identity_base = config.identity_scheme + "://" + id_server;
    }
    if (fault == Fault::valid_request_500) return error(500, "M_UNKNOWN", "internal error");

    json forwarded{{"client_secret", client_secret}};
    if (endpoint.medium == Medium::email) {
        forwarded["email"] = email;
    } else {
        forwarded["country"] = country;
        forwarded["phone_number"] = phone_number;
    }
    forwarded["send_attempt"] = fault == Fault::send_attempt_dropped ? 1 : send_attempt;
    if (fault == Fault::resend_on_repeat) {
        std::lock_guard lock(mutex_);
        if (!forwarded_before_.insert(client_secret + "|" + address.key()).second) forwarded["send_attempt"] = send_attempt + 1;
    }
    if (!next_link.empty() && fault != Fault::next_link_dropped) forwarded["next_link"] = next_link;

    auto url = identity_base + "/_matrix/identity/api/v1/validate/" + std::string(spec::medium_name(endpoint.medium)) +
               "/requestToken";
    auto answer = forward_(url, forwarded);
    if (state_refusal) return *state_refusal;
    if (!answer.reached) return error(500, "M_UNKNOWN", "the identity server could not be reached");
    json identity_body = json::parse(answer.body, nullptr, false);
    if (answer.status != 200) {
        if (identity_body.is_object() && identity_body.contains("errcode"))
            return net::Response::json(answer.status >= 400 && answer.status < 500 ? answer.status : 500,
                                       identity_body.dump());
        return error(500, "M_UNKNOWN", "the identity server failed");
    }
    if (!identity_body.is_object() || !identity_body.contains("sid") || !identity_body["sid"].is_string())
        return error(500, "M_UNKNOWN", "the identity server answered without a sid");

    json reply{{"sid", identity_body["sid"]}};
    switch (fault) {
        case Fault::no_sid: reply = json::object(); break;
        case Fault::sid_not_string: reply["sid"] = 1234; break;
        case Fault::sid_forbidden_character: reply["sid"] = identity_body["sid"].get<std::string>() + "/x"; break;
        case Fault::sid_too_long: reply["sid"] = std::string(256, 's'); break;
        case Fault::own_sid: reply["sid"] = new_id("hs"); break;
        default: break;
    }
    return net::Response::json(200, reply.dump());
}

net::Response RequestTokenService::validate_by_mail(const spec::Endpoint& endpoint, const std::string& address,
                                                    const std::string& client_secret, std::int64_t send_attempt) {
    const auto key = std::string(spec::medium_name(endpoint.medium)) + "|" + address + "|" + client_secret;
    Session fresh{new_id("ref"), new_id("tok"), address, send_attempt, false};
    Session session;
    bool send = false;
    std::string base;
    {
        std::lock_guard lock(mutex_);
        base = public_base_url_;
        auto [found, created] = sessions_.emplace(key, fresh);
        send = created || send_attempt > found->second.send_attempt || config_.fault == Fault::self_resends_on_repeat;
        if (send) found->second.send_attempt = send_attempt;
        session = found->second;
    }
    if (send && config_.fault != Fault::self_no_mail) {
        auto token = config_.fault == Fault::self_wrong_token ? session.token + "x" : session.token;
        auto link = base + std::string(submit_path) + "?token=" + net::percent_encode(token) +
                    "&client_secret=" + net::percent_encode(client_secret) + "&sid=" + net::percent_encode(session.sid);
        auto text = mail_text(address, "Validate your email address",
                              "Someone asked to use this address on the mx3pid reference homeserver.\r\n"
                              "If it was you, follow this link to confirm:\r\n\r\n" + link + "\r\n");
        if (!mail_(address, text)) return error(500, "M_UNKNOWN", "the validation mail could not be sent");
    }
    json reply{{"sid", session.sid}};
    if (!(edition_ < *spec::Edition::parse("r0.5.0"))) reply["submit_url"] = base + std::string(submit_path);
    return net::Response::json(200, reply.dump());
}

net::Response RequestTokenService::conceal(const spec::Endpoint& endpoint, const std::string& email, Validation validation) {
    if (validation == Validation::self && endpoint.medium == Medium::email) {
        const bool registering = endpoint.purpose == Purpose::register_account;
        auto text = mail_text(email, registering ? "Someone tried to register with your address" : "No account uses this address",
                              registering ? "This address already belongs to an account here. To get back into it, "
                                            "reset your password.\r\n"
                                          : "Someone asked to reset a password for this address, but no account uses "
                                            "it. You can register one.\r\n");
        mail_(email, text);
    }
    return net::Response::json(200, json{{"sid", new_id("ref")}}.dump());
}

net::Response RequestTokenService::submit_token(const net::Request& request) {
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
    std::lock_guard lock(mutex_);
    for (auto& [key, session] : sessions_) {
        if (session.sid != sid || key.substr(key.rfind('|') + 1) != client_secret) continue;
        if (session.token != token) return error(400, "M_TOKEN_INCORRECT", "wrong token");
        session.validated = true;
        if (request.method == "GET") return net::Response::text(200, "Your address is validated.\n");
        return net::Response::json(200, json{{"success", true}}.dump());
    }
    return error(404, "M_NO_VALID_SESSION", "no such session");
}

}  // namespace mx3pid::reference_homeserver::detail
