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

/// A case between its first request and its verdict.
struct CaseRun {
    std::size_t index = 0;
    const suite::SelectedCase* selected = nullptr;
    reports::CaseResult result;
    CaseValues values;
    detail::Secrets secrets;
    spec::Validation validation = spec::Validation::proxy;
    std::vector<net::Request> requests;  ///< one per step, built before the first is sent
    json first_body;
    std::optional<net::Response> first_answer;
    std::optional<std::string> first_sid;
    bool server_error = false;           ///< some step was answered with a 5xx
    std::optional<std::string> unimplemented;  ///< why the endpoint looks unimplemented
    bool errored = false;                ///< the case could not be judged (an error, or not run); result.message says why
    SteadyClock::time_point last_request{};
};

/// What the cases of one run share, and what they learn about the server for each other.
class RunState {
public:
    explicit RunState(Environment& env)
        : env(env),
          asker(env.http, env.profile.max_rate_limit_wait, env.on_wait),
          side(env.identity, env.decoy, env.mailbox, env.redact, env.fixtures.next_link_prefix()),
          context{env.homeserver.path,
                  env.edition,
                  {env.id_server.empty() ? env.identity.authority() : env.id_server, env.identity.register_access_token()},
                  {env.decoy.authority(), env.decoy.register_access_token()}} {}

    Environment& env;
    Asker asker;
    SideChannel side;
    RequestContext context;
    std::atomic<int> timeouts_in_a_row{0};

    std::optional<std::string> unimplemented(const std::string& endpoint) {
        std::lock_guard lock(mutex_);
        auto found = unimplemented_.find(endpoint);
        return found == unimplemented_.end() ? std::nullopt : std::optional(found->second);
    }
    void mark_unimplemented(const std::string& endpoint, const std::string& reason) {
        std::lock_guard lock(mutex_);
        unimplemented_.emplace(endpoint, reason);
    }
    /// Why a token-delivering case of this medium is not asked now, while the server's wait lasts.
    std::optional<std::string> rate_limited(spec::Medium medium) {
        std::lock_guard lock(mutex_);
        auto found = limits_.find(medium);
        if (found == limits_.end() || SteadyClock::now() >= found->second.first) return std::nullopt;
        return found->second.second;
    }
    /// Token cases of `medium` are not sent for `wait`, or for the rest of the run when there is none.
    void limit(spec::Medium medium, std::optional<std::chrono::milliseconds> wait, const std::string& why) {
        std::lock_guard lock(mutex_);
        limits_[medium] = {wait ? SteadyClock::now() + *wait : SteadyClock::time_point::max(), why};
    }
    void keep(std::size_t index, Judged judged) {
        std::lock_guard lock(mutex_);
        judged_.erase(index);
        judged_.emplace(index, std::move(judged));
    }
    /// The case as judged, if its side channel was (not an error, not unimplemented). Call once the jobs are done.
    Judged* judged(std::size_t index) {
        std::lock_guard lock(mutex_);
        auto found = judged_.find(index);
        return found == judged_.end() ? nullptr : &found->second;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::string> unimplemented_;
    std::map<spec::Medium, std::pair<SteadyClock::time_point, std::string>> limits_;
    std::map<std::size_t, Judged> judged_;
};

}  // namespace

Judging judging_for(const suite::Case& instance, const Environment& environment) {
    return {environment.catalogue,
            {environment.edition, instance.endpoint, environment.profile.validation_for(instance.endpoint->medium)}};
}

reports::CaseResult start_result(const suite::SelectedCase& selected, const Environment& environment) {
    const suite::Case& instance = selected.instance;
    reports::CaseResult result;
    result.id = instance.id;
    result.endpoint = std::string(instance.endpoint->key);
    result.kind = instance.source->kind;
    result.title = instance.source->title;
    result.spec = suite::cite(instance, environment.catalogue, judging_for(instance, environment).where);
    result.started = reports::Clock::now();
    return result;
}

