#include "proof/detail/kill_sets.hpp"

#include <algorithm>
#include <fnmatch.h>

namespace mx3pid::proof::detail {

using reports::Verdict;

std::set<std::string> declared_broken(const reference_homeserver::Variant& variant, const suite::Catalogue& catalogue,
                                      const suite::JudgedIn& where, std::vector<std::size_t>* entries) {
    std::set<std::string> declared;
    for (std::size_t i = 0; i < variant.kills.size(); ++i) {
        const auto& kill = variant.kills[i];
        if (!spec::EditionRange::parse(kill.editions)->contains(where.edition)) continue;
        if (fnmatch(std::string(kill.endpoints).c_str(), std::string(where.endpoint->key).c_str(), 0) != 0) continue;
        if (!kill.modes.empty() && std::find(kill.modes.begin(), kill.modes.end(), where.mode) == kill.modes.end()) continue;
        if (entries) entries->push_back(i);
        for (auto pattern : kill.sentences)
            for (const auto* sentence : catalogue.matching(pattern)) declared.insert(sentence->id);
    }
    return declared;
}

std::set<std::string> cited_by(const reports::CaseResult& result) {
    std::set<std::string> cited;
    for (const auto& check : result.checks)
        if (check.level != reports::advice_level) cited.insert(check.sentences.begin(), check.sentences.end());
    return cited;
}

Expected expected_verdict(const std::set<std::string>& declared, const std::set<std::string>& cited,
                          const suite::Catalogue& catalogue) {
    Expected expected = Expected::pass;
    for (const auto& id : declared) {
        if (!cited.count(id)) continue;
        const auto* sentence = catalogue.find(id);
        if (sentence && sentence->binds()) return Expected::fail;
        expected = Expected::warn;
    }
    return expected;
}

bool meets(Expected expected, Verdict verdict) {
    switch (expected) {
        case Expected::fail: return verdict == Verdict::fail || verdict == Verdict::not_implemented;
        case Expected::warn: return verdict == Verdict::warn;
        case Expected::pass: return verdict == Verdict::pass || verdict == Verdict::skip;
    }
    return false;
}

const char* to_string(Expected expected) {
    switch (expected) {
        case Expected::fail: return "fail";
        case Expected::warn: return "warn";
        case Expected::pass: return "pass";
    }
    return "pass";
}

}  // namespace mx3pid::proof::detail
