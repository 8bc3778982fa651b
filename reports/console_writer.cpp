#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
#include "reports/detail/causes.hpp"
#include "reports/detail/editions.hpp"
#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

using detail::cut_at_word;
using detail::display_width;
using detail::one_line;

const char* tag(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass: return "PASS ";
        case Verdict::warn: return "WARN ";
        case Verdict::fail: return "FAIL ";
        case Verdict::not_implemented: return "NOIMP";
        case Verdict::error: return "ERROR";
        case Verdict::skip: return "SKIP ";
        case Verdict::xfail: return "XFAIL";
        case Verdict::xpass: return "XPASS";
    }
    return "?????";
}

const char* colour(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass: return "\x1b[32m";
        case Verdict::warn: return "\x1b[33m";
        case Verdict::fail: return "\x1b[31m";
        case Verdict::not_implemented: return "\x1b[31m";
        case Verdict::error: return "\x1b[1;31m";
        case Verdict::skip: return "\x1b[90m";
        case Verdict::xfail: return "\x1b[36m";
        case Verdict::xpass: return "\x1b[1;35m";
    }
    return "";
}

constexpr const char* reset = "\x1b[0m";

std::string painted(std::string_view text, const char* code, const ConsoleOptions& options) {
    if (!options.color) return std::string(text);
    return std::string(code) + std::string(text) + reset;
}

std::string verdict_tag(Verdict verdict, const ConsoleOptions& options) {
    return painted(tag(verdict), colour(verdict), options);
}

std::string padded(const std::string& text, std::size_t width) {
    const auto used = display_width(text);
    return used >= width ? text : text + std::string(width - used, ' ');
}

/// The column width an ID gets: its own when it fits, else cut with "…".
std::string id_cell(const std::string& id, std::size_t width) {
    return padded(display_width(id) > width ? cut_at_word(id, width) : id, width);
}

std::string indented(const std::string& text, std::string_view indent) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.append(indent).append(text, start, end - start).append("\n");
        start = end + 1;
    }
    return out;
}

void write_summary_entry(const CaseResult& result, const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    out << verdict_tag(result.verdict, options)
        << ' ' << one_line(result.id);
    if (run.several_editions()) out << " [" << one_line(run.edition_of(result)) << ']';
    if (!result.title.empty()) out << " \u2014 " << one_line(result.title);
    out << '\n';
    for (const auto& ref : result.spec) out << "      spec: " << one_line(detail::spec_text(ref), 1000) << '\n';
    bool checks_shown = false;
    for (const auto& check : result.checks) {
        if (check.verdict == Verdict::pass) continue;
        out << "      " << one_line(check.name) << ": expected " << one_line(check.expected) << ", got "
            << one_line(check.actual) << '\n';
        for (const auto& line : detail::broken_lines(check, result, run))
            out << "        breaks " << one_line(line, 1000) << '\n';
        checks_shown = true;
    }
    if (!checks_shown || result.verdict == Verdict::error || result.verdict == Verdict::xpass)
        out << "      " << one_line(detail::headline(result)) << '\n';
}

std::string case_count(std::size_t count) { return std::to_string(count) + (count == 1 ? " case" : " cases"); }

/// One cause group: what is broken, where to read the rule, one example, the cases, a command that reproduces it.
void write_cause(const detail::Cause& cause, const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    out << verdict_tag(cause.verdict, options) << ' ' << one_line(cause.title, 1000) << " (";
    if (!cause.level.empty()) out << cause.level << ", ";
    out << case_count(cause.cases.size()) << detail::in_editions(run, cause.editions) << ")\n";
    if (!cause.sentence.empty() || !cause.url.empty())
        out << "      rule: " << one_line(cause.sentence + (cause.sentence.empty() || cause.url.empty() ? "" : " ") + cause.url, 1000)
            << '\n';
    if (const auto example = cause.example_line(); !example.empty()) out << "      e.g. " << one_line(example, 1000) << '\n';
    if (cause.cases.size() > 1) out << "      cases: " << one_line(detail::cases_compactly(cause.cases, run.case_list()), 2000) << '\n';
    if (options.repro)
        if (const auto command = options.repro(*cause.example); !command.empty())
            out << "      reproduce: " << one_line(command, 2000) << '\n';
}

