// Conformant variants that each use a freedom a sentence of the catalogue gives (`uses`), and one
// that conforms while missing SHOULDs only (missing-param-unknown): its cases warn, never fail.
#include "reference_homeserver/variants/shared.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;
using spec::Medium;
using spec::Purpose;
using spec::Validation;

/// Enumeration protection on every endpoint whose sentences allow it: an address in use (register,
/// and /account/3pid, whose response is register's) or unknown (password reset) is answered exactly
/// as a fresh one, and nothing that validates reaches it (a notice does, where the server mails).
struct ConcealInUse : Stages {
    std::optional<net::Response> bound_state(Exchange& x) override {
        auto refusal = state_refusal(x);
        if (refusal && x.config.enumeration_protection) return conceal(x);
        return refusal;
    }
    net::Response conceal(Exchange& x) override {
        Stages::conceal(x);  // the notice mail
        std::optional<std::string> submit_url;
        if (x.validation == Validation::self && x.since(Epoch::submit_url))
            submit_url = x.state.public_base_url() + std::string(detail::submit_path);
        return answer(x, x.state.new_id("ref"), submit_url);
    }
};

net::Response not_json_refusal(Stages& stages) { return stages.error(400, "M_NOT_JSON", "the body is not JSON as this server reads it"); }

/// A missing required key is answered 400 M_UNKNOWN, not with a code whose definition fits.
struct MissingParamUnknown : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        auto refusal = Stages::check_fields(x);
        if (refusal && detail::errcode_of(*refusal) == "M_MISSING_PARAM") return error(400, "M_UNKNOWN", "a parameter is missing");
        return refusal;
    }
};

/// Refuses a repeated send_attempt with a standard 400 where no sentence says how a repeat is
/// answered: SMS in every edition, email before r0.5.0.
struct RepeatRefusedWhereFree : Stages {
    detail::SeenOnce seen;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        const bool free = x.endpoint.medium == Medium::msisdn || !x.since(Epoch::submit_url);
        if (seen.first(detail::session_key(x) + "#" + std::to_string(x.fields.send_attempt)) || !free) return std::nullopt;
        return error(400, "M_UNKNOWN", "this send_attempt was used already");
    }
};

/// Forwarding to an identity server, answers a sid of its own rather than the identity server's.
struct OpaqueSid : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        if (x.validation == Validation::self) return Stages::answer(x, sid, submit_url);
        return Stages::answer(x, "own." + x.state.new_id("hs"), submit_url);
    }
};

struct WrongMethod400 : Stages {
    net::Response wrong_method() override { return error(400, "M_UNRECOGNIZED", "this endpoint takes POST"); }
};

/// Sends the identity server form-encoded parameters instead of JSON.
struct FormEncodedToIdentity : Stages {
    net::Response forward(Exchange& x) override {
        std::string form;
        const auto body = identity_body(x);
        for (const auto& [name, value] : body.items())
            form += (form.empty() ? "" : "&") + name + "=" + net::percent_encode(value.is_string() ? value.get<std::string>() : value.dump());
        auto api = identity_api(x);
        x.identity_token = api.bearer;
        auto url = x.identity_base + api.prefix + "/validate/" + std::string(spec::medium_name(x.endpoint.medium)) + "/requestToken";
        auto reply = x.state.post(url, form, api.bearer, "application/x-www-form-urlencoded");
        auto identity = json::parse(reply.body, nullptr, false);
        if (!reply.reached || reply.status != 200 || !identity.is_object() || !identity.contains("sid") || !identity["sid"].is_string())
            return error(500, "M_UNKNOWN", "the identity server did not take the request");
        return answer(x, identity["sid"].get<std::string>(), std::nullopt);
    }
};

}  // namespace

