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


std::string failed_checks_message(const std::vector<CheckResult>& checks) {
    std::string message, others;
    std::size_t more = 0;
    for (const auto& check : checks) {
        if (check.verdict == Verdict::pass) continue;
        if (message.empty()) {
            message = check.name + ": expected " + check.expected + ", got " + check.actual;
            continue;
        }
        others += (more++ ? ", " : "") + check.name;
    }
    if (more) message += " (and " + std::to_string(more) + " more: " + others + ")";
    return message;
}

std::string describe(const UnattributedArrival& arrival) {
    return "side channel: " + arrival.what + " (carrying " + arrival.carried + ") was credited to no case: " + arrival.reason;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
    if (to < from) return 0.0;
    return std::chrono::duration<double>(to - from).count();
}

}  // namespace mx3pid::reports
