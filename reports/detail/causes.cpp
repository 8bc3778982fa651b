#include "reports/detail/causes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "reports/detail/case_text.hpp"
#include "reports/detail/grouping.hpp"

namespace mx3pid::reports::detail {
namespace {

constexpr std::string_view not_run_prefix = "not run: ";

/// The words of sentence `id` in the edition `result` was judged in, on whichever endpoint.
const Sentence* any_placing(const RunResult& run, const std::string& id, const CaseResult& result) {
    const auto& sentences = run.sentences_of(result);
    auto found = std::find_if(sentences.begin(), sentences.end(), [&](const Sentence& s) { return s.id == id; });
    return found == sentences.end() ? nullptr : &*found;
}

std::string citation_url(const CaseResult& result) {
    for (const auto& ref : result.spec) {
        if (!ref.judged_url.empty()) return ref.judged_url;
        if (!ref.url.empty()) return ref.url;
    }
    return {};
}

/// Digits vary between cases that fail for one reason ("timed out after 1003 ms"); the key ignores them.
std::string without_numbers(const std::string& text) {
    std::string out;
    for (const char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (out.empty() || out.back() != '#') out += '#';
        } else {
            out += c;
        }
    }
    return out;
}

void add_edition(std::vector<std::size_t>& editions, std::size_t edition) {
    auto at = std::lower_bound(editions.begin(), editions.end(), edition);
    if (at == editions.end() || *at != edition) editions.insert(at, edition);
}

/// Collects causes by key, keeping first-seen order and each case ID once per cause.
class Collector {
public:
    /// `edition`: where `result` was judged, when the run has several editions.
    Cause& at(const std::string& key, Verdict verdict, const CaseResult& result, std::optional<std::size_t> edition) {
        auto [place, fresh] = index_.try_emplace(key, causes_.size());
        if (fresh) {
            causes_.push_back(Cause{});
            ids_.emplace_back();
            causes_.back().verdict = verdict;
            causes_.back().example = &result;
        }
        auto& cause = causes_[place->second];
        if (ids_[place->second].insert(result.id).second) cause.cases.push_back(&result);
        if (edition) add_edition(cause.editions, *edition);
        return cause;
    }
    std::vector<Cause> take() { return std::move(causes_); }

private:
    std::vector<Cause> causes_;
    std::vector<std::set<std::string>> ids_;  ///< per cause: the case IDs in it
    std::map<std::string, std::size_t> index_;
};

void add_check_causes(const RunResult& run, const CaseResult& result, std::optional<std::size_t> edition, Collector& causes) {
    for (const auto& check : result.checks) {
        if (check.verdict != Verdict::fail && check.verdict != Verdict::warn) continue;
        if (check.level == advice_level) continue;  // reported with its case, never a cause of a warning
        const Sentence* sentence = check.sentences.empty() ? nullptr : any_placing(run, check.sentences.front(), result);
        const std::string key = (check.verdict == Verdict::fail ? "fail\x1f" : "warn\x1f") +
                                (check.sentences.empty() ? check.name + '\x1f' + check.expected : check.sentences.front());
        auto& cause = causes.at(key, check.verdict, result, edition);
        if (!cause.title.empty()) continue;
        cause.level = !check.level.empty() ? check.level : (check.verdict == Verdict::fail ? "MUST" : "SHOULD");
        cause.example_text = check_summary(check);
        if (!check.sentences.empty()) cause.sentence = check.sentences.front();
        if (sentence && !sentence->says.empty()) cause.title = sentence->says;
        else if (!check.sentences.empty()) cause.title = check.sentences.front();
        else cause.title = check.name + ": expected " + check.expected;
        cause.url = sentence && !sentence->url.empty() ? sentence->url : citation_url(result);
    }
}

void add_case_cause(const CaseResult& result, std::optional<std::size_t> edition, Collector& causes) {
    std::string key, title;
    Verdict verdict = result.verdict;
    switch (result.verdict) {
        case Verdict::not_implemented:
            key = "noimp\x1f" + endpoint_of(result);
            title = endpoint_of(result) + " \u2014 " + headline(result);
            break;
        case Verdict::xpass:
            key = "xpass\x1f" + result.known_failure_entry;
            title = "known failures listed in " + result.known_failure_entry + " now pass";
            break;
        case Verdict::error:
            key = "error\x1f" + without_numbers(headline(result));
            title = headline(result);
            break;
        default:  // a FAIL or WARN that no check stands for
            key = std::string(to_string(verdict)) + "\x1f" + without_numbers(headline(result));
            title = headline(result);
            break;
    }
    auto& cause = causes.at(key, verdict, result, edition);
    if (!cause.title.empty()) return;
    cause.title = title;
    cause.example_text = headline(result);
    if (verdict != Verdict::error && verdict != Verdict::xpass) cause.url = citation_url(result);
    if (verdict == Verdict::fail || verdict == Verdict::warn) cause.level = verdict == Verdict::fail ? "MUST" : "SHOULD";
}

int severity(Verdict verdict) {
    switch (verdict) {
        case Verdict::fail: return 0;
        case Verdict::not_implemented: return 1;
        case Verdict::xpass: return 2;
        case Verdict::error: return 3;
        default: return 4;
    }
}

}  // namespace

