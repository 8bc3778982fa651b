// Faulty variants that deliver the validation wrongly: to the wrong identity server, with the
// wrong fields, or with the wrong mails.
#include "reference_homeserver/variants/families.hpp"

#include <atomic>
#include <chrono>
#include <string>

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Session;
using detail::Stages;
using spec::Validation;
using namespace std::chrono_literals;

struct UntrustedForwarded : Stages {
    bool trusts(const Exchange&, const std::string&) override { return true; }
};

struct UntrustedWrongStatus : Stages {
    std::optional<net::Response> choose_identity_server(Exchange& x) override {
        auto refusal = Stages::choose_identity_server(x);
        if (refusal && detail::errcode_of(*refusal) == "M_SERVER_NOT_TRUSTED")
            return error(403, "M_SERVER_NOT_TRUSTED", "this server does not trust that identity server");
        return refusal;
    }
};

struct NextLinkDropped : Stages {
    nlohmann::json identity_body(Exchange& x) override {
        auto body = Stages::identity_body(x);
        body.erase("next_link");
        return body;
    }
};

struct SendAttemptReset : Stages {
    nlohmann::json identity_body(Exchange& x) override {
        auto body = Stages::identity_body(x);
        body["send_attempt"] = 1;
        return body;
    }
};

struct ResendOnRepeat : Stages {
    detail::SeenOnce forwarded;
    nlohmann::json identity_body(Exchange& x) override {
        auto body = Stages::identity_body(x);
        if (!forwarded.first(x.fields.client_secret + "|" + x.address.key())) body["send_attempt"] = x.fields.send_attempt + 1;
        return body;
    }
};

struct SelfNoMail : Stages {
    bool send_mail(Exchange&, const std::string&, const std::string&) override { return true; }
};

struct SelfWrongToken : Stages {
    std::string validation_link(Exchange& x, const Session& session) override {
        Session wrong = session;
        wrong.token += "x";
        return Stages::validation_link(x, wrong);
    }
};

struct SelfResendsOnRepeat : Stages {
    bool should_mail(Exchange& x, Session& session, bool created) override {
        Stages::should_mail(x, session, created);
        return true;
    }
};

/// Mails as the reference does, and 400 ms after answering a repeat mails the link again.
struct SecondMailAfterRepeat : Stages {
    detail::SeenOnce attempts;
    net::Response validate_by_mail(Exchange& x) override {
        auto answer = Stages::validate_by_mail(x);
        const auto key = detail::session_key(x);
        if (attempts.first(key + "|" + std::to_string(x.fields.send_attempt))) return answer;
        auto session = x.state.session(key, [](Session&, bool) { return false; }).first;
        auto to = x.address.key();
        auto text = mail_text(to, "Validate your email address", "Your link again:\r\n\r\n" + validation_link(x, session) + "\r\n");
        auto* state = &x.state;
        state->later().after(400ms, [state, to, text] { state->mail(to, text); });
        return answer;
    }
};

struct DelegateFollowsIdServer : Stages {
    std::optional<net::Response> choose_identity_server(Exchange& x) override {
        auto refusal = Stages::choose_identity_server(x);
        if (!refusal && x.validation == Validation::delegate && !x.fields.id_server.empty())
            x.identity_base = x.config.identity_scheme + "://" + x.fields.id_server;
        return refusal;
    }
};

/// Validates by itself or through its own identity server, but an id_server it does not trust makes
/// it answer 200 with a sid of its own and send nothing: the field it should ignore stops the validation.
struct UntrustedIdServerSwallowed : Stages {
    std::atomic<unsigned> answered{0};
    net::Response deliver(Exchange& x) override {
        if (x.validation == Validation::proxy || x.fields.id_server.empty() || trusts(x, x.fields.id_server))
            return Stages::deliver(x);
        return answer(x, "swallowed" + std::to_string(++answered), std::nullopt);
    }
};

}  // namespace

