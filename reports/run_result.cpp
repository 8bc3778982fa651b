#include "reports/run_result.hpp"

#include <algorithm>

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

Counts RunResult::counts() const {
    Counts counts;
    for (const auto& result : cases) counts.add(result);
    return counts;
}

std::string failed_checks_message(const std::vector<CheckResult>& checks) {
    std::string message, others;
    std::size_t more = 0;
    for (const auto& check : checks) {
        if (check.verdict == Verdict::pass) continue;
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

const Sentence* find_sentence(const RunResult& run, std::string_view id, std::string_view endpoint) {
    for (const auto& sentence : run.sentences)
        if (sentence.id == id && (sentence.endpoint.empty() || sentence.endpoint == endpoint)) return &sentence;
    return nullptr;
}

std::vector<BrokenSentence> broken_sentences(const RunResult& run) {
    std::vector<BrokenSentence> broken;
    for (const auto& sentence : run.sentences) {
        auto known = std::find_if(broken.begin(), broken.end(), [&](const BrokenSentence& b) { return b.sentence->id == sentence.id; });
        for (const auto& result : run.cases) {
            if (!sentence.endpoint.empty() && sentence.endpoint != result.endpoint) continue;
            bool shows = std::any_of(result.checks.begin(), result.checks.end(), [&](const CheckResult& check) {
                return check.verdict != Verdict::pass &&
                       std::find(check.sentences.begin(), check.sentences.end(), sentence.id) != check.sentences.end();
            });
            if (!shows) continue;
            if (known == broken.end()) {
                broken.push_back({&sentence, {}});
                known = broken.end() - 1;
            }
            if (std::find(known->cases.begin(), known->cases.end(), &result) == known->cases.end()) known->cases.push_back(&result);
        }
    }
    // Each sentence's cases in run order, whichever endpoint's entry found them.
    for (auto& entry : broken)
        std::sort(entry.cases.begin(), entry.cases.end(), [&](const CaseResult* a, const CaseResult* b) { return a < b; });
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
