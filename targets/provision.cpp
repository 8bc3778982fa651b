#include "targets/provision.hpp"

#include <ostream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "net/url.hpp"
#include "spec/registration_mac.hpp"

namespace mx3pid::targets {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

/// A refused step: its name and what the server said.
struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// Fixture indices no case reaches: the account, then one address per medium.
constexpr std::size_t provision_index = 900000;

struct Account {
    std::string user_id;
    std::string access_token;
    std::string password;
};

class Provisioner {
public:
    Provisioner(const ProvisionContext& context, const std::function<void(const ProvisionStep&)>& on_step)
        : context_(context), on_step_(on_step), http_(context.client) {}

    Provisioned run();

private:
    std::string client_path(const std::string& path) const {
        return "/_matrix/client/" + std::string(context_.edition.client_prefix()) + path;
    }
    net::Response send(const std::string& step, const std::string& method, const std::string& target, const json* body,
                       const std::string& bearer = "");
    net::Response send_to(const std::string& step, const net::Url& base, net::Request request);
    void report(std::string what, std::string detail) {
        made_.steps.push_back({std::move(what), true, std::move(detail)});
        if (on_step_) on_step_(made_.steps.back());
    }
    [[noreturn]] void refuse(const std::string& what, const std::string& detail) {
        made_.steps.push_back({what, false, detail});
        if (on_step_) on_step_(made_.steps.back());
        throw Refused(what + ": " + detail);
    }

    Account register_account();
    Account register_open(const std::string& user, const std::string& password);
    Account register_shared_secret(const std::string& user, const std::string& password);
    bool bind(const Account& account, spec::Medium medium, const engine::Address& address);
    std::string catch_token(spec::Medium medium, const std::string& step, const std::string& client_secret,
                            const std::string& address, std::uint64_t mail_since, std::uint64_t message_since,
                            std::optional<smtp_sink::ValidationLink>& link);
    void submit(spec::Medium medium, const std::string& step, const std::string& sid, const std::string& client_secret,
                const std::string& token, const std::optional<std::string>& submit_url,
                const std::optional<smtp_sink::ValidationLink>& link);
    void add_threepid(const Account& account, const std::string& step, const std::string& sid,
                      const std::string& client_secret);

