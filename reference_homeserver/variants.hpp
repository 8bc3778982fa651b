#pragma once
// The named built-in targets: the reference homeserver and its faulty variants.
#include <string>
#include <string_view>
#include <vector>

#include "reference_homeserver/homeserver.hpp"

namespace mx3pid::reference_homeserver {

/// Case IDs that must fail, in the editions named (a range such as ">= r0.5.0", or "*").
struct Kill {
    std::string_view cases;  ///< a glob over case IDs
    std::string editions = "*";
};

struct Variant {
    std::string_view name;         ///< what `--homeserver builtin:NAME` takes
    Fault fault;
    std::string_view description;  ///< the fault, in one line
    /// Exactly the cases that must fail against this variant; every other case must not.
    std::vector<Kill> kills;
};

/// `reference` first, then every faulty variant.
const std::vector<Variant>& variants();
const Variant* find_variant(std::string_view name);

}  // namespace mx3pid::reference_homeserver
