#include "reference_homeserver/detail/accounts.hpp"

#include <algorithm>
#include <random>

#include <nlohmann/json.hpp>

#include "net/client.hpp"
#include "net/url.hpp"

#include "spec/grammar.hpp"
#include "spec/phone.hpp"
#include "spec/registration_mac.hpp"

namespace mx3pid::reference_homeserver::detail {
namespace {

using nlohmann::json;

net::Response error(int status, std::string_view errcode, std::string_view message) {
    return net::Response::json(status, json{{"errcode", errcode}, {"error", message}}.dump());
}

net::Response ok(const json& body) { return net::Response::json(200, body.dump()); }

/// The path below /_matrix/client/{r0,v3}, or nothing for a path outside the client API.
std::optional<std::string> client_path(const std::string& path) {
    for (std::string_view prefix : {"/_matrix/client/r0", "/_matrix/client/v3"})
        if (path.rfind(prefix, 0) == 0) return path.substr(prefix.size());
    return std::nullopt;
}

std::optional<json> object_body(const net::Request& request) {
    auto body = json::parse(request.body, nullptr, false);
    if (!body.is_object()) return std::nullopt;
    return body;
}

std::string string_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool valid_username(const std::string& name) {
    return !name.empty() && name.size() <= 200 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '=' || c == '-' || c == '/';
    });
}

}  // namespace

Accounts::Accounts(AccountSettings settings, ValidatedLookup lookup, std::size_t max_accounts)
    : settings_(std::move(settings)), lookup_(std::move(lookup)), max_accounts_(max_accounts) {}

std::optional<ThreepidKey> Accounts::key_of(const std::string& medium, const std::string& address) {
    if (medium == "email") return ThreepidKey{spec::Medium::email, spec::ascii_lower(address)};
    if (medium != "msisdn") return std::nullopt;
    auto split = spec::split_international(spec::phone_digits(address));
    if (!split) return std::nullopt;
    return ThreepidKey{spec::Medium::msisdn, split->country + " " + spec::phone_digits(split->phone_number)};
}

std::string Accounts::new_secret(const char* prefix) {
    static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::mt19937_64 random(std::random_device{}() ^ (++counter_ * 0x9e3779b97f4a7c15ULL));
    std::string secret = prefix;
    for (int i = 0; i < 24; ++i) secret += letters[random() % 62];
    return secret;
}

std::optional<net::Response> Accounts::handle(const net::Request& request) {
    const auto path = request.path();
    if (path == "/_synapse/admin/v1/register") {
        if (request.method == "GET") return shared_secret_nonce();
        if (request.method == "POST") return shared_secret_register(request);
        return error(405, "M_UNRECOGNIZED", "use GET or POST");
    }
    auto below = client_path(path);
    if (!below) return std::nullopt;
    if (*below == "/register") {
        if (request.method != "POST") return error(405, "M_UNRECOGNIZED", "use POST");
        return register_account(request);
    }
    if (*below == "/account/3pid/add") {
        if (request.method != "POST") return error(405, "M_UNRECOGNIZED", "use POST");
        return add_threepid(request, true);
    }
    if (*below == "/account/3pid") {
        if (request.method == "GET") return list_threepids(request);
        if (request.method == "POST") return add_threepid(request, false);
        return error(405, "M_UNRECOGNIZED", "use GET or POST");
    }
    return std::nullopt;
}

bool Accounts::is_bound(spec::Medium medium, const std::string& key) const {
    std::lock_guard lock(mutex_);
    return bound_.count({medium, key}) != 0;
}

net::Response Accounts::create(const std::string& username, const std::string& password) {
    if (!valid_username(username)) return error(400, "M_INVALID_USERNAME", "user names are [a-z0-9._=/-]");
    std::string user_id = "@" + username + ":" + settings_.server_name;
    std::lock_guard lock(mutex_);
    if (accounts_.count(user_id)) return error(400, "M_USER_IN_USE", "the user name is taken");
    if (accounts_.size() >= max_accounts_) return error(403, "M_FORBIDDEN", "this server holds no more accounts");
    accounts_[user_id] = Account{user_id, password};
    auto token = new_secret("syt_");
    tokens_[token] = user_id;
    return ok({{"user_id", user_id}, {"access_token", token}, {"device_id", new_secret("DEV")}});
}

