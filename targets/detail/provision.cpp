#include "targets/detail/provision.hpp"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "engine/follow_up.hpp"
#include "suite/check_plan.hpp"
#include "spec/registration_mac.hpp"

namespace mx3pid::targets::detail {
namespace {

using nlohmann::json;

/// A refused step: its name and what the server said.
struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Fixture indices no case reaches: the account, then one request per medium.
constexpr std::size_t provision_index = 900000;

struct Account {
    std::string user_id;
    std::string access_token;
    std::string password;
};

json parse_object(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body : json::object();
}

std::string string_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

/// "400 M_FORBIDDEN (registration is closed)"
std::string describe(const net::Response& response) {
    auto body = parse_object(response);
    std::string text = std::to_string(response.status);
    if (auto code = string_at(body, "errcode"); !code.empty()) text += " " + code;
    if (auto error = string_at(body, "error"); !error.empty()) text += " (" + error.substr(0, 200) + ")";
    return text;
}

/// A 2xx: setting up is not judging, so any success will do.
bool succeeded(const net::Response& response) { return response.status / 100 == 2; }

bool not_implemented(const net::Response& response) {
    return response.status == 404 || response.status == 405 || string_at(parse_object(response), "errcode") == "M_UNRECOGNIZED";
}

/// Does the 401 of user-interactive auth offer a flow made of exactly `stage`?
bool offers_single_stage(const json& challenge, const std::string& stage) {
    if (!challenge.contains("flows") || !challenge["flows"].is_array()) return false;
    for (const auto& flow : challenge["flows"]) {
        if (!flow.is_object() || !flow.contains("stages") || !flow["stages"].is_array()) continue;
        const auto& stages = flow["stages"];
        if (stages.size() == 1 && stages[0] == stage) return true;
    }
    return false;
}

net::Request json_request(const std::string& method, const std::string& target, const json* body, const std::string& bearer = "") {
    net::Request request{method, target, {{"Accept", "application/json"}}, "", ""};
    if (body) {
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = body->dump();
    }
    if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
    return request;
}

class Provisioner {
public:
    Provisioner(TokenRounds& rounds, const std::function<void(const ProvisionStep&)>& on_step) : rounds_(rounds), on_step_(on_step) {}

    Provisioned run(const std::vector<spec::Medium>& media);

private:
    const FixtureContext& context() const { return rounds_.context(); }
    const suite::Profile& profile() const { return rounds_.profile(); }

    void report(std::string what, std::string detail) { tell({std::move(what), true, std::move(detail)}); }
    [[noreturn]] void refuse(const std::string& what, const std::string& detail) {
        tell({what, false, detail});
        throw Refused(what + ": " + detail);
    }
    void tell(const ProvisionStep& step) {
        if (on_step_) on_step_(step);
    }
    net::Response send(const std::string& step, const net::Request& request);

    Account register_account();
    Account register_open(const std::string& user, const std::string& password);
    Account register_shared_secret(const std::string& user, const std::string& password);
    engine::Address bind(const Account& account, spec::Medium medium);
    TokenRound request_token(const Account& account, spec::Medium medium, const std::string& step);
    void submit(spec::Medium medium, const std::string& step, const TokenRound& round);
    void submit_to_identity_server(spec::Medium medium, const std::string& step, const TokenRound& round);
    void add_threepid(const Account& account, const std::string& step, const std::string& sid, const std::string& client_secret);

