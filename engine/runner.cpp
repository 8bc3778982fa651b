#include "engine/runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "suite/check_plan.hpp"
#include "suite/citation.hpp"
#include "engine/detail/checks.hpp"
#include "engine/detail/curl.hpp"
#include "engine/detail/judged.hpp"
#include "engine/detail/judging_classes.hpp"
#include "engine/follow_up.hpp"
#include "engine/judge.hpp"
#include "engine/request_builder.hpp"
#include "engine/side_channel.hpp"
#include "engine/side_checks.hpp"
#include "engine/trace.hpp"

namespace mx3pid::engine {
namespace {

using nlohmann::json;
using reports::Verdict;
using SteadyClock = std::chrono::steady_clock;
using detail::Judged;
using detail::judge_observation;
using detail::keep_tokens;

constexpr int timeouts_before_stopping = 3;
constexpr std::chrono::milliseconds stop_check_every{50};

/// One edition's view of a unit: the case as that edition selected it, and its result so far.
struct View {
    std::size_t edition = 0;  ///< index into the run's editions
    const suite::SelectedCase* selected = nullptr;
    reports::CaseResult result;                ///< the checks of the answers so far
    std::optional<std::string> unimplemented;  ///< why the endpoint looks unimplemented in this edition
    /// The unit's earlier view that judges as this one does (the same case template, editions of one
    /// judging class): its checks and verdict are copied here rather than judged again.
    std::optional<std::size_t> leader;
};

/// Why a unit could not be judged in any of its editions.
struct Trouble {
    Verdict verdict = Verdict::error;
    bool not_run = false;  ///< a rate limit: skip, not run
    std::string message;
};

/// A unit between its first request and its verdicts.
struct UnitRun {
    const Unit* unit = nullptr;
    std::string label;  ///< the case ID, and in a run of several editions the unit's editions
    CaseValues values;
    detail::Secrets secrets;
    spec::Validation validation = spec::Validation::proxy;
    std::vector<net::Request> requests;  ///< one per step, built before the first is sent
    json first_body;
    std::optional<net::Response> first_answer;
    std::optional<std::string> first_sid;
    bool server_error = false;  ///< some step was answered with a 5xx
    std::optional<Trouble> trouble;
    std::vector<reports::HttpExchange> exchanges;
    std::vector<View> views;  ///< one per edition of the unit
    SteadyClock::time_point last_request{};

    const suite::Case& instance() const { return views.front().selected->instance; }
    bool judged_anywhere() const {
        return std::any_of(views.begin(), views.end(), [](const View& view) { return !view.unimplemented; });
    }
};

std::vector<std::size_t> judging_classes_of(const std::vector<EditionCases>& editions, const Environment& env) {
    std::vector<spec::Edition> run_editions;
    for (const auto& edition : editions) run_editions.push_back(edition.edition);
    auto classes = detail::judging_classes(run_editions, env.catalogue);
    if (!env.share_judgements)
        for (std::size_t e = 0; e < classes.size(); ++e) classes[e] = e;
    return classes;
}

/// What the units of one run share, and what they learn about the server for each other.
class RunState {
public:
    RunState(Environment& env, const std::vector<EditionCases>& editions)
        : env(env),
          editions(editions),
          asker(env.http, env.profile.max_rate_limit_wait, env.on_wait),
          side(env.identity, env.decoy, env.mailbox, env.redact, env.fixtures.next_link_prefix()),
          basis{{env.id_server.empty() ? env.identity.authority() : env.id_server, env.identity.register_access_token()},
                {env.decoy.authority(), env.decoy.register_access_token()}},
          plan(plan_units(editions, env.homeserver, env.profile, basis)),
          judging_class(judging_classes_of(editions, env)) {}

    Environment& env;
    const std::vector<EditionCases>& editions;
    Asker asker;
    SideChannel side;
    RequestBasis basis;
    UnitPlan plan;
    std::vector<std::size_t> judging_class;  ///< by edition: the first of the run's editions that judges as it does
    std::atomic<int> timeouts_in_a_row{0};
    std::atomic<std::size_t> units_sent{0}, exchanges_sent{0}, judgements{0}, distinct_judgements{0};

    const spec::Edition& edition(std::size_t index) const { return editions[index].edition; }
    bool several_editions() const { return editions.size() > 1; }
    std::size_t case_count() const { return editions.empty() ? 0 : editions.front().cases.size(); }
    const std::string& case_id(std::size_t index) const { return editions.front().cases[index].instance.id; }

    /// "r0.4.0–r0.6.1, v1.3": the run's editions at `indices`, neighbours in the run as one span.
    std::string editions_text(const std::vector<std::size_t>& indices) const {
        std::string text;
        for (std::size_t i = 0; i < indices.size(); ++i) {
            std::size_t last = i;
            while (last + 1 < indices.size() && indices[last + 1] == indices[last] + 1) ++last;
            text += (text.empty() ? "" : ", ") + edition(indices[i]).name();
            if (last > i) text += "\u2013" + edition(indices[last]).name();
            i = last;
        }
        return text;
    }
    /// The case ID, with the editions when the run has several: what warnings and the trace call a unit.
    std::string label(const Unit& unit) const {
        return several_editions() ? case_id(unit.case_index) + " in " + editions_text(unit.editions) : case_id(unit.case_index);
    }