std::vector<Variant> conformant_freedoms() {
    const auto c = Behaviour::conformant;
    return {
        {.name = "conceal-in-use", .behaviour = c,
         .description = "with enumeration protection, answers an address in use (register, /account/3pid) or unknown "
                        "(password reset) exactly as a fresh one, and validates nothing there",
         .profiles = {"builtin-enumeration"},
         .basis = "r0.4.0, POST /_matrix/client/r0/register/email/requestToken: a homeserver able to send the message is "
                  "recommended to send reset instructions instead of M_THREEPID_IN_USE; /account/3pid's response is "
                  "identical to register's",
         .uses = {"cs.register.in_use.conceal", "cs.3pid.in_use.conceal.via_register", "cs.3pid.200.error_notice.via_register",
                  "cs.3pid.email.200.error_notice", "cs.register.200.error_notice", "cs.password.not_found.notice"},
         .make = make<ConcealInUse>},
        {.name = "missing-param-unknown", .behaviour = c,
         .description = "answers a request missing a required key 400 M_UNKNOWN: a SHOULD missed (the missing-* cases "
                        "warn), never a MUST",
         .kills = {breaks({"cs.error.code.missing_param*", "cs.error.code.bad_json*", "cs.error.code.unknown*",
                           "is.error.code.missing_params*"})},
         .profiles = {"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration"},
         .basis = "r0.4.0, POST /_matrix/client/r0/register/email/requestToken: no sentence names the code for a missing "
                  "key (cs.gap.missing_key.errcode); a code whose definition fits is expected, another misses a SHOULD",
         .make = make<MissingParamUnknown>},
        {.name = "repeat-refused", .behaviour = c,
         .description = "refuses a repeated send_attempt with a standard 400 where no sentence says how a repeat is answered "
                        "(SMS, and email before r0.5.0)",
         .profiles = {"builtin", "builtin-delegate"},
         .basis = "r0.4.0, POST /_matrix/client/r0/register/msisdn/requestToken (send_attempt): only when an SMS is sent "
                  "is said, not how the repeated request is answered",
         .uses = {"cs.gap.repeat.msisdn", "cs.gap.repeat.email.r0_4"}, .make = make<RepeatRefusedWhereFree>},
        {.name = "opaque-sid", .behaviour = c,
         .description = "forwarding to the identity server, answers a sid of its own", .profiles = {"builtin", "builtin-delegate"},
         .editions = ">= r0.5.0",
         .basis = "r0.5.0, POST /_matrix/client/r0/register/email/requestToken (sid): an opaque session ID, no longer "
                  "said to come from the identity server",
         .uses = {"cs.response.sid.opaque"}, .make = make<OpaqueSid>},
        {.name = "refuses-other-id-server", .behaviour = c,
         .description = "validating through its own identity server or by itself, refuses an id_server naming another "
                        "(400 M_SERVER_NOT_TRUSTED)",
         .profiles = {"builtin-delegate", "builtin-self"}, .editions = ">= r0.5.0",
         .basis = "r0.6.0, POST /_matrix/client/r0/account/3pid/email/requestToken: M_SERVER_NOT_TRUSTED for an identity "
                  "server the homeserver does not trust or support",
         .uses = {"cs.3pid.untrusted.errcode*", "cs.password.untrusted.errcode"},
         .make = make<OtherIdServerRefused<standard_refusal>>},
        {.name = "wrong-method-400", .behaviour = c, .description = "answers a GET on an endpoint 400 M_UNRECOGNIZED",
         .profiles = {"builtin"}, .editions = "< v1.6",
         .basis = "v1.6, Common error codes: M_UNRECOGNIZED with 405 for a wrong method is said from v1.6; before, no "
                  "sentence says what a request with the wrong method gets",
         .uses = {"cs.gap.wrong_method.r0"}, .make = make<WrongMethod400>},
        {.name = "strict-json-body", .behaviour = c,
         .description = "refuses a body with a byte-order mark, a name repeated in an object, or more than 64 levels of "
                        "nesting (400 M_NOT_JSON)",
         .profiles = {"builtin", "builtin-delegate", "builtin-self"},
         .basis = "v1.11, API Standards: the baseline is JSON, and RFC 8259 lets a parser ignore or refuse a byte-order "
                  "mark, read repeated names its own way and limit nesting (cs.gap.body.tolerated)",
         .uses = {"cs.gap.body.tolerated"}, .make = make<StrictJsonBody<not_json_refusal>>},
        {.name = "forwards-form-encoded", .behaviour = c,
         .description = "sends the identity server its parameters form-encoded, not as JSON",
         .profiles = {"builtin", "builtin-delegate"},
         .basis = "r0.4.0, Identity Service API, POST /_matrix/identity/api/v1/validate/email/requestToken: the "
                  "parameters may also be sent form-encoded (deprecated)",
         .uses = {"is.request.form_encoded"}, .make = make<FormEncodedToIdentity>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
