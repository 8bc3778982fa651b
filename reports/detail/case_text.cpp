#include "reports/detail/case_text.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"

namespace mx3pid::reports::detail {
namespace {

constexpr std::string_view dash = " \xE2\x80\x94 ";  // " — "

void append_prefixed_lines(std::string& out, std::string_view prefix, std::string_view text) {
    while (true) {
        const auto newline = text.find('\n');
        auto line = text.substr(0, newline);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.append(prefix);
        if (!line.empty()) out += ' ';
        out.append(line);
        out += '\n';
        if (newline == std::string_view::npos) return;
        text.remove_prefix(newline + 1);
    }
}

void append_message(std::string& out, const std::vector<std::pair<std::string, std::string>>& headers, std::string_view prefix,
                    const std::string& body) {
    for (const auto& [name, value] : headers)
        append_prefixed_lines(out, prefix, cap_bytes(name + ": " + value, body_limit));
    if (body.empty()) return;
    append_prefixed_lines(out, prefix, "");
    auto capped = cap_bytes(body, body_limit);
    // A body's final line break ends its last line; it does not start an empty one.
    if (capped.ends_with('\n')) capped.pop_back();
    if (capped.ends_with('\r')) capped.pop_back();
    append_prefixed_lines(out, prefix, capped);
}

}  // namespace

std::string spec_text(const SpecRef& ref) {
    std::string text = ref.edition;
    if (!ref.edition.empty() && !ref.section.empty()) text += dash;
    text += ref.section;
    if (!ref.says.empty()) text += ": " + ref.says;
    if (!ref.url.empty()) text += " <" + ref.url + ">";
    if (!ref.judged_edition.empty())
        text += " (in " + ref.judged_edition + (ref.judged_url.empty() ? "" : " <" + ref.judged_url + ">") + ")";
    return text;
}

std::vector<const SpecRef*> distinct_places(const CaseResult& result) {
    std::vector<const SpecRef*> places;
    for (const auto& ref : result.spec) {
        const bool seen = std::any_of(places.begin(), places.end(), [&](const SpecRef* place) {
            return place->url == ref.url && place->judged_url == ref.judged_url && place->section == ref.section;
        });
        if (!seen) places.push_back(&ref);
    }
    return places;
}

std::string spec_line(const CaseResult& result) {
    std::string line;
    for (const auto& ref : result.spec) line += (line.empty() ? "" : "; ") + spec_text(ref);
    return line;
}

std::string check_summary(const CheckResult& check) {
    return check.name + ": expected " + check.expected + ", got " + check.actual;
}

std::string sentence_text(const Sentence& sentence) {
    std::string text = sentence.id + " (" + sentence.level + "): " + sentence.says;
    if (!sentence.url.empty()) text += " <" + sentence.url + ">";
    return text;
}

std::vector<std::string> broken_lines(const CheckResult& check, const CaseResult& result, const RunResult& run) {
    std::vector<std::string> lines;
    if (check.verdict == Verdict::pass) return lines;
    for (const auto& id : check.sentences) {
        const auto* sentence = find_sentence(run, id, result);
        lines.push_back(sentence ? sentence_text(*sentence) : id);
    }
    return lines;
}

std::string headline(const CaseResult& result) {
    const auto entry = result.known_failure_entry.empty() ? std::string() : " (" + result.known_failure_entry + ")";
    switch (result.verdict) {
        case Verdict::xfail:
            return result.known_failure_reason.empty() ? "known failure" + entry
                                                       : "known failure" + entry + ": " + result.known_failure_reason;
        case Verdict::xpass:
            return "listed as a known failure" + entry + " but passed: remove this entry" +
                   (result.known_failure_reason.empty() ? "" : " (" + result.known_failure_reason + ")");
        case Verdict::skip:
            return result.message.empty() ? "does not apply" : result.message;
        default:
            break;
    }
    if (!result.message.empty()) return result.message;
    if (auto failed = failed_checks_message(result.checks); !failed.empty()) return failed;
    return to_string(result.verdict);
}

std::string transcript(const HttpExchange& exchange) {
    std::string out;
    append_prefixed_lines(out, "  >", exchange.method + " " + exchange.url);
    append_message(out, exchange.request_headers, "  >", exchange.request_body);
    if (exchange.status) {
        append_prefixed_lines(out, "  <", "HTTP " + std::to_string(*exchange.status));
        append_message(out, exchange.response_headers, "  <", exchange.response_body);
    } else {
        append_prefixed_lines(out, "  !", exchange.transport_error.empty() ? "no response"
                                                                         : "no response: " + exchange.transport_error);
    }
    return out;
}

std::string count_summary(const Counts& counts, bool interrupted) {
    const auto number = [](std::size_t count, const char* one, const char* many) {
        return std::to_string(count) + ' ' + (count == 1 ? one : many);
    };
    std::string line = counts.not_run ? std::to_string(counts.ran()) + " of " + number(counts.total, "case", "cases")
                                      : number(counts.total, "case", "cases");
    line += ": " + std::to_string(counts.passed) + " passed, " + std::to_string(counts.warned) + " warned, " +
            std::to_string(counts.failed) + " failed, ";
    if (counts.not_implemented) line += std::to_string(counts.not_implemented) + " not implemented, ";
    line += number(counts.errors, "error", "errors") + ", " + std::to_string(counts.skipped) + " skipped";
    if (counts.xfailed) line += ", " + std::to_string(counts.xfailed) + " xfailed";
    if (counts.xpassed) line += ", " + std::to_string(counts.xpassed) + " xpassed";
    if (counts.not_run) line += ", " + std::to_string(counts.not_run) + " not run";
    if (interrupted) line += std::string(dash) + "interrupted";
    return line;
}

std::vector<std::string> run_notes(const RunResult& run) {
    std::vector<std::string> notes;
    if (!run.edition_note.empty()) notes.push_back(run.edition_note);
    notes.insert(notes.end(), run.warnings.begin(), run.warnings.end());
    for (const auto& arrival : run.unattributed) notes.push_back(describe(arrival));
    return notes;
}

std::string case_details(const CaseResult& result, const RunResult& run) {
    std::string out = result.id;
    if (!result.title.empty()) out += ": " + result.title;
    out += '\n';
    if (!result.level.empty()) out += "level: " + result.level + '\n';
    for (const auto& ref : result.spec) out += "spec: " + spec_text(ref) + '\n';
    out += "verdict: ";
    out += to_string(result.verdict);
    if (result.verdict != Verdict::pass) out += std::string(dash) + one_line(headline(result));
    out += '\n';

    if (!result.checks.empty()) {
        out += "checks:\n";
        for (const auto& check : result.checks) {
            out += "  " + check_summary(check) + " [" + to_string(check.verdict) + (check.level.empty() ? "" : ", " + check.level) + "]\n";
            for (const auto& line : broken_lines(check, result, run)) out += "    breaks " + line + '\n';
        }
    }
    if (!result.side_channel.empty()) {
        out += "side channel:\n";
        for (const auto& line : result.side_channel) out += "  " + line + '\n';
    }
    for (std::size_t i = 0; i < result.exchanges.size(); ++i) {
        const auto& exchange = result.exchanges[i];
        out += "exchange " + std::to_string(i + 1) + " of " + std::to_string(result.exchanges.size()) + ", " +
               decimal_seconds(seconds_between(exchange.started, exchange.finished)) + " s:\n";
        out += transcript(exchange);
    }
    if (!result.curl.empty()) out += "curl: " + cap_bytes(result.curl, curl_limit) + '\n';
    out += "started: " + iso8601_ms(result.started) + '\n';
    out += "finished: " + iso8601_ms(result.finished) + '\n';
    return out;
}

}  // namespace mx3pid::reports::detail
