#include "reference_homeserver/variants.hpp"

#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver {

std::string_view to_string(Behaviour behaviour) {
    switch (behaviour) {
        case Behaviour::faulty: return "faulty";
        case Behaviour::conformant: return "conformant";
        case Behaviour::hostile: return "hostile";
    }
    return "faulty";
}

const std::vector<Variant>& variants() {
    static const std::vector<Variant> table = [] {
        std::vector<Variant> all{
            {.name = "reference", .behaviour = Behaviour::conformant, .description = "the spec-correct reference homeserver",
             .profiles = {"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration", "builtin-no-3pid-msisdn",
                          "builtin-oauth-only"},
             // The freedoms its modes (the built-in profiles) use.
             .uses = {"cs.validation.choice.r0_5", "cs.validation.self.r0_6", "cs.validation.proxy_to_id_server.3pid.r0_5",
                      "cs.register.in_use.conceal", "cs.register.200.error_notice", "cs.password.not_found.notice",
                      "cs.request.id_access_token.optional_for_r0_5*", "cs.request.id_server.ignored*",
                      "cs.request.password_msisdn.no_id_fields", "cs.contact.may_keep", "cs.auth.legacy_optional",
                      "cs.response.submit_url.optional", "cs.response.sid.opaque", "cs.gap.*", "cs.error.common*",
                      "cs.3pid.untrusted.errcode*", "cs.password.untrusted.errcode"}},
        };
        for (auto family : {family::faulty_answers, family::faulty_input, family::faulty_state, family::faulty_delivery,
                            family::faulty_checks, family::faulty_http, family::faulty_identity, family::faulty_derived, family::forwarding_faulty,
                            family::conformant, family::conformant_freedoms, family::forwarding_conformant, family::hostile})
            for (auto& variant : family()) all.push_back(std::move(variant));
        return all;
    }();
    return table;
}

const Variant* find_variant(std::string_view name) {
    for (const auto& variant : variants())
        if (variant.name == name) return &variant;
    return nullptr;
}

const Variant& reference() { return variants().front(); }

std::string listed_name(const Variant& variant) {
    if (&variant == &reference()) return "reference";
    return std::string(to_string(variant.behaviour)) + ":" + std::string(variant.name);
}

std::unique_ptr<detail::Stages> make_stages(const Variant* variant) {
    if (variant && variant->make) return variant->make();
    return std::make_unique<detail::Stages>();
}

}  // namespace mx3pid::reference_homeserver
