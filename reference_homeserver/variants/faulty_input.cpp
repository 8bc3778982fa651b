// Faulty variants that check the request wrongly, or route it wrongly.
#include "reference_homeserver/variants/families.hpp"

#include <algorithm>
#include <cctype>

#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;

struct FirstCharacterOnly : Stages {
    bool client_secret_valid(const std::string& secret) override {
        return !secret.empty() && spec::is_opaque_id(secret.substr(0, 1));
    }
};

struct SendAttemptString : Stages {
    std::optional<std::int64_t> read_send_attempt(const nlohmann::json& value) override {
        if (!value.is_string()) return Stages::read_send_attempt(value);
        const auto& text = value.get_ref<const std::string&>();
        bool digits = !text.empty() && text.size() < 18 &&
                      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!digits) return std::nullopt;
        return std::stoll(text);
    }
};

struct AddressUnchecked : Stages {
    std::optional<net::Response> check_address(Exchange& x) override {
        Stages::check_address(x);  // reads the address; its verdict is left to the identity server
        return std::nullopt;
    }
};

/// Takes a phone_number of digits alone, none at all included, and turns whatever the identity server
/// then refuses into a 500.
struct PhoneDigitsOnly500 : Stages {
    std::optional<net::Response> check_address(Exchange& x) override {
        auto refusal = Stages::check_address(x);
        const auto& number = x.fields.phone_number;
        const bool digits = std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); });
        if (x.endpoint.medium == spec::Medium::msisdn && spec::is_country_code(x.fields.country) && digits) return std::nullopt;
        return refusal;
    }

    net::Response forward(Exchange& x) override {
        auto answer = Stages::forward(x);
        if (answer.status >= 400 && answer.status < 500) return error(500, "M_UNKNOWN", "the identity server failed");
        return answer;
    }
};

struct WrongMethod404 : Stages {
    net::Response wrong_method() override { return error(404, "M_UNRECOGNIZED", "this endpoint takes POST"); }
};

struct OptionsRunsLogic : Stages {
    std::optional<net::Response> preflight() override { return std::nullopt; }
};

struct RegisterMsisdnMissing : Stages {
    const spec::Endpoint* route(const spec::Endpoint& endpoint) override {
        return endpoint.key == "register/msisdn" ? nullptr : &endpoint;
    }
};

struct PasswordEmailAsRegister : Stages {
    const spec::Endpoint* route(const spec::Endpoint& endpoint) override {
        return endpoint.key == "password/email" ? spec::find_endpoint_by_key("register/email") : &endpoint;
    }
};

struct IdServerStillRequired : Stages {
    bool id_server_required(const Exchange&) override { return true; }
};

}  // namespace

std::vector<Variant> faulty_input() {
    return {
        {.name = "client-secret-first-character",
         .description = "the client_secret grammar is checked on its first character only",
         .kills = {breaks({"cs.request.client_secret.grammar", "cs.request.client_secret.max_length"})},
         .profiles = {"builtin-self"}, .make = make<FirstCharacterOnly>},
        {.name = "send-attempt-string-accepted", .description = "send_attempt \"3\" (a string) is taken as 3",
         .kills = {breaks({"cs.request.send_attempt.type*", "cs.request.via_register.r0_3"})}, .make = make<SendAttemptString>},
        {.name = "address-unchecked", .description = "leaves checking email, country and phone_number to the identity server",
         .kills = {breaks({"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode", "cs.request.email.format"})},
         .profiles = {"builtin-self"}, .make = make<AddressUnchecked>},
        {.name = "phone-number-digits-only-500",
         .description = "takes a phone_number of digits alone, an empty one included, and answers 500 when the identity "
                        "server refuses it",
         .kills = {breaks({"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode"})}, .make = make<PhoneDigitsOnly500>},
        {.name = "wrong-method-404", .description = "a GET on an endpoint gets 404 instead of 405",
         .kills = {breaks({"cs.error.unrecognized.wrong_method"})}, .make = make<WrongMethod404>},
        {.name = "options-runs-logic", .description = "an OPTIONS request runs the endpoint as a POST would",
         .kills = {breaks({"cs.cors.options_no_logic"})}, .make = make<OptionsRunsLogic>},
        {.name = "register-msisdn-missing",
         .description = "/register/msisdn/requestToken is not implemented (404 M_UNRECOGNIZED)",
         .kills = {{.sentences = {"*"}, .endpoints = "register/msisdn"}}, .make = make<RegisterMsisdnMissing>},
        {.name = "password-email-as-register",
         .description = "/account/password/email/requestToken behaves like /register/email/requestToken",
         .kills = {{.sentences = {"cs.check.bound*", "cs.response.200.sent", "cs.request.client_secret.max_length",
                                  "cs.request.send_attempt.resend", "cs.request.send_attempt.email.repeat_succeeds",
                                  "cs.request.next_link.optional", "cs.api.request_content_type.optional",
                                  "cs.validation.proxies.r0_*", "cs.validation.proxied_request.r0_5",
                                  "cs.validation.proxy_to_id_server.r0_5", "cs.validation.forwarded_request.r0_6",
                                  "cs.request.email.target", "cs.response.sid.from_identity_server.r0_4",
                                  "cs.password.untrusted.errcode*", "cs.error.code.server_not_trusted*"},
                    .endpoints = "password/email"},
                   {.sentences = {"cs.error.code.bad_json*", "cs.error.code.invalid_param*", "cs.error.code.missing_param*"},
                    .editions = ">= r0.6.0", .endpoints = "password/email"},
                   {.sentences = {"cs.error.code.bad_json*", "cs.error.code.not_json*"}, .editions = ">= r0.4.0 < r0.6.0",
                    .endpoints = "password/email"}},
         .make = make<PasswordEmailAsRegister>},
        {.name = "id-server-still-required",
         .description = "validates through its own identity server, yet still refuses a request without id_server",
         .kills = {breaks({"cs.request.id_server.optional*", "cs.response.200.sent", "cs.validation.forwarded_request.r0_6",
                           "cs.request.email.target", "cs.request.phone_number.target"},
                          ">= r0.6.0")},
         .profiles = {"builtin-delegate"},
         .make = make<IdServerStillRequired>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
