#pragma once
// "Did you mean": the nearest of some known words to a mistyped one.
#include <optional>
#include <string>
#include <vector>

namespace mx3pid::cli {

/// The candidate closest to `word` by edit distance, when it is close enough to be a typo (at most a
/// third of the word's letters apart, and at least 1); nothing otherwise.
std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace mx3pid::cli
