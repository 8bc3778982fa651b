#include "reports/run_result.hpp"

#include <algorithm>
#include <optional>

namespace mx3pid::reports {

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass: return "pass";
        case Verdict::warn: return "warn";
        case Verdict::fail: return "fail";
        case Verdict::not_implemented: return "not-implemented";
        case Verdict::error: return "error";
        case Verdict::skip: return "skip";
        case Verdict::xfail: return "xfail";
        case Verdict::xpass: return "xpass";
    }
    return "error";
}

bool is_unexpected(Verdict verdict) {
    return verdict == Verdict::fail || verdict == Verdict::not_implemented || verdict == Verdict::error ||
           verdict == Verdict::xpass;
}

void Counts::add(const CaseResult& result) {
    ++total;
    if (result.not_run) {
        ++not_run;
        return;
    }
    switch (result.verdict) {
        case Verdict::pass: ++passed; break;
        case Verdict::warn: ++warned; break;
        case Verdict::fail: ++failed; break;
        case Verdict::not_implemented: ++not_implemented; break;
        case Verdict::error: ++errors; break;
        case Verdict::skip: ++skipped; break;
        case Verdict::xfail: ++xfailed; break;
        case Verdict::xpass: ++xpassed; break;
    }
}

Counts EditionResult::counts() const {
    Counts counts;
    for (const auto& result : cases) counts.add(result);
    return counts;
}

bool EditionResult::conforms() const {
    return std::none_of(cases.begin(), cases.end(), [](const CaseResult& result) { return result.not_run || is_unexpected(result.verdict); });
}

Counts RunResult::counts() const {
    Counts counts;
    for (const auto* result : all_cases()) counts.add(*result);
    return counts;
}

const std::vector<CaseResult>& RunResult::case_list() const { return editions.empty() ? cases : editions.front().cases; }

std::vector<const CaseResult*> RunResult::all_cases() const {
    std::vector<const CaseResult*> all;
    for (const auto& result : cases) all.push_back(&result);
    for (const auto& edition : editions)
        for (const auto& result : edition.cases) all.push_back(&result);
    return all;
}

std::size_t RunResult::edition_index(const CaseResult& result) const {
    for (std::size_t i = 0; i < editions.size(); ++i) {
        const auto& list = editions[i].cases;
        if (!list.empty() && &result >= list.data() && &result < list.data() + list.size()) return i;
    }
    return 0;
}

const std::string& RunResult::edition_of(const CaseResult& result) const {
    return editions.empty() ? edition : editions[edition_index(result)].edition;
}

const std::vector<Sentence>& RunResult::sentences_of(const CaseResult& result) const {
    return editions.empty() ? sentences : editions[edition_index(result)].sentences;
}

std::size_t RunResult::position_of(const CaseResult& result) const {
    const auto& list = editions.empty() ? cases : editions[edition_index(result)].cases;
    return static_cast<std::size_t>(&result - list.data());
}


std::string failed_checks_message(const std::vector<CheckResult>& checks) {
    std::string message, others;
    std::size_t more = 0;
    for (const auto& check : checks) {
        if (check.verdict == Verdict::pass || check.level == advice_level) continue;
        if (message.empty()) {
            message = check.name + ": expected " + check.expected + ", got " + check.actual;
            std::string ids;
            for (const auto& id : check.sentences) ids += (ids.empty() ? "" : ", ") + id;
            if (!ids.empty()) message += " [" + ids + "]";
            continue;
        }
        others += (more++ ? ", " : "") + check.name;
    }
    if (more) message += " (and " + std::to_string(more) + " more: " + others + ")";
    return message;
}

const Sentence* find_sentence(const RunResult& run, std::string_view id, const CaseResult& result) {
    for (const auto& sentence : run.sentences_of(result))
        if (sentence.id == id && (sentence.endpoint.empty() || sentence.endpoint == result.endpoint)) return &sentence;
    return nullptr;
}

namespace {

/// Adds to `broken` what the cases of one edition show of its sentences.
void add_broken(const std::vector<Sentence>& sentences, const std::vector<CaseResult>& cases, std::optional<std::size_t> edition,
                std::vector<BrokenSentence>& broken) {
    for (const auto& sentence : sentences) {
        auto known = std::find_if(broken.begin(), broken.end(), [&](const BrokenSentence& b) { return b.sentence->id == sentence.id; });
        for (const auto& result : cases) {
            if (!sentence.endpoint.empty() && sentence.endpoint != result.endpoint) continue;
            bool shows = std::any_of(result.checks.begin(), result.checks.end(), [&](const CheckResult& check) {
                return check.verdict != Verdict::pass &&
                       std::find(check.sentences.begin(), check.sentences.end(), sentence.id) != check.sentences.end();
            });
            if (!shows) continue;
            if (known == broken.end()) {
                broken.push_back({&sentence, {}, {}});
                known = broken.end() - 1;
            }
            const bool listed = std::any_of(known->cases.begin(), known->cases.end(), [&](const CaseResult* other) { return other->id == result.id; });
            if (!listed) known->cases.push_back(&result);
            if (edition && (known->editions.empty() || known->editions.back() != *edition)) known->editions.push_back(*edition);
        }
    }
}

}  // namespace

std::vector<BrokenSentence> broken_sentences(const RunResult& run) {
    std::vector<BrokenSentence> broken;
    if (!run.several_editions()) add_broken(run.sentences, run.cases, std::nullopt, broken);
    for (std::size_t e = 0; e < run.editions.size(); ++e) add_broken(run.editions[e].sentences, run.editions[e].cases, e, broken);
    // Each sentence's cases in run order, whichever endpoint's (or edition's) entry found them.
    for (auto& entry : broken)
        std::sort(entry.cases.begin(), entry.cases.end(),
                  [&](const CaseResult* a, const CaseResult* b) { return run.position_of(*a) < run.position_of(*b); });
    return broken;
}

std::string describe(const UnattributedArrival& arrival) {
    return "side channel: " + arrival.what + " (carrying " + arrival.carried + ") was credited to no case: " + arrival.reason;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
    if (to < from) return 0.0;
    return std::chrono::duration<double>(to - from).count();
}

}  // namespace mx3pid::reports
