#pragma once
// The result model: what a finished (or interrupted) run produced. The harness fills it; every
// writer in this library reads only this. Field names here are the JSON report's field names.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <string>
#include <utility>
#include <vector>

namespace mx3pid::reports {

enum class Verdict {
    pass,   ///< every check held
    warn,   ///< only SHOULD-level checks failed
    fail,   ///< a MUST-level check failed: the server answered wrongly
    not_implemented,  ///< the endpoint answered as one the server lacks (404/405, M_UNRECOGNIZED) where the edition defines it
    error,  ///< the case could not be judged: transport failure, harness fault, rate limit not lifted
    skip,   ///< the case does not apply to this edition or profile
    xfail,  ///< failed, and listed as a known failure
    xpass,  ///< listed as a known failure, but passed
};

const char* to_string(Verdict verdict);

/// True for verdicts that make a run non-conformant: fail, not_implemented, error, xpass.
bool is_unexpected(Verdict verdict);

using Clock = std::chrono::system_clock;

struct SpecRef {
    std::string edition;         ///< the edition the rule is cited from, e.g. "r0.4.0"
    std::string section;         ///< the public section title, e.g. "POST /_matrix/client/v3/register/email/requestToken"
    std::string url;             ///< that edition's rendered page, with the anchor
    std::string judged_edition;  ///< where the same rule lives in the edition judged; empty when it is `edition`
    std::string judged_url;      ///< the page of judged_edition, with the anchor; empty when it is `url`
    std::string says;            ///< the rule, in a sentence of mx3pid's own
};

/// A normative sentence of the spec as the catalogue (cases/sentences/) records it, placed in the
/// edition judged.
struct Sentence {
    std::string id;       ///< stable, e.g. "cs.response.sid.required"
    std::string level;    ///< "MUST", "SHOULD", "MAY", or "schema" (what a schema requires; judged as MUST)
    std::string says;     ///< what it requires, in mx3pid's own words
    std::string section;  ///< the public section title
    std::string url;      ///< the judged edition's rendered page, with the anchor
    /// The endpoint whose own section says it (its URL is that endpoint's operation); empty for a
    /// sentence of a section every endpoint shares.
    std::string endpoint;
};

/// The level of a check whose failure is reported but never warns or fails its case: what a
/// homeserver sends an identity server its own configuration names (validation mode delegate).
inline constexpr std::string_view advice_level = "advice";

/// One assertion about the answer or the side channel.
struct CheckResult {
    std::string name;      ///< e.g. "status", "errcode", "sid grammar", "identity server requests"
    Verdict verdict = Verdict::pass;  ///< pass, warn or fail
    std::string expected;  ///< one line
    std::string actual;    ///< one line
    /// "MUST" or "SHOULD": the strongest obligation among the sentences the check tests (a schema
    /// requirement is a MUST). A failed MUST check fails the case; a failed SHOULD check warns.
    /// "advice" (advice_level): a failure is only reported (its verdict warn, the case's unchanged).
    std::string level;
    /// IDs of the sentences it tests (obligations: MUST, schema, SHOULD); a failed check lists those
    /// its failure breaks. RunResult::sentences has their words.
    std::vector<std::string> sentences;
    /// IDs of MAY sentences and freedoms that widen what the check accepts; never broken.
    std::vector<std::string> freedoms;
};

/// One request mx3pid sent and what came back, secrets already redacted.
struct HttpExchange {
    std::string method;
    std::string url;
    std::vector<std::pair<std::string, std::string>> request_headers;
    std::string request_body;
    std::optional<int> status;  ///< absent when no response arrived
    std::vector<std::pair<std::string, std::string>> response_headers;
    std::string response_body;
    std::string transport_error;  ///< one line; empty when a response arrived
    Clock::time_point started{};
    Clock::time_point finished{};
};

struct CaseResult {
    std::string id;        ///< "<endpoint key>/<kind>", e.g. "register/email/duplicate"
    std::string endpoint;  ///< e.g. "register/email"
    std::string kind;      ///< e.g. "duplicate"
    std::string title;
    std::string level;     ///< "MUST" or "SHOULD"
    std::vector<SpecRef> spec;
    Verdict verdict = Verdict::pass;
    std::string message;   ///< one line: for fail/warn "expected … got …", for error the cause, for skip the reason
    std::vector<CheckResult> checks;
    std::vector<HttpExchange> exchanges;
    std::vector<std::string> side_channel;  ///< what the identity server / mailbox saw, one line each
    std::string curl;      ///< a command that repeats the first request (secrets redacted)
    std::string known_failure_reason;  ///< for xfail/xpass: the expectations entry's reason
    std::string known_failure_entry;   ///< for xfail/xpass: where that entry is, "FILE:LINE"
    /// Selected but never sent: the run was interrupted first, or its medium was still rate limited
    /// beyond the run's wait budget. Its verdict is skip; `message` says "not run: <why>".
    bool not_run = false;
    Clock::time_point started{};
    Clock::time_point finished{};
};

struct Counts {
    std::size_t total = 0, passed = 0, warned = 0, failed = 0, not_implemented = 0, errors = 0, skipped = 0, xfailed = 0,
                xpassed = 0;
    std::size_t not_run = 0;  ///< cases never sent (interrupted, rate limited); not among `skipped`

