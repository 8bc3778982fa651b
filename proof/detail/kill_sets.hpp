#pragma once
// A faulty variant's kill set in spec terms: the sentences it declares broken where a case runs, and
// the verdict a case must then get. The cases come from the checks that cite those sentences.
#include <set>
#include <string>
#include <vector>

#include "suite/catalogue.hpp"
#include "reference_homeserver/variants.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::proof::detail {

/// The sentence IDs `variant` declares broken for a case judged `where`; `entries` gets the indexes
/// of the kill entries that apply there.
std::set<std::string> declared_broken(const reference_homeserver::Variant& variant, const suite::Catalogue& catalogue,
                                      const suite::JudgedIn& where, std::vector<std::size_t>* entries = nullptr);

/// Every sentence the case's checks name: what a passing check tests, what a failed one breaks.
/// An advice check's sentences bind nothing where it is made, so they are not among them.
std::set<std::string> cited_by(const reports::CaseResult& result);

/// The verdict a case must get: fail when a declared sentence its checks cite is a MUST (or schema),
/// warn when all such are SHOULD, pass when its checks cite none.
enum class Expected { pass, warn, fail };
Expected expected_verdict(const std::set<std::string>& declared, const std::set<std::string>& cited,
                          const suite::Catalogue& catalogue);

/// Does `verdict` meet what was expected? A case the server does not implement is a failure.
bool meets(Expected expected, reports::Verdict verdict);

const char* to_string(Expected expected);

}  // namespace mx3pid::proof::detail