    std::optional<std::string> unimplemented(std::size_t edition, const std::string& endpoint) {
        std::lock_guard lock(mutex_);
        auto found = unimplemented_.find({edition, endpoint});
        return found == unimplemented_.end() ? std::nullopt : std::optional(found->second);
    }
    void mark_unimplemented(std::size_t edition, const std::string& endpoint, const std::string& reason) {
        std::lock_guard lock(mutex_);
        unimplemented_.emplace(std::pair{edition, endpoint}, reason);
    }
    /// Why a token-delivering unit of this medium is not sent to `server` now, while its wait lasts.
    std::optional<std::string> rate_limited(const net::Url& server, spec::Medium medium) {
        std::lock_guard lock(mutex_);
        auto found = limits_.find({server.origin(), medium});
        if (found == limits_.end() || SteadyClock::now() >= found->second.first) return std::nullopt;
        return found->second.second;
    }
    /// Token units of `medium` are not sent to `server` for `wait`, or for the rest of the run when there is none.
    void limit(const net::Url& server, spec::Medium medium, std::optional<std::chrono::milliseconds> wait, const std::string& why) {
        std::lock_guard lock(mutex_);
        limits_[{server.origin(), medium}] = {wait ? SteadyClock::now() + *wait : SteadyClock::time_point::max(), why};
    }
    /// What the case cites in any edition, worked out once for its template and endpoint.
    const suite::CaseCitations& citations(const suite::Case& instance) {
        std::lock_guard lock(mutex_);
        auto [kept, added] = citations_.try_emplace({instance.source, instance.endpoint});
        if (added) kept->second = suite::case_citations(instance, env.catalogue, env.profile.validation_for(instance.endpoint->medium));
        return kept->second;
    }
    void keep(std::size_t unit, std::vector<Judged> judged) {
        std::lock_guard lock(mutex_);
        judged_.erase(unit);
        judged_.emplace(unit, std::move(judged));
    }
    /// The unit as judged in each edition whose verdict rests on its side channel. Call once the jobs are done.
    std::vector<Judged>* judged(std::size_t unit) {
        std::lock_guard lock(mutex_);
        auto found = judged_.find(unit);
        return found == judged_.end() ? nullptr : &found->second;
    }

private:
    std::mutex mutex_;
    std::map<std::pair<std::size_t, std::string>, std::string> unimplemented_;
    std::map<std::pair<std::string, spec::Medium>, std::pair<SteadyClock::time_point, std::string>> limits_;
    std::map<std::size_t, std::vector<Judged>> judged_;
    std::map<std::pair<const suite::CaseTemplate*, const spec::Endpoint*>, suite::CaseCitations> citations_;
};

}  // namespace

Judging judging_for(const suite::Case& instance, const Environment& environment, const spec::Edition& edition) {
    return {environment.catalogue,
            {edition, instance.endpoint, environment.profile.validation_for(instance.endpoint->medium)}};
}

namespace {

reports::CaseResult started(const suite::Case& instance, std::vector<reports::SpecRef> spec) {
    reports::CaseResult result;
    result.id = instance.id;
    result.endpoint = std::string(instance.endpoint->key);
    result.kind = instance.source->kind;
    result.title = instance.source->title;
    result.spec = std::move(spec);
    result.started = reports::Clock::now();
    return result;
}

/// start_result() in the run's edition at `edition`, from the case's citations as the run keeps them.
reports::CaseResult start_result(const suite::SelectedCase& selected, RunState& state, std::size_t edition) {
    const auto& instance = selected.instance;
    return started(instance, suite::cite_in(state.citations(instance), state.env.catalogue, state.edition(edition)));
}

}  // namespace

reports::CaseResult start_result(const suite::SelectedCase& selected, const Environment& environment, const spec::Edition& edition) {
    const suite::Case& instance = selected.instance;
    return started(instance, suite::cite(instance, environment.catalogue, judging_for(instance, environment, edition).where));
}

std::vector<reports::Sentence> cited_sentences(const std::vector<reports::CaseResult>& results, const suite::Catalogue& catalogue,
                                               const spec::Edition& edition) {
    // Catalogue order, then endpoint order for sentences each endpoint's own section says.
    std::set<std::pair<std::string_view, std::size_t>> cited;
    for (const auto& result : results) {
        const auto* endpoint = spec::find_endpoint_by_key(result.endpoint);
        if (!endpoint) continue;
        const auto endpoint_index = static_cast<std::size_t>(endpoint - spec::endpoints().data());
        for (const auto& check : result.checks)
            for (const auto* ids : {&check.sentences, &check.freedoms})
                for (const auto& id : *ids) cited.emplace(id, endpoint_index);
    }
    std::set<std::pair<std::size_t, std::size_t>> wanted;
    for (const auto& [id, endpoint_index] : cited)
        if (const auto* record = catalogue.find(id))
            wanted.emplace(static_cast<std::size_t>(record - catalogue.sentences().data()), endpoint_index);
    std::vector<reports::Sentence> sentences;
    for (const auto& [at, endpoint_index] : wanted) {
        const auto& record = catalogue.sentences()[at];
        auto placed = catalogue.placed(record, &spec::endpoints()[endpoint_index], edition);
        bool seen = std::any_of(sentences.begin(), sentences.end(),
                                [&](const reports::Sentence& s) { return s.id == placed.id && s.endpoint == placed.endpoint; });
        if (!seen) sentences.push_back(std::move(placed));
    }
    return sentences;
}

namespace {

reports::CaseResult ended(reports::CaseResult result, Verdict verdict, std::string message) {
    if (trace::on(trace::Level::info)) trace::write(trace::Level::info, std::string(reports::to_string(verdict)) + ": " + message);
    result.verdict = verdict;
    result.message = std::move(message);
    result.finished = result.started;
    return result;
}

/// A case never sent: not an error (the server did nothing wrong), yet not a pass either.
reports::CaseResult never_sent(reports::CaseResult result, const std::string& why) {
    result.not_run = true;
    return ended(std::move(result), Verdict::skip, "not run: " + why);
}

/// "bound email", "denied msisdn": the profile address the case shares with others; empty for its own.
std::string shared_address_name(const suite::Case& instance) {
    auto choice = suite::resolve_address(instance.source->address, *instance.endpoint);
    if (choice != suite::AddressChoice::bound && choice != suite::AddressChoice::denied) return {};
    return std::string(choice == suite::AddressChoice::bound ? "bound " : "denied ") +
           std::string(spec::medium_name(instance.endpoint->medium));
}

/// A case that may cause a validation token to be sent: some step expects a 200.
bool may_deliver_token(const suite::CaseTemplate& source) {
    return std::any_of(source.steps.begin(), source.steps.end(), [](const suite::Step& step) {
        return std::find(step.expect.status.begin(), step.expect.status.end(), 200) != step.expect.status.end();
    });
}

std::optional<Address> address_for(const suite::Case& instance, Environment& env, std::size_t index) {
    const auto medium = instance.endpoint->medium;
    const bool email = medium == spec::Medium::email;
    const auto& profile = env.profile;
    Address address;
    address.medium = medium;
    switch (suite::resolve_address(instance.source->address, *instance.endpoint)) {
        case suite::AddressChoice::bound:
            if (email ? !profile.bound_email : !profile.bound_msisdn) return std::nullopt;
            if (email) address.email = *profile.bound_email; else address.msisdn = *profile.bound_msisdn;
            return address;
        case suite::AddressChoice::denied:
            if (email ? !profile.denied_email : !profile.denied_msisdn) return std::nullopt;
            if (email) address.email = *profile.denied_email; else address.msisdn = *profile.denied_msisdn;
            return address;
        default:
            return env.fixtures.fresh_address(index, medium);
    }
}

/// The results of each case as they become known, whichever job produced them; a case's row is
/// complete when every edition has its result.
class Rows {
public:
    Rows(std::size_t cases, std::size_t editions) : editions_(editions), rows_(cases) {
        for (auto& row : rows_) row.results.resize(editions);
    }
    void put(std::size_t case_index, std::size_t edition, reports::CaseResult result) {
        std::lock_guard lock(mutex_);
        auto& row = rows_[case_index];
        row.results[edition] = std::move(result);
        if (++row.filled == editions_) changed_.notify_all();
    }
    void job_done() {
        std::lock_guard lock(mutex_);
        ++jobs_done_;
        changed_.notify_all();
    }
    /// Every edition's result for the case at `index`, or nothing once every job is done without them.
    std::optional<std::vector<reports::CaseResult>> take(std::size_t index, std::size_t jobs) {
        std::unique_lock lock(mutex_);
        auto& row = rows_[index];
        changed_.wait(lock, [&] { return row.filled == editions_ || jobs_done_ == jobs; });
        if (row.filled != editions_) return std::nullopt;
        std::vector<reports::CaseResult> results;
        for (auto& result : row.results) results.push_back(std::move(*result));
        return results;
    }

private:
    struct Row {
        std::vector<std::optional<reports::CaseResult>> results;
        std::size_t filled = 0;
    };
    std::size_t editions_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Row> rows_;
    std::size_t jobs_done_ = 0;
};

/// The results of the editions in which the case is not asked at all: skipped, or not run for a fixture error.
void put_unasked_editions(std::size_t case_index, RunState& state, Rows& rows) {
    for (std::size_t e = 0; e < state.editions.size(); ++e) {
        const auto& selected = state.editions[e].cases[case_index];
        if (selected.skip_reason) rows.put(case_index, e, ended(start_result(selected, state, e), Verdict::skip, *selected.skip_reason));
        else if (selected.not_run_reason) rows.put(case_index, e, never_sent(start_result(selected, state, e), *selected.not_run_reason));
    }
}

/// A unit that is not sent: each edition that found its endpoint unimplemented says so, the others get `unasked`.
void put_unsent(std::vector<View>& views, std::size_t case_index, Rows& rows,
                const std::function<reports::CaseResult(reports::CaseResult)>& unasked) {
    for (auto& view : views)
        rows.put(case_index, view.edition,
                 view.unimplemented ? ended(std::move(view.result), Verdict::not_implemented, *view.unimplemented)
                                    : unasked(std::move(view.result)));
}

/// Two views judge alike from here on: one case template, editions of one judging class, and the
/// endpoint found unimplemented in both or in neither (for the same reason). The earlier leads.
bool judges_alike(const View& earlier, const View& later, const RunState& state) {
    return !earlier.leader && earlier.selected->instance.source == later.selected->instance.source &&
           state.judging_class[earlier.edition] == state.judging_class[later.edition] && earlier.unimplemented == later.unimplemented;
}

/// The editions' views of `unit`, each knowing whether its endpoint was found unimplemented there,
/// and which earlier view judges for it.
std::vector<View> views_of(const Unit& unit, RunState& state) {
    std::vector<View> views;
    for (auto e : unit.editions) {
        const auto& selected = state.editions[e].cases[unit.case_index];
        views.push_back({e, &selected, start_result(selected, state, e),
                         state.unimplemented(e, std::string(selected.instance.endpoint->key)), std::nullopt});
        auto& view = views.back();
        for (std::size_t earlier = 0; earlier + 1 < views.size() && !view.leader; ++earlier)
            if (judges_alike(views[earlier], view, state)) view.leader = earlier;
    }
    return views;
}

UnitRun begin(const Unit& unit, std::vector<View> views, Address address, RunState& state) {
    auto& env = state.env;
    UnitRun run;
    run.unit = &unit;
    run.label = state.label(unit);
    run.views = std::move(views);
    const auto& instance = run.instance();
    run.secrets = detail::Secrets(env.redact);
    const auto generated = env.fixtures.for_unit(unit.id, instance.id, unit.ordinal);
    run.values = {std::move(address), generated.client_secret, generated.next_link, generated.send_attempt, generated.entropy};
    run.validation = env.profile.validation_for(instance.endpoint->medium);
    CaseIdentity identity{run.label, run.values.address, {run.values.client_secret}, run.values.next_link, {}};
    if (auto shared = shared_address_name(instance); !shared.empty()) identity.shared_fixture = "the profile's " + shared + " address";
    const auto context = request_context(state.edition(unit.editions.front()), unit.homeserver, state.basis);
    for (const auto& step : instance.source->steps) {
        run.requests.push_back(build_request(*instance.endpoint, step.request, run.values, context));
        auto body = json::parse(run.requests.back().body, nullptr, false);
        if (body.is_object() && body.contains("client_secret") && body["client_secret"].is_string())
            identity.client_secrets.push_back(body["client_secret"].get<std::string>());
    }
    for (const auto& secret : identity.client_secrets) run.secrets.keep(secret);
    run.first_body = json::parse(run.requests.front().body, nullptr, false);
    if (trace::on(trace::Level::debug))
        trace::write(trace::Level::debug, std::string(state.several_editions() ? "unit " + state.editions_text(unit.editions) + ": " : "case: ") +
                                              "address " + run.values.address.describe() + ", next_link " + run.values.next_link +
                                              ", client_secret " + trace::mask(run.values.client_secret, run.secrets.all()));
    state.side.watch(unit.id, std::move(identity));
    return run;
}

/// The unit about to be sent, or nothing when it is not (every edition's result is then put):
/// its endpoint unimplemented in each of its editions, the server no longer answering, its medium
/// still rate limited.
std::optional<UnitRun> start_unit(const Unit& unit, RunState& state, Rows& rows) {
    auto views = views_of(unit, state);
    const auto& instance = views.front().selected->instance;
    const auto case_index = unit.case_index;
    if (std::all_of(views.begin(), views.end(), [](const View& view) { return view.unimplemented.has_value(); })) {
        put_unsent(views, case_index, rows, {});
        return std::nullopt;
    }
    if (state.timeouts_in_a_row.load() >= timeouts_before_stopping) {
        put_unsent(views, case_index, rows, [](reports::CaseResult result) {
            return ended(std::move(result), Verdict::error,
                         "not run: the homeserver stopped answering (" + std::to_string(timeouts_before_stopping) +
                             " cases in a row timed out)");
        });
        return std::nullopt;
    }
    const bool delivers = std::any_of(views.begin(), views.end(), [](const View& view) { return may_deliver_token(*view.selected->instance.source); });
    if (delivers)
        if (auto limited = state.rate_limited(unit.homeserver, instance.endpoint->medium)) {
            put_unsent(views, case_index, rows, [&](reports::CaseResult result) { return never_sent(std::move(result), *limited); });
            return std::nullopt;
        }
    auto address = address_for(instance, state.env, unit.id);
    if (!address) {
        const auto why = suite::profile_skip_reason(instance, state.env.profile).value_or("no address for this case");
        put_unsent(views, case_index, rows, [&](reports::CaseResult result) { return ended(std::move(result), Verdict::skip, why); });
        return std::nullopt;
    }
    return begin(unit, std::move(views), std::move(*address), state);
}

/// A 429 beyond --max-wait: the server may limit its rate, so the unit is not run (its exchanges kept
/// as the evidence), and its medium's token units are not sent until the wait it asked for is over.
void note_rate_limit(const Answer& answer, UnitRun& run, RunState& state) {
    const auto medium = run.instance().endpoint->medium;
    const std::string requests = std::string(spec::medium_name(medium)) + " requests";
    const auto budget = seconds_text(state.asker.max_wait());
    std::string why;
    // A server that kept refusing after every wait it asked for gives no end to wait for.
    if (answer.retried_out) {
        why = "rate limited: the homeserver still answered " + requests + " 429 after every wait it asked for, within --max-wait " +
              budget + ", when " + run.label + " was sent";
        state.limit(run.unit->homeserver, medium, std::nullopt, why);
    } else {
        why = "rate limited: the homeserver asked " + requests + " to wait " + seconds_text(answer.asked_to_wait) +
              ", beyond --max-wait " + budget + ", when " + run.label + " was sent";
        state.limit(run.unit->homeserver, medium, answer.asked_to_wait, why);
    }
    run.trouble = Trouble{Verdict::skip, true, "not run: " + why};
}

void note_trouble(const Answer& answer, UnitRun& run, RunState& state) {
    if (answer.trouble == Answer::Trouble::rate_limited) return note_rate_limit(answer, run, state);
    run.trouble = Trouble{Verdict::error, false, answer.error};
    if (answer.trouble == Answer::Trouble::timeout) ++state.timeouts_in_a_row;
}

/// A view whose leader judges for it takes the leader's checks so far, and learns with it that the
/// endpoint looks unimplemented.
void follow(View& view, const View& leader, RunState& state) {
    view.result.checks = leader.result.checks;
    if (leader.unimplemented && !view.unimplemented) {
        view.unimplemented = leader.unimplemented;
        state.mark_unimplemented(view.edition, view.result.endpoint, *leader.unimplemented);
    }
}

/// Judges one answer in every edition still judging the unit; false when none is left (each found
/// the endpoint unimplemented).
bool judge_step(std::size_t step, const ReadResponse& answer, UnitRun& run, RunState& state) {
    bool judging = false;
    for (auto& view : run.views) {
        if (view.unimplemented) continue;
        if (view.leader) {
            follow(view, run.views[*view.leader], state);
            judging = judging || !view.unimplemented;
            continue;
        }
        const auto& expected = view.selected->instance.source->steps[step];
        append_checks(view.result.checks, judge_answer(expected, answer, judging_for(view.selected->instance, state.env, state.edition(view.edition))));
        if (auto reason = unimplemented_reason(expected, answer)) {
            view.unimplemented = reason;
            state.mark_unimplemented(view.edition, view.result.endpoint, *reason);
            continue;
        }
        judging = true;
    }
    return judging;
}

/// Judges every 429 among the exchanges from `from` on (the asker waited them out), in every edition
/// still judging the unit.
void judge_rate_limits(UnitRun& run, std::size_t from, RunState& state) {
    for (auto& view : run.views) {
        if (view.unimplemented) continue;
        if (view.leader) {
            follow(view, run.views[*view.leader], state);
            continue;
        }
        const auto& edition = state.edition(view.edition);
        const auto judging = judging_for(view.selected->instance, state.env, edition);
        for (std::size_t i = from; i < run.exchanges.size(); ++i)
            if (run.exchanges[i].status == 429) add_own_check(view.result.checks, detail::check_rate_limit(run.exchanges[i], edition), judging);
    }
}

/// Sends every step and judges each answer; stops at the first that cannot be judged.
void send_steps(UnitRun& run, RunState& state) {
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        const auto asked_before = run.exchanges.size();
        auto answer = state.asker.ask(run.unit->homeserver, run.requests[i], run.secrets, run.exchanges, true);
        run.last_request = SteadyClock::now();
        judge_rate_limits(run, asked_before, state);
        if (!answer.response) {
            note_trouble(answer, run, state);
            return;
        }
        const auto& response = *answer.response;
        const ReadResponse read(response);  // read once for every check in every edition
        run.server_error = run.server_error || response.status >= 500;
        const auto sid = detail::sid_of(read);
        if (sid) state.side.learn_sid(run.unit->id, *sid);
        if (!run.first_answer) {
            run.first_answer = response;
            run.first_sid = sid;
        }
        if (!judge_step(i, read, run, state)) break;
    }
    state.timeouts_in_a_row = 0;
}

/// Completes the validation once for the unit when one of its editions asks (its editions share the
/// follow-up rules, engine/units.hpp); its checks, before each edition attaches its sentences, or the
/// trouble that made the unit an error.
std::vector<reports::CheckResult> follow_up(UnitRun& run, const Observation& seen, RunState& state) {
    const bool asked = std::any_of(run.views.begin(), run.views.end(), [](const View& view) {
        return !view.unimplemented && view.selected->instance.source->side_channel.follow_link;
    });
    if (!asked || run.trouble) return {};
    auto follow = complete_validation(run.validation, follow_up_rules(state.edition(run.unit->editions.front())), seen, run.first_answer,
                                      run.first_sid, run.values, state.asker, run.secrets, run.exchanges);
    if (!follow.error.empty()) run.trouble = Trouble{Verdict::error, false, follow.error};
    return std::move(follow.checks);
}

/// One edition's verdict on the unit, from its answer checks, the follow-up and the side channel.
reports::CaseResult judge_view(View& view, const UnitRun& run, const Observation& seen, const std::vector<reports::CheckResult>& follow,
                               RunState& state, std::vector<Judged>& judged) {
    auto result = std::move(view.result);
    if (run.trouble) {
        result.verdict = run.trouble->verdict;
        result.not_run = run.trouble->not_run;
        result.message = run.trouble->message;
    }
    if (run.trouble || view.unimplemented) {
        result.side_channel = describe(seen, run.values.address, run.secrets);
        if (!run.trouble) {
            result.verdict = Verdict::not_implemented;
            result.message = *view.unimplemented;
        }
        return result;
    }
    const auto judging = judging_for(view.selected->instance, state.env, state.edition(view.edition));
    if (view.selected->instance.source->side_channel.follow_link)
        for (const auto& check : follow) add_own_check(result.checks, check, judging);
    const bool served = run.first_answer && run.first_answer->status >= 200 && run.first_answer->status < 300;
    Judged kept{view.edition, view.selected, judging, run.first_body, run.first_sid, run.secrets, run.values.address, result.checks.size(),
                run.server_error, served};
    judge_observation(kept, seen, result);
    kept.verdict = result.verdict;
    judged.push_back(std::move(kept));
    return result;
}

/// The verdict of a view whose leader judged for it: the leader's, with everything that led to it,
/// under this view's edition (its citations its own). It is kept to be judged again in its own
/// edition when something arrives late, as its leader is.
reports::CaseResult judged_by_leader(View& view, const View& leader, const reports::CaseResult& led, RunState& state,
                                     std::vector<Judged>& judged) {
    auto result = std::move(view.result);
    result.level = led.level;
    result.verdict = led.verdict;
    result.message = led.message;
    result.checks = led.checks;
    result.side_channel = led.side_channel;
    result.not_run = led.not_run;
    auto kept = std::find_if(judged.begin(), judged.end(), [&](const Judged& one) { return one.edition == leader.edition; });
    if (kept != judged.end()) {
        Judged own{view.edition, view.selected, judging_for(view.selected->instance, state.env, state.edition(view.edition)),
                   kept->first_body, kept->first_sid, kept->secrets, kept->address, kept->answer_checks, kept->server_error,
                   kept->served, kept->verdict};
        judged.push_back(std::move(own));
    }
    return result;
}

/// Judges, in each of the unit's editions, what the side channel saw for it, completing its
/// validation when asked; puts the verdicts. The unit's observation is closed.
void finish(UnitRun run, RunState& state, Rows& rows) {
    auto seen = state.side.observe(run.unit->id);
    keep_tokens(seen, run.secrets);
    const auto follow = follow_up(run, seen, state);
    const auto curl = detail::curl_line(run.unit->homeserver, run.requests.front(), run.secrets.all(), run.secrets.redacting());
    const auto finished = run.exchanges.empty() ? reports::Clock::now() : run.exchanges.back().finished;
    const auto exchanges = run.exchanges.size();
    std::vector<Judged> judged;
    std::vector<std::pair<std::size_t, reports::CaseResult>> results;
    for (auto& view : run.views) {
        auto result = view.leader ? judged_by_leader(view, run.views[*view.leader], results[*view.leader].second, state, judged)
                                  : judge_view(view, run, seen, follow, state, judged);
        if (!view.leader) ++state.distinct_judgements;
        const bool last = &view == &run.views.back();
        result.exchanges = last ? std::move(run.exchanges) : run.exchanges;
        result.curl = curl;
        result.finished = finished;
        if (trace::on(trace::Level::info))
            trace::write(trace::Level::info, "verdict" + (state.several_editions() ? " in " + state.edition(view.edition).name() : std::string()) +
                                                 ": " + std::string(reports::to_string(result.verdict)) +
                                                 (result.message.empty() ? "" : ": " + trace::mask(result.message, run.secrets.all())));
        results.emplace_back(view.edition, std::move(result));
    }
    state.keep(run.unit->id, std::move(judged));
    state.side.close(run.unit->id);
    if (exchanges > 0) ++state.units_sent;
    state.exchanges_sent += exchanges;
    state.judgements += results.size();
    for (auto& [edition, result] : results) rows.put(run.unit->case_index, edition, std::move(result));
}

/// Waits until `deadline`, or until the run is stopped.
void wait_until(SteadyClock::time_point deadline, const Environment& env) {
    while (SteadyClock::now() < deadline && !(env.stop && env.stop->load()))
        std::this_thread::sleep_for(std::min<SteadyClock::duration>(stop_check_every, deadline - SteadyClock::now()));
}

/// Cases that share a profile address in some edition run one after another in a lane; lanes run
/// side by side. Lanes are in the order of their first case, each case in order.
std::vector<std::vector<std::size_t>> lanes_of(const RunState& state) {
    const auto cases = state.case_count();
    std::vector<std::size_t> parent(cases);
    for (std::size_t i = 0; i < cases; ++i) parent[i] = i;
    const auto root = [&](std::size_t i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    };
    std::map<std::string, std::size_t> first_user;
    for (std::size_t i = 0; i < cases; ++i)
        for (const auto& edition : state.editions) {
            const auto shared = shared_address_name(edition.cases[i].instance);
            if (shared.empty()) continue;
            auto [user, added] = first_user.emplace(shared, i);
            if (!added) parent[root(i)] = root(user->second);
        }
    std::vector<std::vector<std::size_t>> lanes;
    std::map<std::size_t, std::size_t> lane_of_root;
    for (std::size_t i = 0; i < cases; ++i) {
        auto [lane, added] = lane_of_root.emplace(root(i), lanes.size());
        if (added) lanes.emplace_back();
        lanes[lane->second].push_back(i);
    }
    for (auto& lane : lanes) std::sort(lane.begin(), lane.end());
    return lanes;
}

/// Closes the observations a job kept open, together, one grace after its last request.
void settle(std::vector<UnitRun>& open, SteadyClock::time_point last_request, RunState& state, Rows& rows) {
    const auto& env = state.env;
    if (open.empty()) return;
    const auto waited_from = SteadyClock::now();
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "settle: " + std::to_string(open.size()) + " observations stay open until " +
                                             std::to_string(env.grace.count()) + " ms after this job's last request");
    wait_until(last_request + env.grace, env);
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "settle: the window closed after " +
                                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                SteadyClock::now() - waited_from).count()) +
                                             " ms; judging what arrived");
    for (auto& run : open) {
        trace::CaseScope scope(run.label);
        finish(std::move(run), state, rows);
    }
}

