// Faulty variants that decide wrongly on the address: its policy or its bound state.
#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using spec::Medium;
using spec::Purpose;

struct InUseAccepted : Stages {
    std::optional<net::Response> state_refusal(Exchange& x) override {
        if (x.endpoint.purpose != Purpose::reset_password) return std::nullopt;
        return Stages::state_refusal(x);
    }
};

struct InUseWrongErrcode : Stages {
    std::optional<net::Response> state_refusal(Exchange& x) override {
        auto refusal = Stages::state_refusal(x);
        if (refusal && detail::errcode_of(*refusal) == "M_THREEPID_IN_USE") return error(400, "M_UNKNOWN", "address already in use");
        return refusal;
    }
};

/// Asks the identity server first, and only then refuses by the bound state.
struct BoundCheckAfterForwarding : Stages {
    std::optional<net::Response> bound_state(Exchange&) override { return std::nullopt; }
    net::Response deliver(Exchange& x) override {
        auto refusal = Stages::bound_state(x);
        auto delivered = Stages::deliver(x);
        return refusal ? *refusal : delivered;
    }
};

/// Applies the address policy except where `Skip` says.
template <bool (*Skip)(const Exchange&)>
struct PolicySkipped : Stages {
    std::optional<net::Response> policy(Exchange& x) override {
        if (Skip(x)) return std::nullopt;
        return Stages::policy(x);
    }
};

bool on_3pid(const Exchange& x) { return x.endpoint.purpose == Purpose::add_threepid; }
/// A phone number about to be bound (register, account/3pid); a password reset still meets the policy.
bool binding_msisdn(const Exchange& x) {
    return x.endpoint.medium == Medium::msisdn && x.endpoint.purpose != Purpose::reset_password;
}
bool on_reset(const Exchange& x) { return x.endpoint.purpose == Purpose::reset_password; }

struct PasswordUnknownAccepted : Stages {
    std::optional<net::Response> state_refusal(Exchange& x) override {
        if (on_reset(x)) return std::nullopt;
        return Stages::state_refusal(x);
    }
};

struct PasswordDeniedForwarded : PolicySkipped<on_reset> {
    std::optional<net::Response> state_refusal(Exchange& x) override {
        if (on_reset(x) && detail::is_denied(x.config, x.address)) return std::nullopt;
        return Stages::state_refusal(x);
    }
};

struct DeniedWrongStatus : Stages {
    std::optional<net::Response> policy(Exchange& x) override {
        if (!Stages::policy(x)) return std::nullopt;
        return error(400, "M_THREEPID_DENIED", "this server does not allow that address");
    }
};

struct EnumerationLeaksToken : Stages {
    std::optional<net::Response> bound_state(Exchange& x) override {
        if (x.config.enumeration_protection) return std::nullopt;
        return Stages::bound_state(x);
    }
};

/// Refuses a medium it does not support as Conduit does: as a denied address.
struct MediumUnsupportedAsDenied : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        if (!Stages::check_medium(x)) return std::nullopt;
        return error(403, "M_THREEPID_DENIED", "this server does not allow that address");
    }
};

/// Refuses a medium it does not support with a broken error: a numeric errcode, no error, text/plain.
struct MediumUnsupportedBare : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        if (!Stages::check_medium(x)) return std::nullopt;
        return net::Response::text(400, R"({"errcode":5})");
    }
};

/// Refuses a medium it does not support with a sentence, not a JSON error.
struct MediumUnsupportedText : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        if (!Stages::check_medium(x)) return std::nullopt;
        return net::Response::text(400, "phone numbers cannot be added here\n");
    }
};

/// Says the medium is not supported, having validated the address all the same.
struct MediumUnsupportedStillSends : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        auto refusal = Stages::check_medium(x);
        if (!refusal) return std::nullopt;
        auto supporting = x.config;
        supporting.unsupported_3pid_media.clear();
        Exchange as_if_supported{x.state, std::move(supporting), x.endpoint, x.request, x.validation, {}, {}, {}, {}, {}};
        Stages().run(as_if_supported);
        return refusal;
    }
};

}  // namespace

