#pragma once
// Cases as data: one template in cases/*.yaml expands over the endpoints it names.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/run_result.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::harness {

enum class Level { must, should };

/// Which address a case uses, in terms of what the endpoint wants.
enum class AddressChoice {
    acceptable,   ///< what the endpoint accepts: fresh for register and add, bound for password reset
    conflicting,  ///< what the endpoint refuses by state: bound for register and add, fresh for password reset
    fresh,        ///< a new address nobody has bound, allowed by the policy
    bound,        ///< the profile's bound address
    denied,       ///< the profile's denied address
};

enum class IdServerChoice { trusted, untrusted, omit };

struct RequestSpec {
    std::string method = "POST";
    IdServerChoice id_server = IdServerChoice::trusted;
    nlohmann::json set = nlohmann::json::object();  ///< fields replaced in (or added to) the valid body
    std::vector<std::string> remove;                ///< fields taken out of the valid body
    std::optional<std::string> raw_body;            ///< sent instead of any JSON body
    std::optional<std::string> content_type;        ///< default application/json
    int send_attempt_increment = 0;                 ///< added to the case's send_attempt (a resend)
};

struct StepExpectation {
    std::vector<int> status;            ///< any of these
    std::vector<std::string> errcode;   ///< allowed errcodes when the status is an error
    /// Allowed errcodes for one status, where they differ by status (`errcode: {403: [...], 400: [...]}`).
    std::map<int, std::vector<std::string>> errcode_by_status;
    bool sid = false;                   ///< a sid that follows the grammar
};

struct Step {
    RequestSpec request;
    StepExpectation expect;
};

/// What must (not) happen beside the answer: at the identity servers and in the mailbox.
struct SideChannelExpectation {
    std::optional<int> identity_requests;  ///< requests reaching either mock identity server
    std::optional<int> decoy_requests;     ///< requests reaching the untrusted mock identity server
    /// The validation reached the address once, carrying what the client sent: the forwarded request
    /// (proxy, delegate) or the mail (self).
    bool delivered = false;
    /// The sid answered is the one the validation carries: the identity server's, or the mailed link's.
    bool sid_matches = false;
    /// Complete the validation as a user would (submit_url, or the mailed link) and see it accepted.
    bool follow_link = false;
    std::optional<int> messages;           ///< validation messages to the address, exactly
    std::optional<int> messages_at_most;
    std::optional<int> tokens_delivered;   ///< messages to the address that carry a validation token
};

/// Profile conditions a template needs; a case whose conditions fail is skipped with the reason.
struct Requirements {
    std::vector<spec::Validation> validation;    ///< any of these; empty means any
    std::optional<bool> enumeration_protection;

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
    std::vector<reports::SpecRef> spec;
    Level level = Level::must;
    AddressChoice address = AddressChoice::acceptable;
    Requirements requires_profile;
    std::vector<Step> steps;
    SideChannelExpectation side_channel;
};

/// A template bound to one endpoint.
struct Case {
    const CaseTemplate* source = nullptr;
    const spec::Endpoint* endpoint = nullptr;
    std::string id;  ///< "<endpoint key>/<kind>"
};

/// `acceptable` and `conflicting` made concrete for one endpoint; other choices unchanged.
AddressChoice resolve_address(AddressChoice choice, const spec::Endpoint& endpoint);

/// Loads every *.yaml file directly in `directory`, sorted by name. Throws ConfigError.
std::vector<CaseTemplate> load_cases(const std::string& directory);

/// Reads one case file. Throws ConfigError.
std::vector<CaseTemplate> load_case_file(const std::string& path);
/// The same for `text`, with `name` standing for the file in errors.
std::vector<CaseTemplate> load_case_text(const std::string& text, const std::string& name);

/// Every template bound to every endpoint it names, in file order, then endpoint table order.
std::vector<Case> expand(const std::vector<CaseTemplate>& templates);

/// True when `text` matches the shell-style glob (`*`, `?`, `[…]`).
bool glob_match(const std::string& glob, const std::string& text);

}  // namespace mx3pid::harness