/// One job: runs lanes until none is left, then closes the observations it kept open.
void run_job(const std::vector<std::vector<std::size_t>>& lanes, std::atomic<std::size_t>& next_lane, RunState& state, Rows& rows) {
    auto& env = state.env;
    std::vector<UnitRun> open;
    SteadyClock::time_point last_request{};
    const bool defer = env.grace.count() > 0 && !env.settle_each_case;
    for (std::size_t lane = next_lane++; lane < lanes.size(); lane = next_lane++) {
        for (auto index : lanes[lane]) {
            if (env.stop && env.stop->load()) break;
            trace::CaseScope scope(state.case_id(index));
            if (env.on_case_start) env.on_case_start(index, state.case_count(), state.case_id(index));
            put_unasked_editions(index, state, rows);
            // A case's units close together: a later one may make the identity server act again on
            // the session an earlier one opened (the same literal client secret, a shared address).
            std::vector<UnitRun> of_case;
            for (auto unit_id : state.plan.of_case[index]) {
                auto run = start_unit(state.plan.units[unit_id], state, rows);
                if (!run) continue;
                send_steps(*run, state);
                last_request = std::max(last_request, run->last_request);
                (defer ? open : of_case).push_back(std::move(*run));
            }
            if (of_case.empty()) continue;
            wait_until(of_case.back().last_request + env.grace, env);
            for (auto& run : of_case) finish(std::move(run), state, rows);
        }
    }
    settle(open, last_request, state, rows);
}

