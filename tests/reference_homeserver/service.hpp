#pragma once
// The reference's request handling with its identity server and mail server replaced by recorders,
// for tests of its own answers (no harness verdicts involved).
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reference_homeserver/detail/request_token.hpp"
#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver::testing {

struct Posted {
    std::string url, bearer;
    nlohmann::json body;
};

struct Mail {
    std::string to, text;
};

/// What the fake identity server and mail server saw; thread-safe, since late mails come from a timer.
struct Recorder {
    mutable std::mutex mutex;
    std::vector<Posted> posted;
    std::vector<Mail> mails;

    std::vector<Posted> posts() const {
        std::lock_guard lock(mutex);
        return posted;
    }
    std::vector<Mail> sent() const {
        std::lock_guard lock(mutex);
        return mails;
    }
};

/// The config of the built-in profile: GB/US msisdn, allowed.example/denied.example email.
inline Config base_config(const std::string& edition, spec::Validation email = spec::Validation::proxy,
                          spec::Validation msisdn = spec::Validation::proxy) {
    Config config;
    config.edition = edition;
    config.denied_email_domains = {"denied.example"};
    config.denied_msisdn_countries = {"US"};
    config.bound_emails = {"taken@allowed.example"};
    config.bound_msisdns = {{"GB", "7700900001"}};
    config.trusted_identity_servers = {"id.test:1"};
    config.delegate_identity_url = "http://delegate.test:2";
    config.smtp_authority = "mail.test:25";
    config.email_validation = email;
    config.msisdn_validation = msisdn;
    return config;
}

/// A service whose identity server answers every requestToken 200 with sid "is-sid-N" (and
/// account/register with token "own-token"), and whose mail server takes every mail.
class Service {
public:
    explicit Service(Config config, const char* variant = nullptr)
        : service_(with_variant(std::move(config), variant), poster(), mailer()) {
        service_.set_public_base_url("http://hs.test");
    }

    net::Response post(const std::string& path, const nlohmann::json& body, const char* prefix = "/_matrix/client/r0") {
        return post_raw(path, body.dump(), prefix);
    }
    net::Response post_raw(const std::string& path, const std::string& body, const char* prefix = "/_matrix/client/r0") {
        net::Request request{"POST", std::string(prefix) + path, {{"Content-Type", "application/json"}}, body, "127.0.0.1:9"};
        return service_.handle(request);
    }
    net::Response get(const std::string& target) { return service_.handle(net::Request{"GET", target, {}, "", ""}); }

    Recorder& recorder() { return recorder_; }
    int identity_status = 200;  ///< what requestToken answers
    std::string identity_body;  ///< when set, the requestToken answer's body

private:
    static Config with_variant(Config config, const char* name) {
        if (name) config.variant = find_variant(name);
        return config;
    }
    detail::Poster poster() {
        return [this](const std::string& url, const std::string& body, const std::string& bearer, const std::string&) {
            std::lock_guard lock(recorder_.mutex);
            if (url.find("/account/register") != std::string::npos)
                return detail::ForwardResult{true, 200, R"({"token":"own-token"})"};
            recorder_.posted.push_back({url, bearer, nlohmann::json::parse(body, nullptr, false)});
            if (!identity_body.empty()) return detail::ForwardResult{true, identity_status, identity_body};
            auto sid = "is-sid-" + std::to_string(recorder_.posted.size());
            return detail::ForwardResult{true, identity_status, nlohmann::json{{"sid", sid}}.dump()};
        };
    }
    detail::Mailer mailer() {
        return [this](const std::string& to, const std::string& text) {
            std::lock_guard lock(recorder_.mutex);
            recorder_.mails.push_back({to, text});
            return true;
        };
    }

    Recorder recorder_;
    detail::RequestTokenService service_;
};

inline nlohmann::json email_request(const std::string& email, const std::string& secret = "secret-1", int attempt = 1) {
    return {{"client_secret", secret}, {"email", email}, {"send_attempt", attempt}, {"id_server", "id.test:1"}};
}

inline nlohmann::json msisdn_request(const std::string& country, const std::string& number, const std::string& secret = "secret-1") {
    return {{"client_secret", secret}, {"country", country}, {"phone_number", number}, {"send_attempt", 1},
            {"id_server", "id.test:1"}};
}

inline nlohmann::json body_of(const net::Response& response) { return nlohmann::json::parse(response.body, nullptr, false); }

inline std::string errcode(const net::Response& response) {
    auto body = body_of(response);
    return body.is_object() && body.contains("errcode") ? body["errcode"].get<std::string>() : "";
}

/// Only /account/3pid/msisdn is refused as an unsupported medium; registering a phone number and
/// adding an email still work.
inline void expect_only_3pid_msisdn_unsupported(Service& service) {
    const char* v3 = "/_matrix/client/v3";
    auto add = service.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3);
    EXPECT_EQ(add.status, 400);
    EXPECT_EQ(errcode(add), "M_THREEPID_MEDIUM_NOT_SUPPORTED");
    EXPECT_EQ(service.post("/register/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3).status, 200);
    EXPECT_EQ(service.post("/account/3pid/email/requestToken", email_request("new@allowed.example"), v3).status, 200);
}

}  // namespace mx3pid::reference_homeserver::testing
