#include "engine/detail/judging_classes.hpp"

#include "engine/detail/edition_thresholds.hpp"

namespace mx3pid::engine::detail {
namespace {

/// Which sentences hold in `edition`, then on which side of each threshold it is.
std::vector<bool> judging_signature(const spec::Edition& edition, const suite::Catalogue& catalogue) {
    std::vector<bool> signature;
    signature.reserve(catalogue.sentences().size() + thresholds().size());
    for (const auto& sentence : catalogue.sentences()) signature.push_back(sentence.holds_in(edition));
    for (const auto& info : thresholds()) signature.push_back(since(edition, info.threshold));
    return signature;
}

}  // namespace

std::vector<std::size_t> judging_classes(const std::vector<spec::Edition>& editions, const suite::Catalogue& catalogue) {
    std::vector<std::vector<bool>> signatures;
    std::vector<std::size_t> classes;
    for (const auto& edition : editions) {
        signatures.push_back(judging_signature(edition, catalogue));
        std::size_t first = 0;
        while (signatures[first] != signatures.back()) ++first;
        classes.push_back(first);
    }
    return classes;
}

}  // namespace mx3pid::engine::detail
