#pragma once
// The sentence catalogue (cases/sentences/): every normative sentence of the spec that a check rests
// on, with its level, the editions it holds in, the section it is in, and the sections' places on the
// public, rendered spec of each edition. Checks cite sentences by ID; a check's level is the
// strongest obligation among the sentences it tests (schema counts as MUST); MAY sentences and
// freedoms only widen what a check accepts.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "reports/run_result.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::suite {

enum class SentenceLevel { must, should, may, schema };

/// "MUST", "SHOULD", "MAY", "schema": as the catalogue writes it.
std::string_view to_string(SentenceLevel level);

/// One record of cases/sentences/*.yaml.
struct SentenceRecord {
    std::string id;
    SentenceLevel level = SentenceLevel::must;
    spec::EditionRange editions;
    std::vector<std::string> endpoints;   ///< globs over endpoint keys; empty: not tied to an endpoint
    std::string section;                  ///< a name from sections.yaml
    std::string says;
    std::vector<spec::Validation> modes;  ///< empty: every validation mode
    std::string untestable;               ///< why nothing on the wire can test it; empty: testable
    std::string freedom;                  ///< what a conformant server may do instead; empty: none
    std::string file;
    int line = 0;

    bool holds_in(const spec::Edition& edition) const { return editions.contains(edition); }
    /// Not tied to endpoints, or one of its globs names this one.
    bool applies_to(const spec::Endpoint& endpoint) const;
    bool applies_in(spec::Validation mode) const;
    /// A check may fail on it: MUST, schema or SHOULD, and testable.
    bool is_obligation() const { return level != SentenceLevel::may && untestable.empty(); }
    /// It lets a conformant server answer otherwise: a MAY, or a record with a freedom.
    bool is_freedom() const { return level == SentenceLevel::may || !freedom.empty(); }
    /// Judged as MUST when a check on it fails: MUST or schema.
    bool binds() const { return level == SentenceLevel::must || level == SentenceLevel::schema; }
};

/// One record of cases/sentences/sections.yaml.
struct SectionRecord {
    enum class Api { client_server, identity, index };
    std::string name;   ///< what a sentence writes in `section:`
    std::string title;  ///< the heading as rendered
    Api api = Api::client_server;
    bool operation = false;  ///< "endpoint" or "identity endpoint": the operation of the case's endpoint
    spec::EditionRange editions;
    std::string anchor_r0, anchor_v1;  ///< only where the page's anchor is not the automatic one
    std::string file;
    int line = 0;
};

/// Where a section is on the rendered spec of one edition.
struct Place {
    std::string title;  ///< the heading, or "POST /_matrix/client/v3/register/email/requestToken"
    std::string url;    ///< the page with the anchor
};

/// Where a check is judged: the edition, the case's endpoint and how the server validates its medium.
struct JudgedIn {
    spec::Edition edition;
    const spec::Endpoint* endpoint = nullptr;
    spec::Validation mode = spec::Validation::proxy;
};

/// What a check's citations come to where it is judged.
struct Resolved {
    std::vector<std::string> obligations;  ///< IDs a failure breaks, in catalogue order
    std::vector<std::string> freedoms;     ///< IDs that widen what the check accepts
    /// "MUST" when a MUST or schema sentence is among the obligations, else "SHOULD"; empty without obligations.
    std::string level;
};

/// The sentences citations name that apply somewhere, before an edition is chosen.
struct Named {
    std::vector<const SentenceRecord*> obligations;  ///< in catalogue order
    std::vector<const SentenceRecord*> freedoms;     ///< in catalogue order
};

class Catalogue {
public:
    Catalogue() = default;
    Catalogue(std::vector<SentenceRecord> sentences, std::vector<SectionRecord> sections);

    const std::vector<SentenceRecord>& sentences() const { return sentences_; }
    const std::vector<SectionRecord>& sections() const { return sections_; }
    const SentenceRecord* find(std::string_view id) const;
    const SectionRecord* section(std::string_view name) const;

