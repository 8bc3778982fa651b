#pragma once
// Editions that judge alike. A check's verdict and level depend on the edition only through the
// catalogue sentences that hold in it and the thresholds of the judge's own code
// (edition_thresholds.hpp); two editions that agree on both judge any answer to the same case
// alike, so a run judges it once and reports that judgement under both.
#include <cstddef>
#include <vector>

#include "spec/edition.hpp"
#include "suite/catalogue.hpp"

namespace mx3pid::engine::detail {

/// For each of `editions`, the index among them of the first edition that judges as it does (its
/// own index when none before it does).
std::vector<std::size_t> judging_classes(const std::vector<spec::Edition>& editions, const suite::Catalogue& catalogue);

}  // namespace mx3pid::engine::detail
