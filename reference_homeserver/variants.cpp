#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver {

const std::vector<Variant>& variants() {
    static const std::vector<Variant> table{
        {"reference", Fault::none, "the spec-correct reference homeserver", {}},
    };
    return table;
}

const Variant* find_variant(std::string_view name) {
    for (const auto& variant : variants())
        if (variant.name == name) return &variant;
    return nullptr;
}

}  // namespace mx3pid::reference_homeserver