std::vector<reports::Sentence> cited_sentences(const std::vector<reports::CaseResult>& results, const suite::Catalogue& catalogue,
                                               const spec::Edition& edition) {
    // Catalogue order, then endpoint order for sentences each endpoint's own section says.
    std::set<std::pair<std::size_t, std::size_t>> wanted;
    auto index = [&](const std::string& id) { return static_cast<std::size_t>(catalogue.find(id) - catalogue.sentences().data()); };
    for (const auto& result : results) {
        const auto* endpoint = spec::find_endpoint_by_key(result.endpoint);
        if (!endpoint) continue;
        const auto endpoint_index = static_cast<std::size_t>(endpoint - spec::endpoints().data());
        for (const auto& check : result.checks)
            for (const auto* ids : {&check.sentences, &check.freedoms})
                for (const auto& id : *ids)
                    if (catalogue.find(id)) wanted.emplace(index(id), endpoint_index);
    }
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

/// The verdict of a case that is not sent at all, when it is not.
std::optional<reports::CaseResult> not_asked(const suite::SelectedCase& selected, RunState& state) {
    const auto& source = *selected.instance.source;
    auto result = start_result(selected, state.env);
    if (selected.skip_reason) return ended(result, Verdict::skip, *selected.skip_reason);
    if (selected.not_run_reason) return never_sent(result, *selected.not_run_reason);
    if (auto reason = state.unimplemented(result.endpoint)) return ended(result, Verdict::not_implemented, *reason);
    if (state.timeouts_in_a_row.load() >= timeouts_before_stopping)
        return ended(result, Verdict::error,
                     "not run: the homeserver stopped answering (" + std::to_string(timeouts_before_stopping) +
                         " cases in a row timed out)");
    if (may_deliver_token(source))
        if (auto limited = state.rate_limited(selected.instance.endpoint->medium)) return never_sent(result, *limited);
    return std::nullopt;
}

CaseRun begin(const suite::SelectedCase& selected, std::size_t index, Address address, RunState& state) {
    const suite::Case& instance = selected.instance;
    auto& env = state.env;
    CaseRun run;
    run.index = index;
    run.selected = &selected;
    run.result = start_result(selected, state.env);
    run.secrets = detail::Secrets(env.redact);
    const auto generated = env.fixtures.for_case(index, instance.id);
    run.values = {std::move(address), generated.client_secret, generated.next_link, generated.send_attempt};
    run.validation = env.profile.validation_for(instance.endpoint->medium);
    CaseIdentity identity{instance.id, run.values.address, {run.values.client_secret}, run.values.next_link, {}};
    if (auto shared = shared_address_name(instance); !shared.empty()) identity.shared_fixture = "the profile's " + shared + " address";
    for (const auto& step : instance.source->steps) {
        run.requests.push_back(build_request(*instance.endpoint, step.request, run.values, state.context));
        auto body = json::parse(run.requests.back().body, nullptr, false);
        if (body.is_object() && body.contains("client_secret") && body["client_secret"].is_string())
            identity.client_secrets.push_back(body["client_secret"].get<std::string>());
    }
    for (const auto& secret : identity.client_secrets) run.secrets.keep(secret);
    run.first_body = json::parse(run.requests.front().body, nullptr, false);
    if (trace::on(trace::Level::debug))
        trace::write(trace::Level::debug, "case: address " + run.values.address.describe() + ", next_link " + run.values.next_link +
                                              ", client_secret " + trace::mask(run.values.client_secret, run.secrets.all()));
    state.side.watch(index, std::move(identity));
    return run;
}

/// A 429 beyond --max-wait: the server may limit its rate, so the case is not run (its exchanges kept
/// as the evidence), and its medium's token cases are not sent until the wait it asked for is over.
void note_rate_limit(const Answer& answer, CaseRun& run, RunState& state) {
    const auto medium = run.selected->instance.endpoint->medium;
    const std::string requests = std::string(spec::medium_name(medium)) + " requests";
    const auto budget = seconds_text(state.asker.max_wait());
    std::string why;
    // A server that kept refusing after every wait it asked for gives no end to wait for.
    if (answer.retried_out) {
        why = "rate limited: the homeserver still answered " + requests + " 429 after every wait it asked for, within --max-wait " +
              budget + ", when " + run.result.id + " was sent";
        state.limit(medium, std::nullopt, why);
    } else {
        why = "rate limited: the homeserver asked " + requests + " to wait " + seconds_text(answer.asked_to_wait) +
              ", beyond --max-wait " + budget + ", when " + run.result.id + " was sent";
        state.limit(medium, answer.asked_to_wait, why);
    }
    run.result.not_run = true;
    run.result.verdict = Verdict::skip;
    run.result.message = "not run: " + why;
}

void note_trouble(const Answer& answer, CaseRun& run, RunState& state) {
    run.errored = true;
    if (answer.trouble == Answer::Trouble::rate_limited) return note_rate_limit(answer, run, state);
    run.result.verdict = Verdict::error;
    run.result.message = answer.error;
    if (answer.trouble == Answer::Trouble::timeout) ++state.timeouts_in_a_row;
}

/// Judges every 429 among the exchanges from `from` on (the asker waited them out).
void judge_rate_limits(CaseRun& run, std::size_t from, RunState& state) {
    const auto judging = judging_for(run.selected->instance, state.env);
    for (std::size_t i = from; i < run.result.exchanges.size(); ++i) {
        const auto& exchange = run.result.exchanges[i];
        if (exchange.status != 429) continue;
        add_own_check(run.result.checks, detail::check_rate_limit(exchange, state.env.edition), judging);
    }
}

/// Sends every step and judges each answer; stops at the first that cannot be judged.
void send_steps(CaseRun& run, RunState& state) {
    const auto& source = *run.selected->instance.source;
    for (std::size_t i = 0; i < source.steps.size(); ++i) {
        const auto& step = source.steps[i];
        const auto asked_before = run.result.exchanges.size();
        auto answer = state.asker.ask(state.env.homeserver, run.requests[i], run.secrets, run.result.exchanges, true);
        run.last_request = SteadyClock::now();
        judge_rate_limits(run, asked_before, state);
        if (!answer.response) {
            note_trouble(answer, run, state);
            return;
        }
        const auto& response = *answer.response;
        auto checks = judge_answer(step, response, judging_for(run.selected->instance, state.env));
        run.result.checks.insert(run.result.checks.end(), checks.begin(), checks.end());
        run.server_error = run.server_error || response.status >= 500;
        if (auto sid = detail::sid_of(response)) state.side.learn_sid(run.index, *sid);
        if (!run.first_answer) {
            run.first_answer = response;
            run.first_sid = detail::sid_of(response);
        }
        if (auto reason = unimplemented_reason(step, response)) {
            run.unimplemented = reason;
            state.mark_unimplemented(run.result.endpoint, *reason);
            break;
        }
    }
    state.timeouts_in_a_row = 0;
}

/// Judges what the side channel saw for the case, completes its validation when asked, and gives
/// the verdict. The case's observation is closed.
reports::CaseResult finish(CaseRun run, RunState& state) {
    const auto& source = *run.selected->instance.source;
    auto seen = state.side.observe(run.index);
    keep_tokens(seen, run.secrets);
    auto& result = run.result;
    const auto judging = judging_for(run.selected->instance, state.env);
    if (!run.errored && !run.unimplemented && source.side_channel.follow_link) {
        auto follow = complete_validation(run.validation, state.env.edition, seen, run.first_answer, run.first_sid, run.values,
                                          state.asker, run.secrets, result.exchanges);
        if (!follow.error.empty()) {
            run.errored = true;
            result.verdict = Verdict::error;
            result.message = follow.error;
        } else {
            for (auto& check : follow.checks) add_own_check(result.checks, std::move(check), judging);
        }
    }
    if (!run.errored && !run.unimplemented) {
        Judged judged{run.selected, judging, run.first_body, run.first_sid, run.secrets, run.values.address, result.checks,
                      run.server_error};
        judge_observation(judged, seen, result);
        judged.verdict = result.verdict;
        state.keep(run.index, std::move(judged));
    } else {
        result.side_channel = describe(seen, run.values.address, run.secrets);
    }
    if (run.unimplemented) {
        result.verdict = Verdict::not_implemented;
        result.message = *run.unimplemented;
    }
    state.side.close(run.index);
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "verdict: " + std::string(reports::to_string(result.verdict)) +
                                             (result.message.empty() ? "" : ": " + trace::mask(result.message, run.secrets.all())));
    result.curl = detail::curl_line(state.env.homeserver, run.requests.front(), run.secrets.all(), run.secrets.redacting());
    if (!result.exchanges.empty()) {
        result.finished = result.exchanges.back().finished;
    } else {
        result.finished = reports::Clock::now();
    }
    return std::move(result);
}