    const ProvisionContext& context_;
    const std::function<void(const ProvisionStep&)>& on_step_;
    net::Client http_;
    Provisioned made_;
};

std::string describe(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    std::string text = std::to_string(response.status);
    if (body.is_object() && body.contains("errcode") && body["errcode"].is_string())
        text += " " + body["errcode"].get<std::string>();
    if (body.is_object() && body.contains("error") && body["error"].is_string())
        text += " (" + body["error"].get<std::string>().substr(0, 200) + ")";
    return text;
}

json parse_object(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body : json::object();
}

std::string string_at(const json& object, const char* key) {
    auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

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

net::Response Provisioner::send_to(const std::string& step, const net::Url& base, net::Request request) {
    auto outcome = http_.send(base, std::move(request));
    if (!outcome) refuse(step, "no answer: " + outcome.failure().describe());
    return *outcome;
}

net::Response Provisioner::send(const std::string& step, const std::string& method, const std::string& target,
                                const json* body, const std::string& bearer) {
    net::Request request{method, target, {{"Accept", "application/json"}}, "", ""};
    if (body) {
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = body->dump();
    }
    if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
    return send_to(step, context_.homeserver, std::move(request));
}

Account Provisioner::register_open(const std::string& user, const std::string& password) {
    const std::string step = "register";
    json body{{"username", user}, {"password", password}, {"initial_device_display_name", "mx3pid"}};
    auto first = send(step, "POST", client_path("/register?kind=user"), &body);
    json answer = parse_object(first);
    if (first.status == 401) {
        if (!offers_single_stage(answer, "m.login.dummy"))
            refuse(step, "registration asks for stages mx3pid cannot complete (" + answer.value("flows", json::array()).dump() +
                             "): allow registration without verification, or give `bound:` in the profile");
        body["auth"] = {{"type", "m.login.dummy"}};
        if (answer.contains("session")) body["auth"]["session"] = answer["session"];
        auto second = send(step, "POST", client_path("/register?kind=user"), &body);
        if (second.status != 200) refuse(step, "the dummy stage was refused: " + describe(second));
        answer = parse_object(second);
    } else if (first.status == 403) {
        refuse(step, "registration is closed (" + describe(first) + "): give `bound:` in the profile or open registration");
    } else if (first.status != 200) {
        refuse(step, "refused: " + describe(first));
    }
    return Account{string_at(answer, "user_id"), string_at(answer, "access_token"), password};
}

Account Provisioner::register_shared_secret(const std::string& user, const std::string& password) {
    const std::string step = "register (shared secret)";
    auto nonce_answer = send(step, "GET", "/_synapse/admin/v1/register", nullptr);
    auto nonce = string_at(parse_object(nonce_answer), "nonce");
    if (nonce_answer.status != 200 || nonce.empty())
        refuse(step, "no nonce from GET /_synapse/admin/v1/register: " + describe(nonce_answer) +
                         " (is registration_shared_secret set?)");
    const auto& secret = context_.profile.registration->shared_secret;
    json body{{"nonce", nonce}, {"username", user}, {"password", password}, {"admin", false},
              {"mac", spec::registration_mac(secret, nonce, user, password, false)}};
    auto answer = send(step, "POST", "/_synapse/admin/v1/register", &body);
    if (answer.status != 200) refuse(step, "refused: " + describe(answer) + " (does the profile's shared_secret match?)");
    auto object = parse_object(answer);
    return Account{string_at(object, "user_id"), string_at(object, "access_token"), password};
}

Account Provisioner::register_account() {
    auto local = context_.fixtures.fresh_address(provision_index, spec::Medium::email).email;
    std::string user = local.substr(0, local.find('@'));
    std::string password = context_.fixtures.for_case(provision_index, "provision").client_secret;
    const auto& registration = *context_.profile.registration;
    Account account = registration.open ? register_open(user, password) : register_shared_secret(user, password);
    if (account.user_id.empty() || account.access_token.empty())
        refuse("register", "the answer carries no user_id and access_token");
    report("register", "registered " + account.user_id);
    return account;
}

std::string Provisioner::catch_token(spec::Medium medium, const std::string& step, const std::string& client_secret,
                                     const std::string& address, std::uint64_t mail_since,
                                     std::uint64_t message_since, std::optional<smtp_sink::ValidationLink>& link) {
    const bool by_mail = medium == spec::Medium::email && context_.profile.email_validation == spec::Validation::self;
    const auto deadline = std::chrono::steady_clock::now() + context_.token_wait;
    if (by_mail) {
        if (!context_.mailbox) refuse(step, "the profile says the server mails, but no mail sink runs");
        auto since = mail_since;
        while (std::chrono::steady_clock::now() < deadline) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto mail = context_.mailbox->wait_for_message(since, std::max(left, 1ms));
            if (!mail) break;
            since = mail->sequence;
            bool to_address = false;
            for (const auto& recipient : mail->recipients) to_address |= recipient == address;
            if (!to_address) continue;
            if (mail->validation) {
                link = mail->validation;
                return mail->validation->token;
            }
            if (!mail->bare_token.empty()) return mail->bare_token;
        }
        refuse(step, "no mail with a token reached " + address + " within " +
                         std::to_string(context_.token_wait.count()) + " ms (is the server's email: block aimed at " +
                         context_.mailbox->authority() + "?)");
    }
    // The mock identity server acts before it answers, but the homeserver may call it later.
    for (int round = 0; round < 1000 && std::chrono::steady_clock::now() < deadline; ++round) {
        for (const auto& message : context_.identity.messages_since(message_since))
            if (message.client_secret == client_secret) return message.token;
        std::this_thread::sleep_for(10ms);
    }
    refuse(step, "the mock identity server was asked for no token for " + address + " within " +
                     std::to_string(context_.token_wait.count()) + " ms");
}

void Provisioner::submit(spec::Medium medium, const std::string& step, const std::string& sid,
                         const std::string& client_secret, const std::string& token,
                         const std::optional<std::string>& submit_url,
                         const std::optional<smtp_sink::ValidationLink>& link) {
    json body{{"sid", sid}, {"client_secret", client_secret}, {"token", token}};
    const bool by_mail = medium == spec::Medium::email && context_.profile.email_validation == spec::Validation::self;
    std::optional<net::Url> url;
    std::string method = "POST";
    if (submit_url) {
        url = net::Url::parse(*submit_url);
    } else if (by_mail && link) {
        url = net::Url::parse(link->url);
        method = "GET";
    } else if (!by_mail) {
        url = net::Url::parse(context_.identity.base_url() + "/_matrix/identity/api/v1/validate/" +
                              std::string(spec::medium_name(medium)) + "/submitToken");
    }
    if (!url) refuse(step, "nowhere to submit the token: no submit_url and no usable link");
    net::Request request{method, url->path, {{"Accept", "application/json"}}, "", ""};
    if (method == "POST") {
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = body.dump();
    }
    auto answer = send_to(step, *url, std::move(request));
    if (answer.status >= 400) refuse(step, method + " " + url->authority() + url->path + " answered " + describe(answer));
    report(step, "validated sid " + sid);
}

void Provisioner::add_threepid(const Account& account, const std::string& step, const std::string& sid,
                               const std::string& client_secret) {
    if (!(context_.edition < *spec::Edition::parse("r0.6.0"))) {
        json body{{"sid", sid}, {"client_secret", client_secret}};
        auto first = send(step, "POST", client_path("/account/3pid/add"), &body, account.access_token);
        if (first.status == 401) {
            auto challenge = parse_object(first);
            if (!offers_single_stage(challenge, "m.login.password"))
                refuse(step, "/account/3pid/add asks for stages other than m.login.password: " + describe(first));
            body["auth"] = {{"type", "m.login.password"},
                            {"identifier", {{"type", "m.id.user"}, {"user", account.user_id}}},
                            {"user", account.user_id},
                            {"password", account.password}};
            if (challenge.contains("session")) body["auth"]["session"] = challenge["session"];
            first = send(step, "POST", client_path("/account/3pid/add"), &body, account.access_token);
        }
        if (first.status != 200) refuse(step, "POST /account/3pid/add answered " + describe(first));
        report(step, "bound with /account/3pid/add");
        return;
    }
    json body{{"three_pid_creds", {{"sid", sid}, {"client_secret", client_secret}, {"id_server", context_.id_server}}},
              {"bind", false}};
    auto answer = send(step, "POST", client_path("/account/3pid"), &body, account.access_token);
    if (answer.status != 200) refuse(step, "POST /account/3pid answered " + describe(answer));
    report(step, "bound with /account/3pid");
}

/// False when the server does not implement the medium's endpoint (nothing bound, no error).
bool Provisioner::bind(const Account& account, spec::Medium medium, const engine::Address& address) {
    const std::string name(spec::medium_name(medium));
    const std::string client_secret =
        context_.fixtures.for_case(provision_index + 1 + static_cast<std::size_t>(medium), "provision-" + name).client_secret;
    json body{{"client_secret", client_secret}, {"send_attempt", 1}};
    if (medium == spec::Medium::email) {
        body["email"] = address.email;
    } else {
        body["country"] = address.msisdn.country;
        body["phone_number"] = address.msisdn.phone_number;
    }
    if (!context_.id_server.empty()) body["id_server"] = context_.id_server;
    const std::uint64_t mail_since = context_.mailbox ? context_.mailbox->last_sequence() : 0;
    const std::uint64_t message_since = context_.identity.last_message_sequence();

    const std::string step = name + ": requestToken";
    auto answer = send(step, "POST", client_path("/account/3pid/" + name + "/requestToken"), &body, account.access_token);
    if (answer.status != 200 && not_implemented(answer)) {
        report(step, "not implemented (" + describe(answer) + "): no " + name + " address is bound, its cases are skipped");
        return false;
    }
    auto object = parse_object(answer);
    auto sid = string_at(object, "sid");
    if (answer.status != 200 || sid.empty()) refuse(step, "POST /account/3pid/" + name + "/requestToken answered " + describe(answer));
    std::optional<std::string> submit_url;
    if (auto url = string_at(object, "submit_url"); !url.empty()) submit_url = url;
    report(step, "sid " + sid + " for " + address.describe());

    std::optional<smtp_sink::ValidationLink> link;
    auto token = catch_token(medium, name + ": catch the token", client_secret,
                             medium == spec::Medium::email ? address.email : address.describe(), mail_since,
                             message_since, link);
    report(name + ": catch the token", context_.mailbox && link ? "from the mailed link" : "caught");
    submit(medium, name + ": submit the token", link && !link->sid.empty() ? link->sid : sid, client_secret, token,
           submit_url, link);
    add_threepid(account, name + ": bind", sid, client_secret);
    return true;
}

Provisioned Provisioner::run() {
    try {
        auto account = register_account();
        if (!context_.profile.bound_email) {
            auto address = context_.fixtures.fresh_address(provision_index, spec::Medium::email);
            if (bind(account, spec::Medium::email, address)) made_.email = address.email;
        }
        if (!context_.profile.bound_msisdn) {
            auto address = context_.fixtures.fresh_address(provision_index, spec::Medium::msisdn);
            if (bind(account, spec::Medium::msisdn, address)) made_.msisdn = address.msisdn;
        }
    } catch (const Refused& refused) {
        made_.error = std::string("cannot make the bound addresses: ") + refused.what();
    }
    return made_;
}

}  // namespace

bool wants_provisioning(const suite::Profile& profile) {
    return profile.registration && (!profile.bound_email || !profile.bound_msisdn);
}

Provisioned provision(const ProvisionContext& context, const std::function<void(const ProvisionStep&)>& on_step) {
    return Provisioner(context, on_step).run();
}

std::string describe_bound(const suite::Profile& profile) {
    std::string text;
    if (profile.bound_email) text = *profile.bound_email;
    if (profile.bound_msisdn)
        text += (text.empty() ? "" : ", ") + profile.bound_msisdn->country + " " + profile.bound_msisdn->phone_number;
    return text.empty() ? "none" : text;
}

bool make_bound_addresses(const ProvisionContext& context, suite::Profile& profile, std::ostream& out, std::ostream& err) {
    auto made = provision(context, [&](const ProvisionStep& step) {
        out << "setup: " << step.what << ": " << (step.ok ? "" : "REFUSED: ") << step.detail << "\n";
        out.flush();
    });
    if (!made.error.empty()) {
        err << "mx3pid: " << made.error << "\n";
        return false;
    }
    if (made.email) profile.bound_email = made.email;
    if (made.msisdn) profile.bound_msisdn = made.msisdn;
    return true;
}

}  // namespace mx3pid::targets