std::vector<Variant> faulty_state() {
    return {
        {.name = "in-use-accepted", .description = "an address in use is forwarded as if it were free",
         .kills = {breaks({"cs.check.unbound*"})}, .make = make<InUseAccepted>},
        {.name = "in-use-wrong-errcode", .description = "400 M_UNKNOWN instead of M_THREEPID_IN_USE",
         .kills = {breaks({"cs.register.in_use.errcode", "cs.3pid.in_use.errcode*", "cs.error.code.threepid_in_use*"})},
         .make = make<InUseWrongErrcode>},
        {.name = "bound-check-after-forwarding",
         .description = "asks the identity server first, then refuses the address by its bound state",
         .kills = {breaks({"cs.check.*"})}, .make = make<BoundCheckAfterForwarding>},
        {.name = "policy-skipped-on-3pid", .description = "the address policy is not applied on account/3pid",
         .kills = {{.sentences = {"cs.denied.status"}, .endpoints = "3pid/*"}}, .make = make<PolicySkipped<on_3pid>>},
        {.name = "password-unknown-accepted", .description = "a password reset for an address bound to nobody is forwarded",
         .kills = {breaks({"cs.check.bound*"})}, .make = make<PasswordUnknownAccepted>},
        {.name = "password-denied-forwarded",
         .description = "a password reset for a denied address skips the policy and the bound check",
         .kills = {{.sentences = {"cs.denied.status", "cs.check.bound*"}, .editions = ">= r0.4.0", .endpoints = "password/*"}},
         .make = make<PasswordDeniedForwarded>},
        {.name = "denied-wrong-status", .description = "M_THREEPID_DENIED with 400 instead of 403",
         .kills = {breaks({"cs.denied.status"}),
                   {.sentences = {"cs.password.not_found.errcode", "cs.password.in_use.never", "cs.error.code.threepid_not_found*"},
                    .editions = ">= r0.4.0", .endpoints = "password/*"}},
         .make = make<DeniedWrongStatus>},
        {.name = "msisdn-policy-skipped",
         .description = "the address policy is applied to email only where an address gets bound (register, account/3pid)",
         .kills = {{.sentences = {"cs.denied.status"}, .endpoints = "[r3]*/msisdn"}}, .make = make<PolicySkipped<binding_msisdn>>},
        {.name = "enumeration-leaks-token",
         .description = "claims enumeration protection, but validates a bound (or unknown) address as usual",
         .kills = {breaks({"cs.check.unbound*", "cs.check.bound*"})}, .profiles = {"builtin-enumeration"},
         .make = make<EnumerationLeaksToken>},
        {.name = "medium-unsupported-as-denied",
         .description = "a medium it does not let accounts add is refused 403 M_THREEPID_DENIED",
         .kills = {breaks({"cs.3pid.medium_not_supported.errcode"})}, .profiles = {"builtin-no-3pid-msisdn"},
         .editions = ">= v1.13", .make = make<MediumUnsupportedAsDenied>},
        {.name = "medium-unsupported-bare", .description = "a medium it does not let accounts add is refused with a broken error body",
         .kills = {breaks({"cs.error.schema.errcode_type", "cs.error.both_keys", "cs.api.response_content_type"})},
         .profiles = {"builtin-no-3pid-msisdn"}, .editions = ">= v1.13", .make = make<MediumUnsupportedBare>},
        {.name = "medium-unsupported-text", .description = "a medium it does not let accounts add is refused in plain words",
         .kills = {breaks({"cs.error.standard", "cs.api.json_baseline", "cs.api.response_object"})},
         .profiles = {"builtin-no-3pid-msisdn"}, .editions = ">= v1.13", .make = make<MediumUnsupportedText>},
        {.name = "medium-unsupported-still-sends",
         .description = "answers M_THREEPID_MEDIUM_NOT_SUPPORTED, having sent the validation all the same",
         .kills = {breaks({"cs.3pid.medium_not_supported.errcode"})}, .profiles = {"builtin-no-3pid-msisdn"},
         .editions = ">= v1.13", .make = make<MediumUnsupportedStillSends>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