/// Every unexpected case and warning on its own, with its citations and every broken check (-v).
void write_case_details(const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    bool any = false;
    for (const bool unexpected : {true, false})
        for (const auto* each : run.all_cases()) {
            const auto& result = *each;
            if (!(unexpected ? is_unexpected(result.verdict) : result.verdict == Verdict::warn) || result.not_run) continue;
            if (!any) {
                if (options.github) out << "::group::mx3pid: every failure and warning in detail\n";
                out << "\nfailures and warnings, case by case:\n";
            }
            any = true;
            write_summary_entry(result, run, out, options);
        }
    if (any && options.github) out << "::endgroup::\n";
}

/// How many cases were not run and why, with what avoids it; an endpoint none of whose cases ran is named once.
void write_not_run(const RunResult& run, std::ostream& out) {
    for (const auto& reason : detail::not_run_by_reason(run)) {
        out << "\nnot run: " << case_count(reason.cases.size()) << detail::in_editions(run, reason.editions) << ", "
            << one_line(reason.reason, 1000);
        if (!reason.whole_endpoints.empty()) {
            std::string endpoints;
            for (const auto& endpoint : reason.whole_endpoints) endpoints += (endpoints.empty() ? "" : ", ") + endpoint;
            out << " (every case of " << one_line(endpoints) << ")";
        }
        out << '\n';
        if (const auto advice = detail::not_run_advice(reason.reason); !advice.empty()) out << "      to avoid it: " << advice << '\n';
    }
}

/// A case line: verdict, ID, time, and `message` (cut to the width) when it is not empty; with -v
/// every check, and the transcript of a failure or warning.
void write_case_line(const CaseResult& result, const std::string& message, std::ostream& out, const ConsoleOptions& options) {
    if (options.quiet && !is_unexpected(result.verdict) && result.verdict != Verdict::warn) return;
    std::string time = detail::decimal_seconds(seconds_between(result.started, result.finished)) + "s";
    if (time.size() < 8) time.insert(0, 8 - time.size(), ' ');
    const auto id = id_cell(one_line(result.id), options.id_width);
    out << verdict_tag(result.verdict, options) << ' ' << id << ' ' << time;
    if (!message.empty()) {
        const auto text = one_line(message);
        const auto used = 5 + 1 + display_width(id) + 1 + time.size() + 2;
        out << "  " << (options.width == 0 ? text : cut_at_word(text, options.width > used ? options.width - used : 0));
    }
    out << '\n';
    if (!options.verbose) return;
    for (const auto& check : result.checks)
        out << "      " << one_line(detail::check_summary(check)) << " [" << to_string(check.verdict) << "]\n";
    if (is_unexpected(result.verdict) || result.verdict == Verdict::warn)
        for (const auto& exchange : result.exchanges)
            out << indented(detail::visible_text(detail::transcript(exchange)), "    ");
}

/// "FAIL r0.4.0–r0.5.0 · PASS r0.6.0–v1.19": which editions say what of one case.
std::string spans_line(const std::vector<const CaseResult*>& row, const std::vector<std::string>& names) {
    std::string text;
    for (const auto& span : detail::verdict_spans(row)) {
        std::string word = span.not_run ? "NOT RUN" : tag(span.verdict);
        while (!word.empty() && word.back() == ' ') word.pop_back();
        text += (text.empty() ? "" : " \u00B7 ") + word + ' ' + detail::span_text(names, span.first, span.last);
    }
    return text;
}

/// A counts line per edition, then every case whose verdict differs between editions where it matters.
void write_editions(const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    const auto names = detail::edition_names(run);
    std::size_t width = 0;
    for (const auto& name : names) width = std::max(width, display_width(name));
    out << "\neditions judged (" << names.size() << "):\n";
    for (std::size_t e = 0; e < run.editions.size(); ++e)
        out << "  " << padded(one_line(names[e]), width) << "  " << detail::count_summary(run.editions[e].counts(), false) << '\n';
    bool heading = false;
    for (std::size_t i = 0; i < run.case_list().size(); ++i) {
        const auto row = detail::row_of(run, i);
        if (!detail::differs_with_trouble(row)) continue;
        if (!heading) out << "\ncases whose verdict differs between editions:\n";
        heading = true;
        const auto& telling = detail::most_telling(row);
        out << verdict_tag(telling.verdict, options) << ' ' << id_cell(one_line(telling.id), options.id_width) << "  "
            << one_line(spans_line(row, names), 2000) << '\n';
    }
}