    TokenRounds& rounds_;
    const std::function<void(const ProvisionStep&)>& on_step_;
};

net::Response Provisioner::send(const std::string& step, const net::Request& request) {
    auto answer = rounds_.send(request);
    if (!answer.response) refuse(step, "no answer: " + answer.error);
    return *answer.response;
}

Account Provisioner::register_open(const std::string& user, const std::string& password) {
    const std::string step = "register";
    const auto target = rounds_.client_path("/register?kind=user");
    json body{{"username", user}, {"password", password}, {"initial_device_display_name", "mx3pid"}};
    auto first = send(step, json_request("POST", target, &body));
    json answer = parse_object(first);
    if (first.status == 401) {
        if (!offers_single_stage(answer, "m.login.dummy"))
            refuse(step, "registration asks for stages mx3pid cannot complete (" + answer.value("flows", json::array()).dump() +
                             "): allow registration without verification (the m.login.dummy stage alone), or name bound "
                             "addresses in the profile's bound:");
        // The dummy stage of user-interactive auth, in the session the server opened (every edition).
        body["auth"] = {{"type", "m.login.dummy"}};
        if (answer.contains("session")) body["auth"]["session"] = answer["session"];
        auto second = send(step, json_request("POST", target, &body));
        if (!succeeded(second)) refuse(step, "the dummy stage was refused: " + describe(second));
        answer = parse_object(second);
    } else if (first.status == 403) {
        refuse(step, "registration is closed (POST /register answered " + describe(first) +
                         "): open it, give registration: {shared_secret: …} in the profile, or name bound addresses in bound:");
    } else if (!succeeded(first)) {
        refuse(step, "POST /register answered " + describe(first));
    }
    return Account{string_at(answer, "user_id"), string_at(answer, "access_token"), password};
}

Account Provisioner::register_shared_secret(const std::string& user, const std::string& password) {
    const std::string step = "register (shared secret)";
    auto nonce_answer = send(step, json_request("GET", "/_synapse/admin/v1/register", nullptr));
    auto nonce = string_at(parse_object(nonce_answer), "nonce");
    if (!succeeded(nonce_answer) || nonce.empty())
        refuse(step, "no nonce from GET /_synapse/admin/v1/register: " + describe(nonce_answer) +
                         " (is registration_shared_secret set on the server?)");
    const auto& secret = profile().registration->shared_secret;
    json body{{"nonce", nonce}, {"username", user}, {"password", password}, {"admin", false},
              {"mac", spec::registration_mac(secret, nonce, user, password, false)}};
    auto answer = send(step, json_request("POST", "/_synapse/admin/v1/register", &body));
    if (!succeeded(answer))
        refuse(step, "POST /_synapse/admin/v1/register answered " + describe(answer) + " (does the profile's shared_secret match?)");
    auto object = parse_object(answer);
    return Account{string_at(object, "user_id"), string_at(object, "access_token"), password};
}

Account Provisioner::register_account() {
    auto local = context().fixtures.fresh_address(provision_index, spec::Medium::email).email;
    std::string user = local.substr(0, local.find('@'));
    std::string password = context().fixtures.for_case(provision_index, "provision").client_secret;
    rounds_.secrets().keep(password);
    const auto& registration = *profile().registration;
    Account account = registration.open ? register_open(user, password) : register_shared_secret(user, password);
    const std::string step = registration.open ? "register" : "register (shared secret)";
    if (account.user_id.empty() || account.access_token.empty()) refuse(step, "the answer carries no user_id and access_token");
    rounds_.secrets().keep(account.access_token);
    report(step, "registered " + account.user_id);
    return account;
}

TokenRound Provisioner::request_token(const Account& account, spec::Medium medium, const std::string& name) {
    const auto& endpoint = *spec::find_endpoint_by_key("3pid/" + name);
    const std::string step = name + ": requestToken";
    const auto address = context().fixtures.fresh_address(provision_index, medium);
    auto round = rounds_.ask(endpoint, address, provision_index + 1 + static_cast<std::size_t>(medium), context().token_wait,
                             account.access_token);
    if (!round.answer.response) refuse(step, "no answer: " + round.answer.error);
    const auto& answer = *round.answer.response;
    const auto target = "POST /account/3pid/" + name + "/requestToken";
    if (!round.accepted() && not_implemented(answer))
        refuse(step, target + " answered " + describe(answer) + ": the server does not implement it; name a bound " + name +
                         " in the profile's bound:");
    const auto sid = round.sid();
    if (!round.accepted() || sid.empty()) refuse(step, target + " answered " + describe(answer));
    report(step, "sid " + sid + " for " + address.describe());

    const std::string catch_step = name + ": catch the token";
    if (!round.token_sent()) {
        const bool by_mail = profile().validation_for(medium) == spec::Validation::self;
        refuse(catch_step, "no token reached " + address.describe() + " within " + std::to_string(context().token_wait.count()) +
                               " ms" +
                               (by_mail && context().mailbox
                                    ? " (is the server's email: block aimed at " + context().mailbox->authority() + "?)"
                                    : " (the mock identity server was asked for none)"));
    }
    report(catch_step, round.seen.mails.empty() ? "from the mock identity server" : "from the mail");
    return round;
}

void Provisioner::submit_to_identity_server(spec::Medium medium, const std::string& step, const TokenRound& round) {
    const auto& message = round.seen.messages.front();
    auto url = *net::Url::parse(context().identity.base_url());
    json body{{"sid", message.sid}, {"client_secret", round.values.client_secret}, {"token", message.token}};
    auto request = json_request("POST", "/_matrix/identity/api/v1/validate/" + std::string(spec::medium_name(medium)) + "/submitToken", &body);
    auto answer = rounds_.asker().ask(url, request, rounds_.secrets(), rounds_.transcript(), true);
    if (!answer.response) refuse(step, "the mock identity server could not be asked: " + answer.error);
    if (!succeeded(*answer.response)) refuse(step, "the mock identity server answered " + describe(*answer.response));
}

void Provisioner::submit(spec::Medium medium, const std::string& step, const TokenRound& round) {
    const auto answered_sid = round.sid();
    if (profile().validation_for(medium) != spec::Validation::self) {
        // The token reached the mock identity server: it is submitted there, as the user would on the
        // identity server's page (the homeserver learns of it from the identity server).
        if (round.seen.messages.empty()) refuse(step, "no token from the mock identity server to submit");
        submit_to_identity_server(medium, step, round);
        report(step, "validated sid " + round.seen.messages.front().sid + " at the mock identity server");
        return;
    }
    // The mailed link, as the user follows it; without one, the code to submit_url. Either way the
    // cases' own follow-up does it (given no answer, it follows the link).
    bool has_link = false;
    for (const auto& mail : round.seen.mails) has_link = has_link || (engine::carries_token(mail) && mail.validation);
    const auto answer = has_link ? std::nullopt : round.answer.response;
    auto follow = engine::complete_validation(spec::Validation::self, engine::follow_up_rules(context().edition), round.seen, answer, answered_sid,
                                              round.values, rounds_.asker(), rounds_.secrets(), rounds_.transcript());
    if (!follow.error.empty()) refuse(step, follow.error);
    // The token must reach the server; how submit_url words its answer is the cases' to judge.
    const auto completes = std::find_if(follow.checks.begin(), follow.checks.end(),
                                        [](const reports::CheckResult& check) { return check.name == suite::check::completes; });
    if (completes == follow.checks.end() || completes->verdict != reports::Verdict::pass)
        refuse(step, "expected " + (completes != follow.checks.end() ? completes->expected + ", got " + completes->actual
                                                                   : std::string("a way to submit the token")));
    report(step, std::string("validated sid ") + answered_sid + (has_link ? " by the mailed link" : " at submit_url"));
}

void Provisioner::add_threepid(const Account& account, const std::string& step, const std::string& sid,
                               const std::string& client_secret) {
    if (!(context().edition < *spec::Edition::parse("r0.6.0"))) {
        const auto target = rounds_.client_path("/account/3pid/add");
        json body{{"sid", sid}, {"client_secret", client_secret}};
        auto first = send(step, json_request("POST", target, &body, account.access_token));
        if (first.status == 401) {
            auto challenge = parse_object(first);
            if (!offers_single_stage(challenge, "m.login.password"))
                refuse(step, "/account/3pid/add asks for stages other than m.login.password: " + describe(first));
            // The password stage as every edition's user-interactive auth spells it: an identifier, no `user`.
            body["auth"] = {{"type", "m.login.password"},
                            {"identifier", {{"type", "m.id.user"}, {"user", account.user_id}}},
                            {"password", account.password}};
            if (challenge.contains("session")) body["auth"]["session"] = challenge["session"];
            first = send(step, json_request("POST", target, &body, account.access_token));
        }
        if (!succeeded(first)) refuse(step, "POST /account/3pid/add answered " + describe(first));
        report(step, "bound with /account/3pid/add");
        return;
    }
    // Before r0.6.0: the credentials of the validated session, naming the identity server the request named.
    json body{{"three_pid_creds", {{"sid", sid}, {"client_secret", client_secret}, {"id_server", context().id_server}}},
              {"bind", false}};
    auto answer = send(step, json_request("POST", rounds_.client_path("/account/3pid"), &body, account.access_token));
    if (!succeeded(answer)) refuse(step, "POST /account/3pid answered " + describe(answer));
    report(step, "bound with /account/3pid");
}

engine::Address Provisioner::bind(const Account& account, spec::Medium medium) {
    const std::string name(spec::medium_name(medium));
    if (!profile().supports_3pid_medium(medium))
        refuse(name + ": requestToken", "the profile says the server does not let accounts add an " + name +
                                            " (unsupported_3pid_media); name a bound " + name + " in the profile's bound:");
    auto round = request_token(account, medium, name);
    submit(medium, name + ": submit the token", round);
    add_threepid(account, name + ": bind", round.sid(), round.values.client_secret);
    return round.values.address;
}

Provisioned Provisioner::run(const std::vector<spec::Medium>& media) {
    Provisioned provisioned;
    std::optional<Account> account;
    try {
        account = register_account();
    } catch (const Refused& refused) {
        provisioned.refused = refused.what();
        return provisioned;
    }
    for (auto medium : media) {
        MadeAddress made{medium, std::nullopt, ""};
        try {
            made.bound = bind(*account, medium);
        } catch (const Refused& refused) {
            made.failure = refused.what();
        }
        provisioned.made.push_back(std::move(made));
    }
    return provisioned;
}

}  // namespace

Provisioned provision(TokenRounds& rounds, const std::vector<spec::Medium>& media,
                      const std::function<void(const ProvisionStep&)>& on_step) {
    return Provisioner(rounds, on_step).run(media);
}

}  // namespace mx3pid::targets::detail
