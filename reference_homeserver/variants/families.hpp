#pragma once
// The variant families, one file each; variants.cpp puts them in one table.
#include <memory>
#include <vector>

#include "reference_homeserver/detail/pipeline.hpp"
#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver::family {

std::vector<Variant> faulty_answers();   ///< wrong 200 and error bodies
std::vector<Variant> faulty_input();     ///< wrong checks of the request and its route
std::vector<Variant> faulty_state();     ///< wrong policy and bound-state decisions
std::vector<Variant> faulty_delivery();  ///< wrong forwarding and mailing
std::vector<Variant> faulty_checks();    ///< each breaks a check no other family breaks
std::vector<Variant> faulty_derived();   ///< mistakes only inputs derived from the grammars and schemas reach
std::vector<Variant> conformant();       ///< unusual but right
std::vector<Variant> forwarding_faulty();      ///< forwards refused requests late, or without the keys that name a case
std::vector<Variant> forwarding_conformant();  ///< forwards again after answering
std::vector<Variant> hostile();          ///< cannot be judged

/// The derived cases (cases/11-derived.yaml) a server refuses, in `editions`: what a fault in every error answer breaks.
std::vector<Kill> derived_refusals(const std::string& editions);
/// The derived cases (cases/11-derived.yaml) of values a field allows, served as a valid request is and
/// delivered, on the endpoints `endpoints` (a glob prefix: "*/", "register/email/") names.
std::vector<Kill> derived_successes(std::string_view endpoints, const std::string& editions = "*", std::string_view except = {},
                                    std::string_view profiles = "*");
/// Beside every kill of `…client_secret-255` (a valid request served), the derived values a field
/// allows, served as that one is: whatever breaks it breaks them.
void add_derived_successes(std::vector<Variant>& variants);

/// `kills` and every list in `more`, one after another.
template <class... Lists>
std::vector<Kill> with(std::vector<Kill> kills, const Lists&... more) {
    (kills.insert(kills.end(), more.begin(), more.end()), ...);
    return kills;
}

/// The factory a Variant names for the stages `S`.
template <class S>
std::unique_ptr<detail::Stages> make() {
    return std::make_unique<S>();
}

}  // namespace mx3pid::reference_homeserver::family
