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

/// What cite() gives in any edition, before the edition is known: every sentence the case's checks
/// name that applies to its endpoint and validation mode, in cite()'s order. A run of several
/// editions works it out once per case and places it in each edition with cite_in().
struct CaseCitations {
    const spec::Endpoint* endpoint = nullptr;
    std::vector<const SentenceRecord*> sentences;
};
CaseCitations case_citations(const Case& instance, const Catalogue& catalogue, spec::Validation mode);

/// cite() from what case_citations() found: those of its sentences that hold in `edition`, as links into it.
std::vector<reports::SpecRef> cite_in(const CaseCitations& citations, const Catalogue& catalogue, const spec::Edition& edition);

}  // namespace mx3pid::suite
