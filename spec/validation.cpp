#include "spec/validation.hpp"

namespace mx3pid::spec {

std::string_view to_string(Validation validation) {
    switch (validation) {
        case Validation::proxy: return "proxy";
        case Validation::delegate: return "delegate";
        case Validation::self: return "self";
    }
    return "proxy";
}

std::optional<Validation> parse_validation(std::string_view text) {
    for (auto candidate : {Validation::proxy, Validation::delegate, Validation::self})
        if (to_string(candidate) == text) return candidate;
    return std::nullopt;
}

std::string_view first_edition(Validation validation) { return validation == Validation::proxy ? "r0.3.0" : "r0.5.0"; }

}  // namespace mx3pid::spec