    /// The records an ID or a glob (`*`, `?`, `[…]`) names, in catalogue order; none when it names none.
    std::vector<const SentenceRecord*> matching(std::string_view pattern) const;

    /// The sentences `cited` (IDs or globs) names that apply to `endpoint` (null: any) and `mode`, in
    /// whichever editions they hold.
    Named named(const std::vector<std::string>& cited, const spec::Endpoint* endpoint, spec::Validation mode) const;
    /// The sentences `cited` (IDs or globs) that hold where the check is judged, obligations and
    /// freedoms apart, and the level they give.
    Resolved resolve(const std::vector<std::string>& cited, const JudgedIn& where) const;
    /// resolve(), kept for the next call with the same citations in the same place: a run resolves
    /// each check's citations once per result, in every edition it judges. (Loading checks each
    /// case's citations once and calls resolve(), so that what it checks is not kept.)
    const Resolved& resolve_judged(const std::vector<std::string>& cited, const JudgedIn& where) const;
    /// The level of these obligations: "MUST", "SHOULD", or empty when there is none.
    std::string level_of(const std::vector<std::string>& ids) const;

    /// Where `section_name` is in `edition`; nothing when that edition's page lacks it. An operation
    /// section needs the endpoint.
    std::optional<Place> place(std::string_view section_name, const spec::Endpoint* endpoint, const spec::Edition& edition) const;
    /// The sentence as reports show it, placed in `edition` (for an endpoint's section, on that endpoint);
    /// kept for the next call, as every result places its sentences again. `sentence` is one of sentences().
    const reports::Sentence& placed(const SentenceRecord& sentence, const spec::Endpoint* endpoint, const spec::Edition& edition) const;

private:
    /// The obligations and freedoms `cited` names that apply to `endpoint` (null: any) and `mode` and
    /// hold in `edition` (null: any), in catalogue order.
    std::vector<const SentenceRecord*> applicable(const std::vector<std::string>& cited, const spec::Endpoint* endpoint,
                                                  spec::Validation mode, const spec::Edition* edition) const;
    /// Those of `named` that hold in `edition`, as resolve() gives them.
    Resolved resolved_in(const Named& named, const spec::Edition& edition) const;

    std::vector<SentenceRecord> sentences_;
    std::vector<SectionRecord> sections_;
    std::map<std::string, std::size_t, std::less<>> by_id_;
    /// The indices each glob matched, kept on first use (every judgement resolves its citations);
    /// copies share it, as they hold the same sentences.
    struct GlobMatches {
        std::mutex mutex;
        std::map<std::string, std::vector<std::size_t>, std::less<>> by_glob;
    };
    std::shared_ptr<GlobMatches> glob_matches_ = std::make_shared<GlobMatches>();
    /// What resolve_judged() and place() worked out, shared like the glob matches.
    struct Remembered {
        std::mutex mutex;
        std::unordered_map<std::string, Resolved> resolved;
        std::unordered_map<std::string, Named> named;  ///< by endpoint, mode and citations: the same in every edition
        std::map<std::tuple<const SectionRecord*, const spec::Endpoint*, spec::Edition>, std::optional<Place>> places;
        /// placed(), by the sentence's index, the endpoint its section is placed on (or none) and the edition.
        std::map<std::tuple<std::size_t, const spec::Endpoint*, spec::Edition>, reports::Sentence> placed;
    };
    std::shared_ptr<Remembered> remembered_ = std::make_shared<Remembered>();
};

/// Reads `directory`/sections.yaml and every other *.yaml there as sentences. Throws ConfigError
/// (file and line) for an unknown key, a duplicate ID, a sentence with no editions, an unknown
/// section or one its editions lack.
Catalogue load_catalogue(const std::string& directory);

/// The same from texts: `files` maps a file name to its content; "sections.yaml" is the sections.
Catalogue load_catalogue_texts(const std::map<std::string, std::string>& files);

}  // namespace mx3pid::suite
