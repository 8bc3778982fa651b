#include "reference_homeserver/detail/request_token.hpp"

#include <algorithm>
#include <cctype>

#include "spec/edition.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::detail {
namespace {

using nlohmann::json;
using spec::Medium;
using spec::Purpose;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string digits_of(const std::string& phone) {
    std::string digits;
    for (char c : phone)
        if (c >= '0' && c <= '9') digits += c;
    return digits;
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

struct Address {
    Medium medium;
    std::string email;  ///< lower case
    std::string country;
    std::string phone_digits;
};

bool is_bound(const Config& config, const Address& address) {
    if (address.medium == Medium::email) {
        return std::any_of(config.bound_emails.begin(), config.bound_emails.end(),
                           [&](const std::string& bound) { return lower(bound) == address.email; });
    }
    return std::any_of(config.bound_msisdns.begin(), config.bound_msisdns.end(), [&](const Msisdn& bound) {
        return bound.country == address.country && digits_of(bound.phone_number) == address.phone_digits;
    });
}

bool is_denied(const Config& config, const Address& address) {
    if (address.medium == Medium::email) {
        auto domain = address.email.substr(address.email.find('@') + 1);
        return std::any_of(config.denied_email_domains.begin(), config.denied_email_domains.end(),
                           [&](const std::string& denied) { return lower(denied) == domain; });
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

}  // namespace

RequestTokenService::RequestTokenService(Config config, Forwarder forwarder)
    : config_(std::move(config)), forward_(std::move(forwarder)) {}

Config RequestTokenService::config_snapshot() const {
    std::lock_guard lock(mutex_);
    return config_;
}

void RequestTokenService::set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries) {
    std::lock_guard lock(mutex_);
    config_.denied_email_domains = std::move(email_domains);
    config_.denied_msisdn_countries = std::move(msisdn_countries);
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
    auto newest = spec::Edition::parse(config_.edition);
    json list = json::array();
    for (const auto& edition : spec::Edition::all()) {
        if (newest && *newest < edition) break;
        list.push_back(edition.name());
    }
    return net::Response::json(200, json{{"versions", list}, {"unstable_features", json::object()}}.dump());
}

net::Response RequestTokenService::handle(const net::Request& request) {
    auto path = request.path();
    if (path == "/_matrix/client/versions") {
        if (request.method != "GET") return error(405, "M_UNRECOGNIZED", "use GET");
        return versions();
    }
    for (std::string_view prefix : {"/_matrix/client/r0", "/_matrix/client/v3"}) {
        if (path.rfind(prefix, 0) != 0) continue;
        const auto* endpoint = spec::find_endpoint_by_path(std::string_view(path).substr(prefix.size()));
        if (!endpoint) break;
        if (config_.fault == Fault::register_msisdn_missing && endpoint->key == "register/msisdn") break;
        if (config_.fault == Fault::password_email_as_register && endpoint->key == "password/email")
            endpoint = spec::find_endpoint_by_key("register/email");
        if (request.method == "OPTIONS") return net::Response::json(200, "{}");
        if (request.method != "POST") return error(405, "M_UNRECOGNIZED", "this endpoint takes POST");
        return request_token(*endpoint, request);
    }
    return error(404, "M_UNRECOGNIZED", "unrecognised request");
}

net::Response RequestTokenService::request_token(const spec::Endpoint& endpoint, const net::Request& request) {
    const Config config = config_snapshot();
    const Fault fault = config.fault;

    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return error(400, "M_NOT_JSON", "the body is not JSON");
    if (!body.is_object()) return error(400, "M_BAD_JSON", "the body must be a JSON object");

    std::string client_secret, id_server, next_link;
    Address address{endpoint.medium, {}, {}, {}};
    std::vector<std::pair<const char*, std::string*>> required{{"client_secret", &client_secret}, {"id_server", &id_server}};
    std::string email, country, phone_number;
    if (endpoint.medium == Medium::email) {
        required.emplace_back("email", &email);
    } else {
        required.emplace_back("country", &country);
        required.emplace_back("phone_number", &phone_number);
    }
    for (auto [key, out] : required) {
        switch (string_field(body, key, *out)) {
            case FieldState::missing: return error(400, "M_MISSING_PARAM", std::string("missing ") + key);
            case FieldState::wrong_type: return error(400, "M_INVALID_PARAM", std::string(key) + " must be a string");
            case FieldState::ok: break;
        }
    }
    if (body.contains("next_link") && string_field(body, "next_link", next_link) != FieldState::ok)
        return error(400, "M_INVALID_PARAM", "next_link must be a string");
    auto send_attempt_field = body.find("send_attempt");
    if (send_attempt_field == body.end()) return error(400, "M_MISSING_PARAM", "missing send_attempt");
    std::int64_t send_attempt = 0;
    if (send_attempt_field->is_number_integer()) {
        send_attempt = send_attempt_field->get<std::int64_t>();
    } else if (fault == Fault::send_attempt_string_accepted && send_attempt_field->is_string() &&
               !send_attempt_field->get<std::string>().empty() &&
               std::all_of(send_attempt_field->get<std::string>().begin(), send_attempt_field->get<std::string>().end(),
                           [](unsigned char c) { return std::isdigit(c); })) {
        send_attempt = std::stoll(send_attempt_field->get<std::string>().substr(0, 18));
    } else {
        return error(400, "M_INVALID_PARAM", "send_attempt must be an integer");
    }
    bool secret_ok = fault == Fault::client_secret_first_character_only ? first_character_valid(client_secret)
                                                                        : spec::is_valid_client_secret(client_secret);
    if (!secret_ok) return error(400, "M_INVALID_PARAM", "client_secret does not match [0-9a-zA-Z.=_-]{1,255}");
    if (endpoint.medium == Medium::email) {
        if (!spec::is_plausible_email(email)) return error(400, "M_INVALID_PARAM", "email is not an email address");
        address.email = lower(email);
    } else {
        if (!spec::is_country_code(country)) return error(400, "M_INVALID_PARAM", "country must be two upper-case letters");
        if (!spec::is_plausible_phone_number(phone_number)) return error(400, "M_INVALID_PARAM", "phone_number is not a phone number");
        address.country = country;
        address.phone_digits = digits_of(phone_number);
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
    if (state_refusal && fault != Fault::bound_check_after_forwarding) return *state_refusal;

    const bool trusted = fault == Fault::untrusted_id_server_forwarded || contains(config.trusted_identity_servers, id_server);
    if (!trusted)
        return error(fault == Fault::untrusted_wrong_status ? 403 : 400, "M_SERVER_NOT_TRUSTED",
                     "this server does not trust that identity server");

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
        auto key = client_secret + "|" + address.email + "|" + address.country + address.phone_digits;
        if (!forwarded_before_.insert(key).second) forwarded["send_attempt"] = send_attempt + 1;
    }
    if (!next_link.empty() && fault != Fault::next_link_dropped) forwarded["next_link"] = next_link;

    auto url = config.identity_scheme + "://" + id_server + "/_matrix/identity/api/v1/validate/" +
               std::string(spec::medium_name(endpoint.medium)) + "/requestToken";
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
        case Fault::own_sid: {
            std::lock_guard lock(mutex_);
            reply["sid"] = "hs" + std::to_string(++own_sid_counter_);
            break;
        }
        default: break;
    }
    return net::Response::json(200, reply.dump());
}

}  // namespace mx3pid::reference_homeserver::detail