std::vector<Variant> faulty_delivery() {
    // What refusing an untrusted id_server rests on, in each edition and for each endpoint.
    const std::vector<Kill> untrusted{
        breaks({"cs.register.untrusted.status", "cs.3pid.untrusted.errcode.r0_6", "cs.3pid.untrusted.errcode",
                "cs.password.untrusted.errcode", "cs.validation.trusted_only.r0_5"}),
        breaks({"cs.3pid.untrusted.errcode.via_register", "cs.password.untrusted.errcode.via_register"}, "< r0.5.0")};
    const std::vector<std::string_view> forwarding{"cs.validation.proxies.r0_*", "cs.validation.proxied_request.r0_5",
                                                   "cs.validation.forwarded_request.r0_6"};
    auto with = [](std::vector<std::string_view> list, std::initializer_list<std::string_view> more) {
        list.insert(list.end(), more);
        return list;
    };
    return {
        {.name = "untrusted-id-server-forwarded", .description = "trusts any id_server and forwards to it",
         .kills = untrusted, .make = make<UntrustedForwarded>},
        {.name = "untrusted-wrong-status", .description = "M_SERVER_NOT_TRUSTED with 403 instead of 400",
         .kills = untrusted, .make = make<UntrustedWrongStatus>},
        {.name = "next-link-dropped", .description = "next_link is not forwarded", .kills = {breaks(forwarding, ">= r0.4.0")},
         .make = make<NextLinkDropped>},
        {.name = "send-attempt-reset", .description = "send_attempt is forwarded as 1 whatever the client sent",
         .kills = {breaks(with(forwarding, {"cs.request.send_attempt.resend"}))}, .make = make<SendAttemptReset>},
        {.name = "resend-on-repeat", .description = "a repeated request is forwarded with send_attempt + 1",
         .kills = {breaks({"cs.request.send_attempt.*.only_greater", "cs.request.send_attempt.email.repeat_succeeds"})},
         .make = make<ResendOnRepeat>},
        {.name = "self-no-mail", .description = "validates email itself, answers 200, and mails nothing",
         .kills = {{.sentences = {"cs.response.200.sent", "cs.request.email.target", "cs.response.submit_url.token_sent",
                                  "cs.response.sid.session", "cs.request.next_link.optional", "cs.api.request_content_type.optional",
                                  "cs.request.send_attempt.resend", "cs.request.id_server.ignored*"},
                    .modes = {spec::Validation::self}, .endpoints = "*/email"}},
         .profiles = {"builtin-self"}, .make = make<SelfNoMail>},
        {.name = "self-wrong-token", .description = "the mailed link carries a token the server then refuses",
         .kills = {{.sentences = {"cs.response.sid.session", "cs.response.submit_url.accepts_token*"}, .modes = {spec::Validation::self}}},
         .profiles = {"builtin-self"}, .make = make<SelfWrongToken>},
        {.name = "self-resends-on-repeat", .description = "mails again for a repeated send_attempt",
         .kills = {{.sentences = {"cs.request.send_attempt.email.only_greater", "cs.request.send_attempt.email.repeat_succeeds"},
                    .modes = {spec::Validation::self}}},
         .profiles = {"builtin-self"}, .make = make<SelfResendsOnRepeat>},
        {.name = "second-mail-after-repeat",
         .description = "answers a repeated request as it should, then mails the link again 400 ms later",
         .kills = {{.sentences = {"cs.request.send_attempt.email.only_greater", "cs.request.send_attempt.email.repeat_succeeds"},
                    .modes = {spec::Validation::self}}},
         .profiles = {"builtin-self"}, .editions = ">= r0.5.0", .grace = 1000ms, .make = make<SecondMailAfterRepeat>},
        {.name = "delegate-follows-id-server",
         .description = "validates through its own identity server, unless the request names another",
         .kills = {breaks({"cs.request.id_server.ignored*"})}, .profiles = {"builtin-delegate"},
         .make = make<DelegateFollowsIdServer>},
        {.name = "untrusted-id-server-swallowed",
         .description = "validates without the request's id_server, but answers an untrusted one 200 and sends nothing",
         .kills = {breaks({"cs.request.id_server.ignored*"})}, .profiles = {"builtin-delegate", "builtin-self"},
         .editions = ">= r0.5.0", .make = make<UntrustedIdServerSwallowed>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