/// Waits until `deadline`, or until the run is stopped.
void wait_until(SteadyClock::time_point deadline, const Environment& env) {
    while (SteadyClock::now() < deadline && !(env.stop && env.stop->load()))
        std::this_thread::sleep_for(std::min<SteadyClock::duration>(stop_check_every, deadline - SteadyClock::now()));
}

/// Cases that share a profile address run one after another in a lane; lanes run side by side.
std::vector<std::vector<std::size_t>> lanes_of(const std::vector<suite::SelectedCase>& cases) {
    std::vector<std::vector<std::size_t>> lanes;
    std::map<std::string, std::size_t> lane_of_address;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto shared = shared_address_name(cases[i].instance);
        auto [lane, added] = lane_of_address.emplace(shared.empty() ? "#" + std::to_string(i) : shared, lanes.size());
        if (added) lanes.emplace_back();
        lanes[lane->second].push_back(i);
    }
    return lanes;
}

/// The results, in order, as each becomes known, whichever job produced it.
class Slots {
public:
    explicit Slots(std::size_t size) : slots_(size) {}
    void put(std::size_t index, reports::CaseResult result) {
        std::lock_guard lock(mutex_);
        slots_[index] = std::move(result);
        changed_.notify_all();
    }
    void job_done() {
        std::lock_guard lock(mutex_);
        ++jobs_done_;
        changed_.notify_all();
    }
    /// The result at `index`, or nothing once every job is done without it.
    std::optional<reports::CaseResult> take(std::size_t index, std::size_t jobs) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return slots_[index].has_value() || jobs_done_ == jobs; });
        auto result = std::move(slots_[index]);
        slots_[index].reset();
        return result;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::optional<reports::CaseResult>> slots_;
    std::size_t jobs_done_ = 0;
};

