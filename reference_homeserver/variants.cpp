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
             .profiles = {"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration", "builtin-no-3pid-msisdn"}},
        };
        for (auto family : {family::faulty_answers, family::faulty_input, family::faulty_state, family::faulty_delivery,
                            family::faulty_checks, family::faulty_derived, family::forwarding_faulty, family::conformant,
                            family::forwarding_conformant, family::hostile})
            for (auto& variant : family()) all.push_back(std::move(variant));
        family::add_derived_successes(all);
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