net::Response Accounts::register_account(const net::Request& request) {
    if (!settings_.open) return error(403, "M_FORBIDDEN", "registration is closed");
    auto body = object_body(request);
    if (!body) return error(400, "M_BAD_JSON", "the body must be a JSON object");
    auto password = string_at(*body, "password");
    if (password.empty()) return error(400, "M_MISSING_PARAM", "password is required");
    auto auth = body->find("auth");
    if (auth == body->end() || !auth->is_object()) {
        std::lock_guard lock(mutex_);
        if (auth_sessions_.size() >= max_accounts_) auth_sessions_.erase(auth_sessions_.begin());
        auto session = new_secret("uia");
        auth_sessions_.insert(session);
        return net::Response::json(
            401, json{{"flows", {{{"stages", {"m.login.dummy"}}}}}, {"params", json::object()}, {"session", session}}.dump());
    }
    if (string_at(*auth, "type") != "m.login.dummy") return error(401, "M_FORBIDDEN", "only m.login.dummy is offered");
    auto username = string_at(*body, "username");
    if (username.empty()) username = "user" + new_secret("").substr(0, 10);
    return create(spec::ascii_lower(username), password);
}

net::Response Accounts::shared_secret_nonce() {
    if (settings_.shared_secret.empty()) return error(400, "M_UNKNOWN", "shared secret registration is not enabled");
    std::lock_guard lock(mutex_);
    auto nonce = new_secret("");
    nonces_.push_back(nonce);
    while (nonces_.size() > max_accounts_) nonces_.pop_front();
    return ok({{"nonce", nonce}});
}

net::Response Accounts::shared_secret_register(const net::Request& request) {
    if (settings_.shared_secret.empty()) return error(400, "M_UNKNOWN", "shared secret registration is not enabled");
    auto body = object_body(request);
    if (!body) return error(400, "M_BAD_JSON", "the body must be a JSON object");
    auto nonce = string_at(*body, "nonce");
    auto username = string_at(*body, "username");
    auto password = string_at(*body, "password");
    bool admin = body->value("admin", false);
    {
        std::lock_guard lock(mutex_);
        auto found = std::find(nonces_.begin(), nonces_.end(), nonce);
        if (nonce.empty() || found == nonces_.end()) return error(400, "M_UNKNOWN", "unrecognised nonce");
        nonces_.erase(found);
    }
    if (string_at(*body, "mac") != spec::registration_mac(settings_.shared_secret, nonce, username, password, admin))
        return error(403, "M_FORBIDDEN", "HMAC incorrect");
    if (password.empty()) return error(400, "M_MISSING_PARAM", "password is required");
    return create(username, password);
}

std::optional<std::string> Accounts::user_of(const net::Request& request) const {
    auto authorization = request.header("Authorization").value_or("");
    constexpr std::string_view scheme = "Bearer ";
    if (authorization.rfind(scheme, 0) != 0) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto found = tokens_.find(authorization.substr(scheme.size()));
    if (found == tokens_.end()) return std::nullopt;
    return found->second;
}

