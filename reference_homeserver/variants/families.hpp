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
std::vector<Variant> conformant();       ///< unusual but right
std::vector<Variant> forwarding_faulty();      ///< forwards refused requests late, or without the keys that name a case
std::vector<Variant> forwarding_conformant();  ///< forwards again after answering
std::vector<Variant> hostile();          ///< cannot be judged

/// The factory a Variant names for the stages `S`.
template <class S>
std::unique_ptr<detail::Stages> make() {
    return std::make_unique<S>();
}

}  // namespace mx3pid::reference_homeserver::family