/// An endpoint found unimplemented in an edition makes every case of it there NOIMP, with the same reason.
void apply_unimplemented(reports::CaseResult& result, std::size_t edition, RunState& state) {
    if (result.verdict != Verdict::pass && result.verdict != Verdict::warn && result.verdict != Verdict::fail) return;
    if (auto reason = state.unimplemented(edition, result.endpoint)) {
        result.verdict = Verdict::not_implemented;
        result.message = *reason;
    }
}

/// Judges again, in each of its editions, a unit something reached after its observation closed.
/// Returns the changes ("PASS to FAIL in v1.2"); an empty list when every verdict stayed.
std::vector<std::string> judge_again(std::vector<Judged>& judged, std::size_t unit, std::vector<std::vector<reports::CaseResult>>& results,
                                     RunState& state) {
    std::vector<std::string> changes;
    const auto case_index = state.plan.units[unit].case_index;
    for (auto& kept : judged) {
        auto& result = results[kept.edition][case_index];
        auto seen = state.side.observe(unit);
        keep_tokens(seen, kept.secrets);
        auto revised = result;
        revised.known_failure_reason.clear();
        revised.known_failure_entry.clear();
        judge_observation(kept, seen, revised);
        apply_unimplemented(revised, kept.edition, state);
        const auto before = kept.verdict;
        kept.verdict = revised.verdict;
        if (revised.verdict == before) {
            result.checks = std::move(revised.checks);
            result.side_channel = std::move(revised.side_channel);
            continue;
        }
        const std::string change = std::string(reports::to_string(before)) + " to " + reports::to_string(revised.verdict);
        if (trace::on(trace::Level::warn))
            trace::write(trace::Level::warn, "verdict revised from " + change + (revised.message.empty() ? "" : ": " + revised.message));
        changes.push_back(change + (state.several_editions() ? " in " + state.edition(kept.edition).name() : std::string()));
        result = std::move(revised);
    }
    return changes;
}

