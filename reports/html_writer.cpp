#include <algorithm>
#include <array>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
#include "reports/detail/causes.hpp"
#include "reports/detail/editions.hpp"
#include "reports/detail/grouping.hpp"
#include "reports/detail/html_page.hpp"
#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

using detail::one_line;

using detail::state_of;  // what the filter and the colours know a case by: its verdict, or "not-run"

std::string label_of(const std::string& state) {
    if (state == "not-implemented") return "NOIMP";
    if (state == "not-run") return "NOT RUN";
    std::string label = state;
    std::transform(label.begin(), label.end(), label.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return label;
}

/// Every state in the order the page lists cases: what needs attention first.
constexpr std::array<std::string_view, 9> states_in_order{"fail",  "not-implemented", "error", "xpass", "warn",
                                                           "xfail", "pass",            "skip",  "not-run"};

std::size_t rank(const CaseResult& result) {
    const auto state = state_of(result);
    return static_cast<std::size_t>(std::find(states_in_order.begin(), states_in_order.end(), state) - states_in_order.begin());
}

/// Text for HTML content and attribute values: visible, then with markup characters escaped.
std::string esc(std::string_view raw) {
    std::string out;
    for (const char c : detail::visible_text(raw)) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string line(std::string_view raw) { return esc(one_line(raw)); }

bool is_web_link(std::string_view url) { return url.starts_with("https://") || url.starts_with("http://"); }

std::string link(std::string_view text, std::string_view url) {
    if (!is_web_link(url)) return line(text);
    return "<a href=\"" + line(url) + "\">" + line(text) + "</a>";
}

std::string case_anchor(std::size_t index) { return "case-" + std::to_string(index + 1); }

/// A case's section as the page shows it: with several editions, one per stretch of editions with
/// one verdict, named after the first ("case-7-r0.4.0").
struct Shown {
    const CaseResult* result;
    std::string anchor;
    std::string editions;  ///< with several editions: the stretch ("r0.4.0–v1.2"); else empty
};

std::vector<Shown> shown_cases(const RunResult& run) {
    std::vector<Shown> shown;
    if (!run.several_editions()) {
        for (std::size_t i = 0; i < run.cases.size(); ++i) shown.push_back({&run.cases[i], case_anchor(i), ""});
        return shown;
    }
    const auto names = detail::edition_names(run);
    for (std::size_t i = 0; i < run.case_list().size(); ++i) {
        const auto row = detail::row_of(run, i);
        for (const auto& span : detail::verdict_spans(row))
            shown.push_back({row[span.first], case_anchor(i) + "-" + names[span.first], detail::span_text(names, span.first, span.last)});
    }
    return shown;
}

/// The anchor of the section that shows `result` (one of the run's).
std::string anchor_of(const RunResult& run, const CaseResult& result) {
    if (!run.several_editions()) return case_anchor(static_cast<std::size_t>(&result - run.cases.data()));
    const auto edition = run.edition_index(result);
    const auto index = static_cast<std::size_t>(&result - run.editions[edition].cases.data());
    const auto row = detail::row_of(run, index);
    for (const auto& span : detail::verdict_spans(row))
        if (span.first <= edition && edition <= span.last) return case_anchor(index) + "-" + run.editions[span.first].edition;
    return case_anchor(index);
}

void write_header(const RunResult& run, const Counts& counts, std::ostream& out) {
    out << "<header>\n<h1>mx3pid conformance report</h1>\n<dl class=\"run\">\n";
    const auto row = [&](const char* name, const std::string& value) {
        out << "<dt>" << name << "</dt><dd>" << value << "</dd>\n";
    };
    row("target", line(run.target));
    row("edition judged", line(run.edition) + (run.edition_source.empty() ? "" : " (" + line(run.edition_source) + ")"));
    std::string advertised;
    for (const auto& name : run.advertised_editions) advertised += (advertised.empty() ? "" : ", ") + line(name);
    row("advertised", advertised.empty() ? "(none)" : advertised);
    row("profile", run.profile.empty() ? "(none)" : line(run.profile));
    row("seed", line(run.seed));
    row("mx3pid", line(run.tool_version));
    row("started", line(detail::iso8601_ms(run.started)));
    out << "</dl>\n<p class=\"counts\" id=\"counts\">" << line(detail::count_summary(counts, run.interrupted)) << "</p>\n";
    const auto notes = detail::run_notes(run);
    if (!notes.empty()) {
        out << "<ul class=\"warnings\">\n";
        for (const auto& note : notes) out << "<li>warning: " << line(note) << "</li>\n";
        out << "</ul>\n";
    }
    out << "</header>\n";
}

void write_filter(const std::vector<Shown>& shown, std::ostream& out) {
    out << "<fieldset id=\"filter\"><legend>show</legend>\n";
    for (const auto state : states_in_order) {
        const auto count = std::count_if(shown.begin(), shown.end(), [&](const Shown& one) { return state_of(*one.result) == state; });
        if (count == 0) continue;
        out << "<label class=\"v-" << state << "\"><input type=\"checkbox\" value=\"" << state << "\" checked> "
            << label_of(std::string(state)) << " (" << count << ")</label>\n";
    }
    out << "</fieldset>\n";
}

void write_grid(const RunResult& run, std::ostream& out) {
    const auto groups = detail::group_by_endpoint(run.cases);
    const auto kinds = detail::kinds_in_order(run.cases);
    out << "<table id=\"grid\">\n<thead><tr><th>kind</th>";
    for (const auto& group : groups) out << "<th>" << line(group.endpoint) << "</th>";
    out << "</tr></thead>\n<tbody>\n";
    for (const auto& kind : kinds) {
        out << "<tr><th>" << line(kind) << "</th>";
        for (const auto& group : groups) {
            const CaseResult* found = nullptr;
            for (const auto* result : group.cases)
                if (detail::kind_of(*result) == kind) found = result;
            if (!found) {
                out << "<td class=\"none\">\u2014</td>";
                continue;
            }
            const auto index = static_cast<std::size_t>(found - run.cases.data());
            const auto state = state_of(*found);
            out << "<td class=\"v-" << state << "\" data-verdict=\"" << state << "\"><a href=\"#" << case_anchor(index)
                << "\" title=\"" << line(found->id) << ": " << line(detail::headline(*found)) << "\">" << label_of(state)
                << "</a></td>";
        }
        out << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";
}

std::string case_link(const RunResult& run, const CaseResult& result) {
    return "<a href=\"#" + anchor_of(run, result) + "\"><code>" + line(result.id) + "</code></a>";
}

/// "Sentences broken by this server": each with its level, words and link, and the cases (with
/// several editions, and the editions) that show it.
void write_broken_sentences(const RunResult& run, std::ostream& out) {
    const auto broken = broken_sentences(run);
    if (broken.empty()) return;
    out << "<section id=\"broken\">\n<h2>sentences broken by this server</h2>\n<ul class=\"broken\">\n";
    for (const auto& entry : broken) {
        const auto& sentence = *entry.sentence;
        out << "<li><code>" << line(sentence.id) << "</code> (" << line(sentence.level) << "): " << line(sentence.says) << " "
            << link(sentence.section.empty() ? sentence.id : sentence.section, sentence.url);
        if (!entry.editions.empty()) out << esc(detail::in_editions(run, entry.editions));
        out << "<br>";
        for (const auto* result : entry.cases) out << "<a href=\"#" << anchor_of(run, *result) << "\">" << line(result->id) << "</a> ";
        out << "</li>\n";
    }
    out << "</ul>\n</section>\n";
}

/// A run of several editions: the counts of each, then the case × edition matrix, compact.
void write_edition_matrix(const RunResult& run, std::ostream& out) {
    const auto names = detail::edition_names(run);
    out << "<section id=\"editions\">\n<h2>Editions</h2>\n<p class=\"conform\">conform: " << line(detail::conforming_text(run))
        << "</p>\n<table class=\"editions\"><thead><tr><th>edition</th><th>cases</th></tr></thead><tbody>\n";
    for (const auto& edition : run.editions)
        out << "<tr class=\"v-" << (edition.conforms() ? "pass" : "fail") << "\"><th>" << line(edition.edition) << "</th><td>"
            << line(detail::count_summary(edition.counts(), false)) << "</td></tr>\n";
    out << "</tbody></table>\n";
    const auto matrix = detail::edition_matrix(run);
    if (!matrix.rows.empty()) {
        out << "<table id=\"matrix\"><thead><tr><th>case</th>";
        for (const auto& [first, last] : matrix.columns) out << "<th>" << line(detail::span_text(names, first, last)) << "</th>";
        out << "</tr></thead>\n<tbody>\n";
        for (const auto index : matrix.rows) {
            out << "<tr><th><code>" << line(run.case_list()[index].id) << "</code></th>";
            for (const auto& column : matrix.columns) {
                const auto& result = run.editions[column.first].cases[index];
                const auto state = state_of(result);
                out << "<td class=\"v-" << state << "\" data-verdict=\"" << state << "\"><a href=\"#" << anchor_of(run, result)
                    << "\" title=\"" << line(detail::headline(result)) << "\">" << label_of(state) << "</a></td>";
            }
            out << "</tr>\n";
        }
        out << "</tbody>\n</table>\n";
    }
    out << "<p>" << matrix.passing_everywhere << " more cases pass in every edition; " << matrix.skipped_everywhere
        << " are skipped in every edition.</p>\n</section>\n";
}

void write_cause(const RunResult& run, const detail::Cause& cause, std::ostream& out) {
    const std::string state = to_string(cause.verdict);
    out << "<div class=\"cause v-" << state << "\">\n<h3><span class=\"badge\">" << label_of(state) << "</span> "
        << line(cause.title) << " \u2014 " << cause.cases.size() << (cause.cases.size() == 1 ? " case" : " cases");
    out << esc(detail::in_editions(run, cause.editions));
    if (!cause.level.empty()) out << " (" << line(cause.level) << ")";
    out << "</h3>\n<p>";
    if (!cause.sentence.empty() || !cause.url.empty())
        out << "rule: " << link(cause.sentence.empty() ? std::string("spec") : cause.sentence, cause.url) << " \u00B7 ";
    if (!cause.example_line().empty()) {
        out << "e.g. " << case_link(run, *cause.example);
        if (cause.example_text != cause.title) out << ": " << line(cause.example_text);
    }
    out << "</p>\n";
    if (cause.cases.size() > 1) {
        out << "<p class=\"compact\">" << line(detail::cases_compactly(cause.cases, run.case_list())) << "</p>\n<p class=\"ids\">";
        for (const auto* result : cause.cases) out << case_link(run, *result) << ' ';
        out << "</p>\n";
    }
    out << "</div>\n";
}

/// Failures by cause, cases not run by reason, warnings by cause; each cause links to its cases below.
void write_causes(const RunResult& run, std::ostream& out) {
    const auto causes = detail::causes_of(run);
    const auto not_run = detail::not_run_by_reason(run);
    if (causes.empty() && not_run.empty()) return;
    out << "<section id=\"causes\">\n";
    for (const bool failures : {true, false}) {
        bool heading = false;
        for (const auto& cause : causes) {
            if (detail::is_failure(cause) != failures) continue;
            if (!heading) out << (failures ? "<h2>Failures by cause</h2>\n" : "<h2>Warnings (SHOULD) by cause</h2>\n");
            heading = true;
            write_cause(run, cause, out);
        }
        if (!failures || not_run.empty()) continue;
        out << "<h2>Not run</h2>\n<ul class=\"not-run\">\n";
        for (const auto& reason : not_run) {
            out << "<li>" << reason.cases.size() << (reason.cases.size() == 1 ? " case" : " cases");
            out << esc(detail::in_editions(run, reason.editions));
            out << ": " << line(reason.reason);
            if (const auto advice = detail::not_run_advice(reason.reason); !advice.empty()) out << ". To avoid it: " << line(advice);
            out << "</li>\n";
        }
        out << "</ul>\n";
    }
    out << "</section>\n";
}

void write_case(const Shown& shown, std::ostream& out) {
    const auto& result = *shown.result;
    const auto state = state_of(result);
    const bool open = is_unexpected(result.verdict) || result.verdict == Verdict::warn;
    out << "<section class=\"case v-" << state << "\" id=\"" << shown.anchor << "\" data-verdict=\"" << state
        << "\" data-id=\"" << line(result.id) << "\">\n<details" << (open ? " open" : "") << ">\n<summary><span class=\"badge\">"
        << label_of(state) << "</span> <code>" << line(result.id) << "</code> ";
    if (!shown.editions.empty()) out << "<span class=\"editions\">" << line(shown.editions) << "</span> ";
    out << line(result.title) << "</summary>\n";
    out << "<p class=\"headline\">" << line(detail::headline(result)) << "</p>\n<dl class=\"facts\">\n";
    if (!result.level.empty()) out << "<dt>level</dt><dd>" << line(result.level) << "</dd>\n";
    if (!result.spec.empty()) {
        out << "<dt>spec</dt><dd><ul class=\"spec\">";
        for (const auto* ref : detail::distinct_places(result)) {
            out << "<li>" << link(ref->edition + " \u2014 " + ref->section, ref->url);
            if (!ref->judged_edition.empty()) out << " (" << link("in " + ref->judged_edition, ref->judged_url) << ")";
            out << "</li>";
        }
        out << "</ul></dd>\n";
    }
    out << "<dt>time</dt><dd>" << line(detail::iso8601_ms(result.started)) << " \u2013 "
        << line(detail::iso8601_ms(result.finished)) << " ("
        << detail::decimal_seconds(seconds_between(result.started, result.finished)) << " s)</dd>\n</dl>\n";
    if (!result.checks.empty()) {
        out << "<table class=\"checks\"><thead><tr><th>check</th><th>verdict</th><th>expected</th><th>actual</th>"
               "<th>level</th><th>sentences</th></tr></thead><tbody>\n";
        for (const auto& check : result.checks) {
            out << "<tr class=\"v-" << to_string(check.verdict) << "\"><td>" << line(check.name) << "</td><td>"
                << to_string(check.verdict) << "</td><td>" << line(check.expected) << "</td><td>" << line(check.actual)
                << "</td><td>" << line(check.level) << "</td><td>";
            for (const auto& id : check.sentences) out << "<code>" << line(id) << "</code> ";
            out << "</td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    if (!result.side_channel.empty()) {
        out << "<h3>side channel</h3>\n<ul class=\"side\">\n";
        for (const auto& seen : result.side_channel) out << "<li>" << line(seen) << "</li>\n";
        out << "</ul>\n";
    }
    for (std::size_t i = 0; i < result.exchanges.size(); ++i) {
        const auto& exchange = result.exchanges[i];
        out << "<h3>exchange " << i + 1 << " of " << result.exchanges.size() << ", "
            << detail::decimal_seconds(seconds_between(exchange.started, exchange.finished)) << " s</h3>\n<pre class=\"transcript\">"
            << esc(detail::transcript(exchange)) << "</pre>\n";
    }
    if (!result.curl.empty()) out << "<h3>curl</h3>\n<pre class=\"curl\">" << esc(detail::cap_bytes(result.curl, detail::curl_limit)) << "</pre>\n";
    out << "</details>\n</section>\n";
}

}  // namespace

void write_html(const RunResult& run, std::ostream& out) {
    const auto counts = run.counts();
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>mx3pid: " << line(run.target) << " \u00B7 " << line(run.edition) << "</title>\n<style>\n"
        << detail::html_style << "</style>\n</head>\n<body>\n";
    write_header(run, counts, out);
    auto shown = shown_cases(run);
    if (!shown.empty()) {
        write_filter(shown, out);
        if (run.several_editions()) write_edition_matrix(run, out);
        else write_grid(run, out);
        write_causes(run, out);
    }
    write_broken_sentences(run, out);
    std::stable_sort(shown.begin(), shown.end(), [&](const Shown& a, const Shown& b) { return rank(*a.result) < rank(*b.result); });
    out << "<main id=\"cases\">\n";
    for (const auto& one : shown) write_case(one, out);
    out << "</main>\n<script>\n" << detail::html_script << "</script>\n</body>\n</html>\n";
}

}  // namespace mx3pid::reports