/// Closes the observations a job kept open, together, one grace after its last request.
void settle(std::vector<CaseRun>& open, SteadyClock::time_point last_request, RunState& state, Slots& slots) {
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
        trace::CaseScope scope(run.selected->instance.id);
        auto index = run.index;
        slots.put(index, finish(std::move(run), state));
    }
}

/// One job: runs lanes until none is left, then closes the observations it kept open.
void run_job(const std::vector<suite::SelectedCase>& cases, const std::vector<std::vector<std::size_t>>& lanes,
             std::atomic<std::size_t>& next_lane, RunState& state, Slots& slots) {
    auto& env = state.env;
    std::vector<CaseRun> open;
    SteadyClock::time_point last_request{};
    const bool defer = env.grace.count() > 0 && !env.settle_each_case;
    for (std::size_t lane = next_lane++; lane < lanes.size(); lane = next_lane++) {
        for (auto index : lanes[lane]) {
            if (env.stop && env.stop->load()) break;
            const auto& selected = cases[index];
            trace::CaseScope scope(selected.instance.id);
            if (env.on_case_start) env.on_case_start(index, cases.size(), selected.instance.id);
            if (auto result = not_asked(selected, state)) {
                slots.put(index, std::move(*result));
                continue;
            }
            auto address = address_for(selected.instance, env, index);
            if (!address) {
                slots.put(index, ended(start_result(selected, state.env), Verdict::skip,
                                       suite::profile_skip_reason(selected.instance, env.profile).value_or("no address for this case")));
                continue;
            }
            auto run = begin(selected, index, std::move(*address), state);
            send_steps(run, state);
            last_request = std::max(last_request, run.last_request);
            if (defer) {
                open.push_back(std::move(run));
                continue;
            }
            wait_until(run.last_request + env.grace, env);
            slots.put(index, finish(std::move(run), state));
        }
    }
    settle(open, last_request, state, slots);
}