/// The causes, the cases not run, the 429s and the last line.
void write_causes_and_counts(const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    const auto causes = detail::causes_of(run);
    for (const bool failures : {true, false}) {
        bool heading = false;
        for (const auto& cause : causes) {
            if (detail::is_failure(cause) != failures) continue;
            if (!heading) out << (failures ? "\nfailures by cause:\n" : "\nwarnings (SHOULD) by cause:\n");
            heading = true;
            write_cause(cause, run, out, options);
        }
    }
    if (options.verbose) write_case_details(run, out, options);
    write_not_run(run, out);
    const auto counts = run.counts();
    auto line = detail::count_summary(counts, run.interrupted);
    if (run.several_editions()) {
        const auto& shared = run.sharing;
        out << "\nexchanges shared between editions: " << shared.units << " execution units (" << shared.exchanges
            << " HTTP exchanges) for " << shared.judgements << " results, " << shared.distinct_judgements
            << " of them judged and the rest shared by editions that judge alike\n";
        line = std::to_string(run.editions.size()) + " editions, " + line + "; conform: " + detail::conforming_text(run);
    }
    const bool conformant = counts.failed + counts.not_implemented + counts.errors + counts.xpassed == 0 && !run.interrupted;
    if (run.rate_limited)
        out << "\nthe homeserver answered " << run.rate_limited << (run.rate_limited == 1 ? " request" : " requests")
            << " with 429 (rate limited)\n";
    out << '\n' << painted(line, conformant ? "\x1b[1;32m" : "\x1b[1;31m", options) << '\n';
}

}  // namespace

bool colour_wanted(std::string_view choice, bool terminal, bool no_color_set) {
    if (choice == "always") return true;
    return choice == "auto" && terminal && !no_color_set;
}

std::size_t id_column(const std::vector<std::string>& ids, std::size_t width) {
    std::size_t longest = 0;
    for (const auto& id : ids) longest = std::max(longest, display_width(one_line(id)));
    constexpr std::size_t beside = 5 + 1 + 1 + 8 + 2 + 20;
    if (width == 0) return longest;
    return std::min(longest, width > beside + 12 ? width - beside : 12);
}

void write_console_header(const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    out << "mx3pid " << one_line(run.tool_version) << " \u00B7 target " << one_line(run.target) << " \u00B7 edition "
        << one_line(run.edition);
    if (!run.edition_source.empty()) out << " (" << one_line(run.edition_source) << ')';
    out << " \u00B7 profile " << (run.profile.empty() ? std::string("(none)") : one_line(run.profile));
    if (!run.seed.empty()) out << " \u00B7 seed " << one_line(run.seed);
    out << '\n';
    for (const auto& warning : detail::run_notes(run))
        out << painted("warning:", "\x1b[33m", options) << ' ' << one_line(warning) << '\n';
}

void write_console_case(const CaseResult& result, std::ostream& out, const ConsoleOptions& options) {
    write_case_line(result, result.verdict == Verdict::pass ? std::string() : detail::headline(result), out, options);
}

void write_console_row(const std::vector<CaseResult>& row, const std::vector<std::string>& editions, std::ostream& out,
                       const ConsoleOptions& options) {
    if (row.empty()) return;
    std::vector<const CaseResult*> results;
    for (const auto& result : row) results.push_back(&result);
    const auto& telling = detail::most_telling(results);
    if (detail::verdict_spans(results).size() == 1) return write_console_case(telling, out, options);
    auto message = spans_line(results, editions);
    if (telling.verdict != Verdict::pass && telling.verdict != Verdict::skip) message += ": " + detail::headline(telling);
    write_case_line(telling, message, out, options);
}

void write_console_summary(const RunResult& run, std::ostream& out, const ConsoleOptions& options) {
    if (run.several_editions()) write_editions(run, out, options);
    write_causes_and_counts(run, out, options);
}

}  // namespace mx3pid::reports