std::string Cause::example_line() const {
    if (verdict == Verdict::not_implemented || !example) return {};
    return example_text == title ? example->id : example->id + ": " + example_text;
}

std::vector<Cause> causes_of(const RunResult& run) {
    Collector collector;
    for (const auto* each : run.all_cases()) {
        const auto& result = *each;
        if (result.not_run) continue;
        const auto edition = run.several_editions() ? std::optional(run.edition_index(result)) : std::nullopt;
        const auto verdict = result.verdict;
        if (verdict == Verdict::fail || verdict == Verdict::warn) {
            add_check_causes(run, result, edition, collector);
            const bool stands_for_it = std::any_of(result.checks.begin(), result.checks.end(), [&](const CheckResult& check) {
                return check.verdict == verdict;
            });
            if (!stands_for_it) add_case_cause(result, edition, collector);
        } else if (verdict == Verdict::not_implemented || verdict == Verdict::xpass || verdict == Verdict::error) {
            add_case_cause(result, edition, collector);
        }
    }
    auto causes = collector.take();
    std::stable_sort(causes.begin(), causes.end(), [](const Cause& a, const Cause& b) {
        if (severity(a.verdict) != severity(b.verdict)) return severity(a.verdict) < severity(b.verdict);
        return a.cases.size() > b.cases.size();
    });
    return causes;
}

bool is_failure(const Cause& cause) { return cause.verdict != Verdict::warn; }

std::string cases_compactly(const std::vector<const CaseResult*>& cases, const std::vector<CaseResult>& run_cases) {
    // kind -> the endpoints it failed on, in run order
    std::vector<std::pair<std::string, std::vector<std::string>>> kinds;
    for (const auto* result : cases) {
        const auto kind = kind_of(*result);
        auto found = std::find_if(kinds.begin(), kinds.end(), [&](const auto& entry) { return entry.first == kind; });
        if (found == kinds.end()) found = kinds.insert(kinds.end(), {kind, {}});
        const auto endpoint = endpoint_of(*result);
        if (std::find(found->second.begin(), found->second.end(), endpoint) == found->second.end())
            found->second.push_back(endpoint);
    }
    std::vector<std::string> run_endpoints;
    for (const auto& result : run_cases)
        if (auto endpoint = endpoint_of(result); std::find(run_endpoints.begin(), run_endpoints.end(), endpoint) == run_endpoints.end())
            run_endpoints.push_back(std::move(endpoint));
    // kinds that share one endpoint list are written together
    std::vector<std::pair<std::string, std::string>> lines;  // endpoints text -> kinds
    for (const auto& [kind, endpoints] : kinds) {
        std::size_t of_kind = 0;
        for (const auto& result : run_cases)
            if (kind_of(result) == kind) ++of_kind;
        std::string where;
        if (endpoints.size() >= 2 && endpoints.size() == of_kind) {
            where = endpoints.size() == run_endpoints.size() ? "every endpoint" : "every endpoint that has it";
        } else {
            for (const auto& endpoint : endpoints) where += (where.empty() ? "" : ", ") + endpoint;
        }
        auto same = std::find_if(lines.begin(), lines.end(), [&](const auto& line) { return line.first == where; });
        if (same == lines.end()) lines.push_back({where, kind});
        else same->second += ", " + kind;
    }
    std::string text;
    for (const auto& [where, kinds_text] : lines) text += (text.empty() ? "" : "; ") + kinds_text + " on " + where;
    return text;
}

std::vector<NotRunReason> not_run_by_reason(const RunResult& run) {
    std::vector<NotRunReason> reasons;
    std::vector<std::set<std::string>> ids;  // per reason: its case IDs
    for (const auto* each : run.all_cases()) {
        const auto& result = *each;
        if (!result.not_run) continue;
        std::string reason = result.message.starts_with(not_run_prefix) ? result.message.substr(not_run_prefix.size())
                                                                        : result.message;
        if (reason.empty()) reason = "not run";
        auto found = std::find_if(reasons.begin(), reasons.end(), [&](const NotRunReason& r) { return r.reason == reason; });
        if (found == reasons.end()) {
            found = reasons.insert(reasons.end(), {reason, {}, {}, {}});
            ids.emplace_back();
        }
        if (ids[static_cast<std::size_t>(found - reasons.begin())].insert(result.id).second) found->cases.push_back(&result);
        if (run.several_editions()) add_edition(found->editions, run.edition_index(result));
    }
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        for (const auto& group : group_by_endpoint(run.case_list())) {
            const bool whole = std::all_of(group.cases.begin(), group.cases.end(), [&](const CaseResult* result) { return ids[i].count(result->id) > 0; });
            if (whole) reasons[i].whole_endpoints.push_back(group.endpoint);
        }
    }
    return reasons;
}

std::string not_run_advice(const std::string& reason) {
    if (reason.starts_with("interrupted")) return "run again without interrupting it";
    if (reason.starts_with("rate limited") || reason.find("rate limit") != std::string::npos)
        return "raise --max-wait, or the homeserver's rate limits (mx3pid homeserver-config prints settings that lift them)";
    if (reason.starts_with("fixture")) return "check the profile's bound addresses and registration: settings";
    if (reason.find("fail-fast") != std::string::npos) return "run without --fail-fast to see every case";
    return {};
}

}  // namespace mx3pid::reports::detail