net::Response Accounts::add_threepid(const net::Request& request, bool interactive) {
    auto user = user_of(request);
    if (!user) return error(401, "M_UNKNOWN_TOKEN", "an access token of this server is required");
    auto body = object_body(request);
    if (!body) return error(400, "M_BAD_JSON", "the body must be a JSON object");
    std::string sid, client_secret, id_server;
    if (interactive) {
        sid = string_at(*body, "sid");
        client_secret = string_at(*body, "client_secret");
        auto auth = body->find("auth");
        const json challenge{{"flows", {{{"stages", {"m.login.password"}}}}}, {"params", json::object()}, {"session", new_secret("uia")}};
        if (auth == body->end() || !auth->is_object()) return net::Response::json(401, challenge.dump());
        std::lock_guard lock(mutex_);
        const auto& account = accounts_.at(*user);
        if (string_at(*auth, "type") != "m.login.password" || string_at(*auth, "password") != account.password) {
            auto refused = challenge;
            refused["errcode"] = "M_FORBIDDEN";
            refused["error"] = "wrong password";
            return net::Response::json(401, refused.dump());
        }
    } else {
        auto creds = body->find("three_pid_creds");
        if (creds == body->end()) creds = body->find("threePidCreds");
        if (creds == body->end() || !creds->is_object()) return error(400, "M_MISSING_PARAM", "three_pid_creds is required");
        sid = string_at(*creds, "sid");
        client_secret = string_at(*creds, "client_secret");
        id_server = string_at(*creds, "id_server");
    }
    if (sid.empty() || client_secret.empty()) return error(400, "M_MISSING_PARAM", "sid and client_secret are required");
    auto address = lookup_(sid, client_secret, id_server);
    if (!address) return error(400, "M_THREEPID_AUTH_FAILED", "no validated session with this sid and client_secret");
    std::lock_guard lock(mutex_);
    auto [bound, inserted] = bound_.emplace(std::pair{address->medium, address->key}, *user);
    if (!inserted && bound->second != *user) return error(400, "M_THREEPID_IN_USE", "the address is bound to another account");
    return ok(json::object());
}

net::Response Accounts::list_threepids(const net::Request& request) {
    auto user = user_of(request);
    if (!user) return error(401, "M_UNKNOWN_TOKEN", "an access token of this server is required");
    json threepids = json::array();
    std::lock_guard lock(mutex_);
    for (const auto& [address, owner] : bound_)
        if (owner == *user) threepids.push_back({{"medium", spec::medium_name(address.first)}, {"address", address.second}});
    return ok({{"threepids", threepids}});
}

AccountSettings account_settings(const Config& config) {
    return AccountSettings{config.registration_open, config.registration_shared_secret, "reference.mx3pid.invalid"};
}

Config with_accounts(Config config, const Accounts& accounts) {
    config.bound_to_account = [&accounts](spec::Medium medium, const std::string& key) { return accounts.is_bound(medium, key); };
    return config;
}

namespace {

std::optional<ThreepidKey> ask_identity_server(const std::string& base, const std::string& sid,
                                               const std::string& client_secret, const std::string& ca_file) {
    auto url = net::Url::parse(base);
    if (!url) return std::nullopt;
    net::ClientOptions options;
    options.connect_timeout = std::chrono::seconds(5);
    options.read_timeout = std::chrono::seconds(10);
    options.max_response_bytes = 64 * 1024;
    options.ca_file = ca_file;
    net::Request request{"GET",
                         "/_matrix/identity/api/v1/3pid/getValidated3pid?sid=" + net::percent_encode(sid) +
                             "&client_secret=" + net::percent_encode(client_secret),
                         {{"Accept", "application/json"}}, "", ""};
    auto outcome = net::send(*url, std::move(request), options);
    if (!outcome || outcome->status != 200) return std::nullopt;
    auto body = json::parse(outcome->body, nullptr, false);
    if (!body.is_object()) return std::nullopt;
    return Accounts::key_of(string_at(body, "medium"), string_at(body, "address"));
}

}  // namespace

std::optional<ThreepidKey> find_validated(const State& state, const std::string& sid, const std::string& client_secret,
                                          const std::string& id_server) {
    if (auto key = state.validated_session(sid, client_secret)) {
        auto medium_end = key->find('|');
        auto address_end = key->rfind('|');
        auto medium = key->substr(0, medium_end) == "email" ? spec::Medium::email : spec::Medium::msisdn;
        return ThreepidKey{medium, key->substr(medium_end + 1, address_end - medium_end - 1)};
    }
    auto config = state.config();
    auto base = id_server.empty() ? config.delegate_identity_url : config.identity_scheme + "://" + id_server;
    return ask_identity_server(base, sid, client_secret, config.identity_ca_file);
}

}  // namespace mx3pid::reference_homeserver::detail
