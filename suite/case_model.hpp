#pragma once
// Cases as data: one template in cases/*.yaml expands over the endpoints it names.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "suite/catalogue.hpp"
#include "suite/derive.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::suite {

/// Which address a case uses, in terms of what the endpoint wants.
enum class AddressChoice {
    acceptable,   ///< what the endpoint accepts: fresh for register and add, bound for password reset
    conflicting,  ///< what the endpoint refuses by state: bound for register and add, fresh for password reset
    fresh,        ///< a new address nobody has bound, allowed by the policy
    bound,        ///< the profile's bound address
    denied,       ///< the profile's denied address
};

enum class IdServerChoice { trusted, untrusted, omit };

/// The sentences one check tests, as a case file names them: catalogue IDs, or globs over IDs
/// (`cs.check.unbound*`). Only those holding where the check is judged count (suite/catalogue.hpp).
/// A check whose sentences hold only freedoms there (MAY) is not made: anything is accepted.
struct Cited {
    std::vector<std::string> any;    ///< whichever way the check fails
    std::vector<std::string> none;   ///< a count only: what nothing arriving breaks (with `fewer`)
    std::vector<std::string> fewer;  ///< a count only: what fewer arrivals than expected break
    std::vector<std::string> more;   ///< a count only: what more arrivals than expected break
    std::map<int, std::vector<std::string>> by_status;  ///< errcode only: what the code of each error status tests
    int line = 0;                    ///< where the case file names them

    /// Every ID and glob, in the order written.
    std::vector<std::string> all() const;
    /// What a count that came out `actual` against `expected` breaks: `any` and the direction's lists
    /// (all of them when it came out right: what the count tests).
    std::vector<std::string> for_count(long long expected, long long actual) const;
    /// What the errcode of an answer with `status` tests: its own list, else `any`.
    std::vector<std::string> for_status(int status) const;
};

/// Each check a step or the side channel makes, by its key in the case file ("status", "errcode",
/// "tokens_delivered", …), with the sentences it tests.
using Citations = std::map<std::string, Cited>;

struct RequestSpec {
    std::string method = "POST";
    IdServerChoice id_server = IdServerChoice::trusted;
    nlohmann::json set = nlohmann::json::object();  ///< fields replaced in (or added to) the valid body
    std::vector<std::string> remove;                ///< fields taken out of the valid body
    std::optional<std::string> raw_body;            ///< sent instead of any JSON body; "{client_secret}" becomes the case's
    std::optional<std::string> content_type;        ///< default application/json; "" sends no Content-Type
    /// Sent to the endpoint's path with its medium segment replaced by this (an endpoint that does not exist).
    std::optional<std::string> path_medium;
    int send_attempt_increment = 0;                 ///< added to the case's send_attempt (a resend)
    /// From r0.6.0 every id_server goes with an id_access_token the runner registered at its mock
    /// identity server; false (`id_access_token: omit`) leaves it out.
    bool id_access_token = true;
    /// An input derived from a field's grammar or schema (suite/derive), applied to the valid body
    /// after `set` and `remove`: what the request then sends.
    std::optional<DerivedInput> derived;
};

struct StepExpectation {
    std::vector<int> status;            ///< any of these
    std::vector<std::string> errcode;   ///< allowed errcodes when the status is an error
    /// Allowed errcodes for one status, where they differ by status (`errcode: {403: [...], 400: [...]}`).
    std::map<int, std::vector<std::string>> errcode_by_status;
    bool cors = false;                  ///< the answer carries the CORS headers the spec recommends
    Citations sentences;                ///< what `status`, `errcode` and `cors` test
};

struct Step {
    RequestSpec request;
    StepExpectation expect;
};

