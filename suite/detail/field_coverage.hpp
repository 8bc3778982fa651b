#pragma once
// The fields part of suite/coverage: each field definition of an edition, the inputs derived from it
// at full depth, the derived cases that send them, and the aspects they leave uncovered.
#include <iosfwd>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/coverage.hpp"

namespace mx3pid::suite::detail {

std::vector<FieldCoverage> field_coverage_of(const Suite& suite, const spec::Edition& edition);

void write_fields_text(const Coverage& coverage, std::ostream& out);

nlohmann::ordered_json fields_json(const Coverage& coverage);

}  // namespace mx3pid::suite::detail