/// An endpoint found unimplemented makes every case of it NOIMP, with the same reason.
void apply_unimplemented(reports::CaseResult& result, RunState& state) {
    if (result.verdict != Verdict::pass && result.verdict != Verdict::warn && result.verdict != Verdict::fail) return;
    if (auto reason = state.unimplemented(result.endpoint)) {
        result.verdict = Verdict::not_implemented;
        result.message = *reason;
    }
}

/// Judges again every case something reached after its observation closed, so that the reports
/// hold its verdict on everything that came for it. A changed verdict is handed to `on_case` again.
void judge_late_arrivals(std::vector<reports::CaseResult>& results, RunState& state, const CaseListener& on_case) {
    for (auto& late : state.side.late_arrivals()) {
        if (late.id >= results.size()) continue;
        auto& result = results[late.id];
        trace::CaseScope scope(result.id);
        std::string what;
        for (const auto& arrival : late.arrivals) what += (what.empty() ? "" : "; ") + arrival;
        what += " came for " + result.id + " after its observation closed (timing.side_channel_grace_ms is shorter than the server takes)";
        auto* judged = state.judged(late.id);
        if (!judged) {
            state.env.warnings.push_back(what + "; its verdict (" + reports::to_string(result.verdict) + ") does not rest on the side channel");
            continue;
        }
        auto seen = state.side.observe(late.id);
        keep_tokens(seen, judged->secrets);
        auto revised = result;
        revised.known_failure_reason.clear();
        revised.known_failure_entry.clear();
        judge_observation(*judged, seen, revised);
        apply_unimplemented(revised, state);
        const auto before = judged->verdict;
        judged->verdict = revised.verdict;
        if (revised.verdict == before) {
            result.checks = std::move(revised.checks);
            result.side_channel = std::move(revised.side_channel);
            state.env.warnings.push_back(what + "; judged again, its verdict stays " + reports::to_string(before));
            continue;
        }
        const std::string change = std::string(reports::to_string(before)) + " to " + reports::to_string(revised.verdict);
        if (trace::on(trace::Level::warn))
            trace::write(trace::Level::warn, "verdict revised from " + change + (revised.message.empty() ? "" : ": " + revised.message));
        state.env.warnings.push_back(what + "; judged again, its verdict was revised from " + change);
        result = std::move(revised);
        if (on_case) on_case(result);
    }
}

}  // namespace

std::vector<reports::CaseResult> run_cases(const std::vector<suite::SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case) {
    RunState state(environment);
    const auto lanes = lanes_of(cases);
    const unsigned jobs = std::max(1u, std::min<unsigned>(environment.jobs, static_cast<unsigned>(lanes.size())));
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "run: " + std::to_string(cases.size()) + " cases in " + std::to_string(lanes.size()) +
                                             " lanes, " + std::to_string(jobs) + (jobs == 1 ? " job" : " jobs") + ", against " +
                                             environment.homeserver.origin() + " as " + environment.edition.name() +
                                             ", side-channel grace " + std::to_string(environment.grace.count()) + " ms");
    Slots slots(cases.size());
    std::atomic<std::size_t> next_lane{0};
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < jobs; ++i)
        workers.emplace_back([&] {
            run_job(cases, lanes, next_lane, state, slots);
            slots.job_done();
        });

    std::vector<reports::CaseResult> results;
    results.reserve(cases.size());
    for (std::size_t index = 0; index < cases.size(); ++index) {
        auto result = slots.take(index, jobs);
        if (!result) break;  // stopped before this case ran
        apply_unimplemented(*result, state);
        if (on_case) on_case(*result);
        results.push_back(std::move(*result));
    }
    for (auto& worker : workers) worker.join();
    environment.rate_limited = state.asker.rate_limited();
    judge_late_arrivals(results, state, on_case);
    auto unattributed = state.side.unattributed();
    environment.unattributed.insert(environment.unattributed.end(), unattributed.begin(), unattributed.end());
    if (trace::on(trace::Level::info))
        trace::write(trace::Level::info, "run: done; " + std::to_string(unattributed.size()) + " side-channel arrivals credited to no case");
    return results;
}

}  // namespace mx3pid::engine