    /// Every case counts once: in not_run when it never started, else under its verdict.
    void add(const CaseResult& result);
    std::size_t ran() const { return total - not_run; }
};

/// Something that reached the side channel (identity servers, mail sink) that no key placed with a
/// case: it is credited to none, and every report lists it among the run's warnings.
struct UnattributedArrival {
    std::string what;     ///< "a request to the identity server (POST /_matrix/identity/…)", "a mail to …"
    std::string carried;  ///< the keys it carried, secrets redacted: "next_link …, client_secret <redacted>, email …"
    std::string reason;   ///< why no case could claim it
};

/// "side channel: a mail to … (carried: …) was credited to no case: <reason>"
std::string describe(const UnattributedArrival& arrival);

/// One edition of a run that judged several (RunResult::editions): its cases, as a run of that
/// edition alone would hold them.
struct EditionResult {
    std::string edition;  ///< e.g. "v1.2"
    std::vector<CaseResult> cases;  ///< the run's case IDs, in the same order in every edition
    std::vector<Sentence> sentences;  ///< as RunResult::sentences, placed in this edition

    Counts counts() const;
    /// No case is unexpected (FAIL, NOIMP, ERROR, XPASS) and none was left not run.
    bool conforms() const;
};

/// What a run shared: each execution unit (a case's requests, identical in several editions) was
/// sent once and judged in each of its editions.
struct Sharing {
    std::size_t units = 0;       ///< execution units that sent a request
    std::size_t exchanges = 0;   ///< their HTTP exchanges, validation follow-ups and 429s included
    std::size_t judgements = 0;  ///< case results judged on those exchanges, over every edition
    /// Of those, judged for themselves; each of the rest is a judgement of an edition that judges alike, reported again.
    std::size_t distinct_judgements = 0;
};

struct RunResult {
    std::string tool_version;
    std::string target;          ///< URL or "builtin:NAME"
    std::string edition;         ///< the edition judged, e.g. "r0.4.0"; with several, their span, e.g. "r0.4.0–v1.19"
    std::string edition_source;  ///< "given" or "detected"
    std::vector<std::string> advertised_editions;  ///< what GET /_matrix/client/versions named, in its order
    std::string edition_note;    ///< one sentence when `edition` is not among advertised_editions, else empty
    std::string profile;         ///< path of the target profile
    std::string seed;            ///< reproduces the generated addresses and secrets
    std::vector<std::pair<std::string, std::string>> properties;  ///< extra name/value pairs for reports
    std::vector<std::string> warnings;  ///< run-level notes a reader must see
    std::vector<UnattributedArrival> unattributed;  ///< side-channel arrivals credited to no case
    std::size_t rate_limited = 0;       ///< every 429 answer received, waited out or given up on
    std::size_t planned = 0;            ///< cases selected; more than cases.size() when the run was interrupted
    std::vector<CaseResult> cases;      ///< in the order they were selected; empty when `editions` holds them
    /// Every sentence some check of this run cites, in catalogue order, placed in the edition judged.
    std::vector<Sentence> sentences;
    /// A run judging several editions (--spec all, a range): each one's results, in the order judged
    /// (oldest first); `cases` and `sentences` are then empty. Empty for a run of one edition.
    std::vector<EditionResult> editions;
    Sharing sharing;  ///< with several editions: what their judgements shared
    bool interrupted = false;
    Clock::time_point started{};
    Clock::time_point finished{};

    /// Every case's verdict counted once per edition it was judged in.
    Counts counts() const;
    bool several_editions() const { return !editions.empty(); }
    /// The run's cases: `cases`, or with several editions the first edition's (the same IDs in each).
    const std::vector<CaseResult>& case_list() const;
    /// Every case result of the run, edition by edition.
    std::vector<const CaseResult*> all_cases() const;
    /// The edition `result` (one of this run's) was judged in: its place in `editions`, or 0 with one edition.
    std::size_t edition_index(const CaseResult& result) const;
    /// The name of the edition `result` was judged in.
    const std::string& edition_of(const CaseResult& result) const;
    /// The sentences of the edition `result` was judged in: `sentences`, or its edition's.
    const std::vector<Sentence>& sentences_of(const CaseResult& result) const;
    /// Where `result` is in its edition's cases (the same place in every edition).
    std::size_t position_of(const CaseResult& result) const;
};

/// "status: expected 400, got 200 [cs.invalid.status] (and 2 more: errcode, identity server
/// requests)": the first check that did not pass with the sentences it breaks, and the names of
/// the others, for a case's one-line message.
std::string failed_checks_message(const std::vector<CheckResult>& checks);

/// The run's entry for sentence `id` as cited by `result`: placed in the edition it was judged in,
/// on its endpoint (its own, or the one every endpoint shares).
const Sentence* find_sentence(const RunResult& run, std::string_view id, const CaseResult& result);

/// A sentence the server broke: some check that did not pass names it.
struct BrokenSentence {
    /// Its words and URL, placed on the first case's endpoint (with several editions, in the first
    /// edition that shows it).
    const Sentence* sentence = nullptr;
    /// The cases that show it, in run order, each case ID once (with several editions, its first result).
    std::vector<const CaseResult*> cases;
    std::vector<std::size_t> editions;  ///< with several editions: those (indices into RunResult::editions) that show it
};

/// "Sentences broken by this server": every sentence a failed or warned check names, in catalogue
/// order (RunResult::sentences, or each edition's in turn), each with the cases that show it.
std::vector<BrokenSentence> broken_sentences(const RunResult& run);

double seconds_between(Clock::time_point from, Clock::time_point to);

}  // namespace mx3pid::reports
