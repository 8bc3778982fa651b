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
    std::string_view except = {};  ///< a glob over case IDs the entry leaves out
};

/// What a run against a variant must show.
enum class Behaviour {
    faulty,      ///< fails exactly its kill set
    conformant,  ///< passes everything: it does something unusual but right
    hostile,     ///< cannot be judged: every case it touches ends in an error, none in a failure
};

struct Variant {
    std::string_view name;         ///< what `--homeserver builtin:NAME` takes
    Fault fault;
    std::string_view description;  ///< the fault, in one line
    /// Exactly the cases that must fail against this variant (or warn, for a SHOULD-level case);
    /// every other case must not fail.
    std::vector<Kill> kills;
    /// The built-in profile (cases/profiles/NAME.yaml) the kill set is judged under.
    std::string_view profile = "builtin";
    Behaviour behaviour = Behaviour::faulty;
};

/// `reference` first, then every other variant.
const std::vector<Variant>& variants();
const Variant* find_variant(std::string_view name);

}  // namespace mx3pid::reference_homeserver