/// Judges again every unit something reached after its observation closed, so that the reports
/// hold its verdicts on everything that came for it. A case whose verdict changed is handed to
/// `on_row` again.
void judge_late_arrivals(std::vector<std::vector<reports::CaseResult>>& results, RunState& state, const RowListener& on_row) {
    const std::size_t judged_cases = results.empty() ? 0 : results.front().size();
    for (auto& late : state.side.late_arrivals()) {
        if (late.id >= state.plan.units.size()) continue;
        const auto& unit = state.plan.units[late.id];
        if (unit.case_index >= judged_cases) continue;
        const auto label = state.label(unit);
        trace::CaseScope scope(label);
        std::string what;
        for (const auto& arrival : late.arrivals) what += (what.empty() ? "" : "; ") + arrival;
        what += " came for " + label + " after its observation closed (timing.side_channel_grace_ms is shorter than the server takes)";
        auto* judged = state.judged(late.id);
        if (!judged || judged->empty()) {
            const auto& first = results[unit.editions.front()][unit.case_index];
            state.env.warnings.push_back(what + "; its verdict (" + reports::to_string(first.verdict) + ") does not rest on the side channel");
            continue;
        }
        const auto changes = judge_again(*judged, late.id, results, state);
        if (changes.empty()) {
            const auto stays = results[judged->front().edition][unit.case_index].verdict;
            state.env.warnings.push_back(what + "; judged again, its verdict stays " + reports::to_string(stays));
            continue;
        }
        std::string revised;
        for (const auto& change : changes) revised += (revised.empty() ? "" : ", ") + change;
        state.env.warnings.push_back(what + "; judged again, its verdict was revised from " + revised);
        if (!on_row) continue;
        std::vector<reports::CaseResult> row;
        for (auto& edition : results) row.push_back(edition[unit.case_index]);
        on_row(row);
        for (std::size_t e = 0; e < results.size(); ++e) results[e][unit.case_index] = std::move(row[e]);
    }
}

}  // namespace

