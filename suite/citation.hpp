#pragma once
// Citations users can open: a section of the spec placed on the public, rendered page of an edition
// (the operation of an endpoint, a heading), and the sentences a case rests on as its references.
#include <optional>
#include <vector>

#include "suite/case_model.hpp"
#include "suite/catalogue.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::suite {

/// Where `section` is on the rendered spec of `edition`, whose page must have it; `endpoint` is the
/// operation's for an operation section (ignored otherwise).
Place place_section(const SectionRecord& section, const spec::Endpoint* endpoint, const spec::Edition& edition);

/// The sentences the case file's own checks cite (obligations and freedoms) that hold where the case
/// is judged, in the order it first cites them, as links into the judged edition.
std::vector<reports::SpecRef> cite(const Case& instance, const Catalogue& catalogue, const JudgedIn& where);

}  // namespace mx3pid::suite
