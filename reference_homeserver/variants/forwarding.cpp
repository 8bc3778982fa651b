// Variants that reach the identity server after answering, or without the keys that name a case.
// They prove that mx3pid credits a side-channel arrival by what it carries, never by when it comes:
// a late forward belongs to the case that caused it, whichever case is running when it lands.
#include "reference_homeserver/variants/families.hpp"

#include <chrono>

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using spec::Validation;
using namespace std::chrono_literals;

/// Long enough after answering that the next cases are already being asked.
constexpr auto after_answering = 300ms;

/// Posts `body` to the requestToken of the identity server at `x.identity_base`, `after_answering`
/// from now, on the server's own timer.
void forward_later(Stages& stages, Exchange& x, const nlohmann::json& body) {
    auto api = stages.identity_api(x);
    auto url = x.identity_base + api.prefix + "/validate/" + std::string(spec::medium_name(x.endpoint.medium)) + "/requestToken";
    auto* state = &x.state;
    state->later().after(after_answering, [state, url, text = body.dump(), bearer = api.bearer] { state->post(url, text, bearer); });
}

/// A retrying HTTP client: forwards as the reference does, then the very same body once more.
struct ForwardsLate : Stages {
    net::Response forward(Exchange& x) override {
        auto answer = Stages::forward(x);
        forward_later(*this, x, identity_body(x));
        return answer;
    }
};

/// Refuses denied addresses, untrusted identity servers and addresses in use, as it should, and
/// then forwards the refused request anyway.
struct ForwardsRefusedLate : Stages {
    std::optional<net::Response> policy(Exchange& x) override { return forwarding(x, Stages::policy(x), "M_THREEPID_DENIED"); }
    std::optional<net::Response> bound_state(Exchange& x) override {
        return forwarding(x, Stages::bound_state(x), "M_THREEPID_IN_USE");
    }
    std::optional<net::Response> choose_identity_server(Exchange& x) override {
        return forwarding(x, Stages::choose_identity_server(x), "M_SERVER_NOT_TRUSTED");
    }

    std::optional<net::Response> forwarding(Exchange& x, std::optional<net::Response> refusal, std::string_view errcode) {
        if (!refusal || detail::errcode_of(*refusal) != errcode || x.validation == Validation::self) return refusal;
        // Where it would have gone: the id_server named (trusted or not), or the configured one.
        if (x.validation == Validation::delegate) x.identity_base = x.config.delegate_identity_url;
        else if (!x.fields.id_server.empty()) x.identity_base = x.config.identity_scheme + "://" + x.fields.id_server;
        else return refusal;
        forward_later(*this, x, identity_body(x));
        return refusal;
    }
};

/// Forwards without client_secret and next_link: only the address is left to name the case.
struct ForwardsStripped : Stages {
    nlohmann::json identity_body(Exchange& x) override {
        auto body = Stages::identity_body(x);
        body.erase("client_secret");
        body.erase("next_link");
        return body;
    }
};

/// What a declined validation breaks, but for serving id_server without id_access_token: that
/// request is refused with a 400 the case allows.
std::vector<std::string_view> stripped_validation() {
    auto sentences = declined_validation();
    std::erase(sentences, std::string_view("cs.request.id_access_token.with_id_server*"));
    return sentences;
}

}  // namespace

std::vector<Variant> forwarding_faulty() {
    // A delegating server validates through its own identity server whatever id_server says, so it
    // refuses no untrusted id_server; there is nothing for it to forward late.
    return {
        {.name = "forwards-refused-late",
         .description = "refuses denied addresses, untrusted id_servers and addresses in use, then forwards them 300 ms later",
         .kills = {breaks({"cs.denied.status", "cs.check.unbound*"}),
                   {.sentences = {"cs.register.untrusted.status", "cs.3pid.untrusted.errcode.r0_6", "cs.3pid.untrusted.errcode",
                                  "cs.password.untrusted.errcode", "cs.validation.trusted_only.r0_5"},
                    .modes = {Validation::proxy}},
                   // At r0.5.0 the MUST of trusted_only is what the delivered token breaks there.
                   {.sentences = {"cs.3pid.untrusted.errcode.via_register", "cs.password.untrusted.errcode.via_register"},
                    .editions = "< r0.5.0", .modes = {Validation::proxy}}},
         .profiles = {"builtin", "builtin-delegate"}, .grace = 1000ms, .make = make<ForwardsRefusedLate>},
        // Without client_secret the identity server refuses the forward, and the homeserver relays the
        // 400: each valid request fails, and the identity server's M_MISSING_PARAMS reaches the client
        // where id_access_token is left out (a 400 the case allows, with a code it does not).
        {.name = "forwards-stripped", .description = "forwards to the identity server without client_secret and next_link",
         .kills = {breaks(stripped_validation()), breaks({"is.request.*.required_keys"}),
                   breaks({"cs.error.code.missing_param*", "cs.error.code.bad_json*", "cs.error.code.invalid_param*"}, ">= r0.6.0"),
                   breaks({"cs.error.code.bad_json*", "cs.error.code.not_json*"}, ">= r0.4.0 < r0.6.0")},
         .make = make<ForwardsStripped>},
    };
}

std::vector<Variant> forwarding_conformant() {
    return {
        {.name = "forwards-late", .behaviour = Behaviour::conformant,
         .description = "forwards each request, then the very same body again 300 ms after answering (a retrying HTTP client)",
         .profiles = {"builtin", "builtin-delegate"},
         .basis = "r0.4.0, identity service request_email_validation (send_attempt): the identity server sends only for a "
                  "send_attempt greater than the last it saw for that address and client_secret, so that retried requests "
                  "between the homeserver and it send nothing again",
         .grace = 1000ms, .make = make<ForwardsLate>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