std::vector<std::vector<reports::CaseResult>> run_editions(const std::vector<EditionCases>& editions, Environment& environment,
                                                           const RowListener& on_row) {
    RunState state(environment, editions);
    const auto lanes = lanes_of(state);
    const unsigned jobs = std::max(1u, std::min<unsigned>(environment.jobs, static_cast<unsigned>(lanes.size())));
    if (trace::on(trace::Level::info)) {
        std::vector<std::size_t> all(editions.size());
        for (std::size_t e = 0; e < all.size(); ++e) all[e] = e;
        const auto judged_as = state.several_editions() ? state.editions_text(all) + " (" + std::to_string(editions.size()) + " editions)"
                                                        : environment.edition.name();
        trace::write(trace::Level::info, "run: " + std::to_string(state.case_count()) + " cases in " + std::to_string(lanes.size()) +
                                             " lanes, " + std::to_string(jobs) + (jobs == 1 ? " job" : " jobs") + ", against " +
                                             environment.homeserver.origin() + " as " + judged_as + ", side-channel grace " +
                                             std::to_string(environment.grace.count()) + " ms");
    }
    Rows rows(state.case_count(), editions.size());
    std::atomic<std::size_t> next_lane{0};
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < jobs; ++i)
        workers.emplace_back([&] {
            run_job(lanes, next_lane, state, rows);
            rows.job_done();
        });

    std::vector<std::vector<reports::CaseResult>> results(editions.size());
    for (std::size_t index = 0; index < state.case_count(); ++index) {
        auto row = rows.take(index, jobs);
        if (!row) break;  // stopped before this case ran
        for (std::size_t e = 0; e < row->size(); ++e) apply_unimplemented((*row)[e], e, state);
        if (on_row) on_row(*row);
        for (std::size_t e = 0; e < row->size(); ++e) results[e].push_back(std::move((*row)[e]));
    }
    for (auto& worker : workers) worker.join();
    environment.rate_limited = state.asker.rate_limited();
    judge_late_arrivals(results, state, on_row);
    environment.units_sent = state.units_sent;
    environment.exchanges_sent = state.exchanges_sent;
    environment.judgements = state.judgements;
    environment.distinct_judgements = state.distinct_judgements;
    auto unattributed = state.side.unattributed();
    environment.unattributed.insert(environment.unattributed.end(), unattributed.begin(), unattributed.end());
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "run: done; " + std::to_string(state.units_sent.load()) + " units sent (" +
                                             std::to_string(state.exchanges_sent.load()) + " exchanges) for " +
                                             std::to_string(state.judgements.load()) + " results (" +
                                             std::to_string(state.distinct_judgements.load()) + " judged, the rest shared); " +
                                             std::to_string(unattributed.size()) + " side-channel arrivals credited to no case");
    return results;
}

std::vector<reports::CaseResult> run_cases(const std::vector<suite::SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case) {
    const std::vector<EditionCases> one{{environment.edition, cases, std::nullopt}};
    RowListener on_row;
    if (on_case) on_row = [&](std::vector<reports::CaseResult>& row) { on_case(row.front()); };
    auto results = run_editions(one, environment, on_row);
    return std::move(results.front());
}

}  // namespace mx3pid::engine