/// What must (not) happen beside the answer: at the identity servers and in the mailbox.
struct SideChannelExpectation {
    /// Validation tokens that reached the case's address, exactly: a requestToken for the case's secret
    /// or address that an identity server accepted, or a mail/SMS to the address carrying a token or a
    /// validation link. A refused request, a /versions probe or a notice without a token is not one.
    std::optional<int> tokens_delivered;
    std::optional<int> decoy_requests;  ///< requestToken requests reaching the untrusted identity server
    /// The validation reached the address once, carrying what the client sent: the forwarded request
    /// (proxy, delegate) or the mail (self).
    bool delivered = false;
    /// The sid answered is the one the validation carries: the identity server's, or the mailed link's.
    bool sid_matches = false;
    /// Complete the validation as a user would (submit_url with the code the mock received, or the
    /// mailed link) and see it accepted.
    bool follow_link = false;
    /// `tokens_delivered`, `delivered` and `sid_matches` hold once the server served the request (a 2xx
    /// answer to its first step): for a case whose request the server may serve or refuse (an ignored
    /// field); a refusal is judged on its answer and on `decoy_requests`.
    bool when_served = false;
    /// What `tokens_delivered`, `decoy_requests`, `delivered` and `sid_matches` test (the follow-up's
    /// sentences are the judge's: they depend on the way the validation completes).
    Citations sentences;
};

/// Profile conditions a template needs; a case whose conditions fail is skipped with the reason.
struct Requirements {
    std::vector<spec::Validation> validation;    ///< any of these; empty means any
    std::optional<bool> enumeration_protection;
    /// true: only on an /account/3pid endpoint whose medium the profile lists in unsupported_3pid_media;
    /// absent or false: never there.
    std::optional<bool> medium_unsupported;
    /// false: only on register and password reset, from v1.15, where the profile says the server
    /// offers no legacy API (legacy_api: false); absent or true: never there.
    std::optional<bool> legacy_api;

    /// Can one profile satisfy both?
    bool overlaps(const Requirements& other) const;
};

struct CaseTemplate {
    std::string file;
    int line = 0;
    std::string kind;
    std::string title;
    std::vector<std::string> endpoints;  ///< globs over endpoint keys
    spec::EditionRange editions;
    AddressChoice address = AddressChoice::acceptable;
    Requirements requires_profile;
    std::vector<Step> steps;
    SideChannelExpectation side_channel;
    /// The least depth that asks it: hand-written cases are quick; a derived one is its input's.
    Depth depth = Depth::quick;
};

/// A template bound to one endpoint.
struct Case {
    const CaseTemplate* source = nullptr;
    const spec::Endpoint* endpoint = nullptr;
    std::string id;  ///< "<endpoint key>/<kind>"

    /// The edition documents the endpoint (msisdn arrives in r0.4.0) and the case is written for it.
    bool applies_in(const spec::Edition& edition) const {
        return endpoint->documented_in(edition) && source->editions.contains(edition);
    }
};

/// `acceptable` and `conflicting` made concrete for one endpoint; other choices unchanged.
AddressChoice resolve_address(AddressChoice choice, const spec::Endpoint& endpoint);

/// Loads every *.yaml file directly in `directory`, sorted by name (the sentences/ and profiles/
/// folders beside them are not cases), its `derive:` entries made into one template per derived
/// input (suite/derived_cases.hpp), keeping those `depth` asks. Every sentence a case cites must be
/// in `catalogue`. Throws ConfigError.
std::vector<CaseTemplate> load_cases(const std::string& directory, const Catalogue& catalogue, Depth depth = Depth::full);

/// Reads one case file. Throws ConfigError.
std::vector<CaseTemplate> load_case_file(const std::string& path, const Catalogue& catalogue);
/// The same for `text`, with `name` standing for the file in errors.
std::vector<CaseTemplate> load_case_text(const std::string& text, const std::string& name, const Catalogue& catalogue);

/// What a run asks: the sentence catalogue and the case templates that cite it.
struct Suite {
    Catalogue catalogue;
    std::vector<CaseTemplate> templates;
};

/// `directory`/sentences/, then the cases in `directory` that `depth` asks. Throws ConfigError.
Suite load_suite(const std::string& directory, Depth depth = Depth::full);

/// Every template bound to every endpoint it names, in file order, then endpoint table order.
std::vector<Case> expand(const std::vector<CaseTemplate>& templates);

/// True when `text` matches the shell-style glob (`*`, `?`, `[…]`).
bool glob_match(const std::string& glob, const std::string& text);

}  // namespace mx3pid::suite
