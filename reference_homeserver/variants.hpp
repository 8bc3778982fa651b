#pragma once
// The named built-in targets: the reference homeserver and its faulty variants.
#include <string>
#include <string_view>
#include <vector>

#include "reference_homeserver/homeserver.hpp"

namespace mx3pid::reference_homeserver {

struct Variant {
    std::string_view name;         ///< what `--homeserver builtin:NAME` takes
    Fault fault;
    std::string_view description;  ///< the fault, in one line
    /// Globs over case IDs: exactly the cases that must fail against this variant.
    std::vector<std::string_view> kills;
};

/// `reference` first, then every faulty variant.
const std::vector<Variant>& variants();
const Variant* find_variant(std::string_view name);

}  // namespace mx3pid::reference_homeserver
