#include <algorithm>
#include <sstream>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
#include "reports/detail/causes.hpp"
#include "reports/detail/editions.hpp"
#include "reports/detail/grouping.hpp"
#include "reports/detail/text.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

constexpr const char* not_run_mark = "\u23F8\uFE0F";

const char* mark(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass: return "\u2705";
        case Verdict::warn: return "\u26A0\uFE0F";
        case Verdict::fail: return "\u274C";
        case Verdict::not_implemented: return "\U0001F6AB";
        case Verdict::error: return "\U0001F4A5";
        case Verdict::skip: return "\u23ED\uFE0F";
        case Verdict::xfail: return "\U0001F7E1";
        case Verdict::xpass: return "\u2757";
    }
    return "?";
}

const char* mark(const CaseResult& result) { return result.not_run ? not_run_mark : mark(result.verdict); }


// One line of inline Markdown that renders as the literal text, safe inside a table cell: the
// characters that start markup or HTML, and the cell separator, are backslash-escaped.
std::string inline_text(std::string_view raw) {
    std::string out;
    for (const char c : detail::one_line(raw)) {
        if (std::string_view("\\`*_[]<>|#~&!").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// A link target that cannot end the link early or break the line.
std::string link_target(std::string_view url) {
    std::string out;
    for (const char c : detail::one_line(url)) {
        if (c == ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '|') {
            constexpr const char* hex = "0123456789ABCDEF";
            out += '%';
            out += hex[static_cast<unsigned char>(c) >> 4];
            out += hex[c & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

std::string link(std::string_view text, std::string_view url) {
    if (url.empty()) return inline_text(text);
    return "[" + inline_text(text) + "](" + link_target(url) + ")";
}

/// " in r0.4.0–v1.2" after a count in a run of several editions.
std::string editions_note(const RunResult& run, const std::vector<std::size_t>& editions) {
    const auto note = detail::in_editions(run, editions);
    return note.empty() ? note : " " + inline_text(note);
}

std::string spec_links(const CaseResult& result) {
    std::string out;
    for (const auto* ref : detail::distinct_places(result)) {
        if (!out.empty()) out += "; ";
        out += link(ref->edition.empty() ? ref->section : ref->edition + " \u2014 " + ref->section, ref->url);
        if (!ref->judged_edition.empty()) out += " (" + link("in " + ref->judged_edition, ref->judged_url) + ")";
    }
    return out;
}

// One row per kind and one column per endpoint: six columns fit a pull-request comment.
void write_matrix(const RunResult& run, std::ostream& out) {
    const auto groups = detail::group_by_endpoint(run.cases);
    const auto kinds = detail::kinds_in_order(run.cases);

    out << "| kind |";
    for (const auto& group : groups) out << ' ' << inline_text(group.endpoint) << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < groups.size(); ++i) out << ":---:|";
    out << '\n';
    for (const auto& kind : kinds) {
        out << "| " << inline_text(kind) << " |";
        for (const auto& group : groups) {
            std::string cell;
            for (const auto* result : group.cases)
                if (detail::kind_of(*result) == kind) cell += mark(*result);
            out << ' ' << (cell.empty() ? "\u2014" : cell) << " |";
        }
        out << '\n';
    }
}

std::string entry(const RunResult& run, const CaseResult& result) {
    std::string line = std::string("- ") + mark(result) + " **" + inline_text(result.id) + "**" +
                       (run.several_editions() ? " in " + inline_text(run.edition_of(result)) : std::string()) + " (" +
                       (result.verdict == Verdict::not_implemented ? "not implemented" : to_string(result.verdict)) + ") \u2014 " +
                       inline_text(detail::headline(result));
    if (const auto spec = spec_links(result); !spec.empty()) line += " \u00B7 " + spec;
    return line + '\n';
}

std::string case_count(std::size_t count) { return std::to_string(count) + (count == 1 ? " case" : " cases"); }

std::string cause_text(const detail::Cause& cause, const RunResult& run, const MarkdownOptions& options) {
    std::string text = std::string("\n### ") + mark(cause.verdict) + ' ' + inline_text(cause.title) + " \u2014 " +
                       case_count(cause.cases.size()) + editions_note(run, cause.editions);
    if (!cause.level.empty()) text += " (" + cause.level + ")";
    text += "\n\n";
    std::string facts;
    if (!cause.sentence.empty() || !cause.url.empty())
        facts = "Rule: " + link(cause.sentence.empty() ? std::string("spec") : cause.sentence, cause.url);
    if (const auto example = cause.example_line(); !example.empty())
        facts += (facts.empty() ? "" : " \u00B7 ") + std::string("e.g. ") + inline_text(example);
    if (!facts.empty()) text += facts + "\n";
    if (cause.cases.size() > 1) text += "\nCases: " + inline_text(detail::cases_compactly(cause.cases, run.case_list())) + "\n";
    if (options.repro)
        if (const auto command = options.repro(*cause.example); !command.empty()) text += "\nReproduce: " + inline_text(command) + "\n";
    return text;
}

std::string not_run_text(const RunResult& run, const detail::NotRunReason& reason) {
    std::string text = std::string("- ") + not_run_mark + ' ' + case_count(reason.cases.size()) + editions_note(run, reason.editions) +
                       ": " + inline_text(reason.reason);
    if (!reason.whole_endpoints.empty()) {
        std::string endpoints;
        for (const auto& endpoint : reason.whole_endpoints) endpoints += (endpoints.empty() ? "" : ", ") + inline_text(endpoint);
        text += " (every case of " + endpoints + ")";
    }
    if (const auto advice = detail::not_run_advice(reason.reason); !advice.empty()) text += ". To avoid it: " + inline_text(advice);
    return text + '\n';
}

/// A piece of the summary the size budget may leave out; rank 0 is always kept, lower ranks go first.
struct Part {
    std::string text;
    int rank = 0;
};

/// A heading and what follows it; `what` names the parts in the note that says some were left out.
struct Section {
    std::string head;
    std::vector<Part> parts;
    std::string tail;
    std::string what;
    std::vector<bool> left_out = {};
};

std::string render(const std::vector<Section>& sections, const MarkdownOptions& options) {
    std::string out;
    for (const auto& section : sections) {
        out += section.head;
        std::size_t left = 0;
        for (std::size_t i = 0; i < section.parts.size(); ++i) {
            if (section.left_out[i]) ++left;
            else out += section.parts[i].text;
        }
        if (left)
            out += "\n_" + std::to_string(left) + ' ' + section.what + " left out to keep this summary under " +
                   std::to_string(options.max_bytes) + " bytes: " +
                   (options.full_report.empty() ? std::string("the HTML and JSON reports") : options.full_report) +
                   " have everything._\n";
        out += section.tail;
    }
    return out;
}

/// Leaves out the lowest-ranked parts, last first, until the summary fits (or nothing more may go).
std::string within_budget(std::vector<Section> sections, const MarkdownOptions& options) {
    for (auto& section : sections) section.left_out.assign(section.parts.size(), false);
    auto text = render(sections, options);
    while (options.max_bytes && text.size() > options.max_bytes) {
        std::vector<bool>* chosen = nullptr;
        std::size_t index = 0;
        int lowest = 0;
        for (auto& section : sections)
            for (std::size_t i = 0; i < section.parts.size(); ++i)
                if (!section.left_out[i] && section.parts[i].rank > 0 && (!chosen || section.parts[i].rank <= lowest)) {
                    chosen = &section.left_out;
                    index = i;
                    lowest = section.parts[i].rank;
                }
        if (!chosen) break;
        (*chosen)[index] = true;
        text = render(sections, options);
    }
    return text;
}

std::string editions_line(const RunResult& run) {
    std::string line = run.edition.empty() ? std::string("none chosen") : inline_text(run.edition);
    std::string details = inline_text(run.edition_source);
    if (!run.advertised_editions.empty()) {
        std::string advertised;
        for (const auto& name : run.advertised_editions) advertised += (advertised.empty() ? "" : ", ") + inline_text(name);
        details += (details.empty() ? "" : "; ") + std::string("advertised: ") + advertised;
    }
    return details.empty() ? line : line + " (" + details + ")";
}


std::string header_text(const RunResult& run) {
    std::string text = "# mx3pid conformance report\n\n**Target:** " + inline_text(run.target) + " \u00B7 **edition:** " + editions_line(run);
    if (!run.profile.empty()) text += " \u00B7 **profile:** " + inline_text(run.profile);
    if (!run.seed.empty()) text += " \u00B7 **seed:** " + inline_text(run.seed);
    text += "\n\n**" + detail::count_summary(run.counts(), run.interrupted) + "**\n";
    if (run.several_editions())
        text += "\n**" + std::to_string(run.editions.size()) + " editions; conform: " + inline_text(detail::conforming_text(run)) + "**\n";
    return text;
}

std::string legend() {
    return std::string("Legend: ") + mark(Verdict::pass) + " pass \u00B7 " + mark(Verdict::warn) + " warn (SHOULD broken) \u00B7 " +
           mark(Verdict::fail) + " fail (MUST broken) \u00B7 " + mark(Verdict::not_implemented) +
           " not implemented (the edition defines it) \u00B7 " + mark(Verdict::error) + " error (could not judge) \u00B7 " +
           mark(Verdict::skip) + " skip (does not apply) \u00B7 " + mark(Verdict::xfail) + " known failure \u00B7 " +
           mark(Verdict::xpass) + " known failure that passed \u00B7 " + not_run_mark + " not run \u00B7 \u2014 no such case\n";
}

Section header_section(const RunResult& run) {
    Section section{header_text(run), {}, "", "run warnings"};
    for (const auto& note : detail::run_notes(run)) section.parts.push_back({"> **warning:** " + inline_text(note) + "\n", 2});
    if (!section.parts.empty()) section.parts.front().text.insert(0, "\n");
    return section;
}

Section grid_section(const RunResult& run) {
    std::ostringstream matrix;
    if (!run.cases.empty()) write_matrix(run, matrix);
    Section section{"", {}, "", "grid (endpoint \u00D7 kind)"};
    if (!run.cases.empty()) section.parts.push_back({"\n" + matrix.str() + "\n" + legend(), 3});
    return section;
}

/// A run of several editions: each stretch of neighbouring editions with the same counts in a row,
/// then the case × edition matrix.
Section editions_section(const RunResult& run) {
    const auto names = detail::edition_names(run);
    std::string table = "\n| editions | cases | conform |\n|---|---|:---:|\n";
    for (std::size_t first = 0; first < run.editions.size(); ++first) {
        const auto summary = detail::count_summary(run.editions[first].counts(), false);
        const bool conforms = run.editions[first].conforms();
        auto last = first;
        while (last + 1 < run.editions.size() && run.editions[last + 1].conforms() == conforms &&
               detail::count_summary(run.editions[last + 1].counts(), false) == summary)
            ++last;
        table += "| " + inline_text(detail::span_text(names, first, last)) + " | " + inline_text(summary) + " | " +
                 mark(conforms ? Verdict::pass : Verdict::fail) + " |\n";
        first = last;
    }
    Section section{"\n## Editions\n", {{table, 0}}, "", "case rows"};
    const auto matrix = detail::edition_matrix(run);
    if (!matrix.rows.empty()) {
        std::string head = "\n| case |", rule = "|---|";
        for (const auto& [first, last] : matrix.columns) {
            head += ' ' + inline_text(detail::span_text(names, first, last)) + " |";
            rule += ":---:|";
        }
        section.parts.push_back({head + "\n" + rule + "\n", 0});
        for (const auto index : matrix.rows) {
            std::string row = "| " + inline_text(run.case_list()[index].id) + " |";
            for (const auto& column : matrix.columns) row += std::string(" ") + mark(run.editions[column.first].cases[index]) + " |";
            section.parts.push_back({row + "\n", 3});
        }
    }
    section.tail = "\n" + std::to_string(matrix.passing_everywhere) + " more cases pass in every edition; " +
                   std::to_string(matrix.skipped_everywhere) + " are skipped in every edition.\n\n" + legend();
    return section;
}

Section cause_section(const RunResult& run, const std::vector<detail::Cause>& causes, bool failures, int rank,
                      const MarkdownOptions& options) {
    Section section{failures ? "\n## Failures by cause\n" : "\n## Warnings (SHOULD) by cause\n", {}, "", "causes"};
    for (const auto& cause : causes)
        if (detail::is_failure(cause) == failures) section.parts.push_back({cause_text(cause, run, options), rank});
    if (section.parts.empty()) section.head = failures ? "\n## Failures\n\nNone.\n" : "";
    return section;
}

Section not_run_section(const RunResult& run) {
    Section section{"", {}, "", "reasons"};
    for (const auto& reason : detail::not_run_by_reason(run)) section.parts.push_back({not_run_text(run, reason), 0});
    if (!section.parts.empty()) section.head = "\n## Not run\n\n";
    return section;
}

Section details_section(const RunResult& run) {
    Section section{"", {}, "", "cases"};
    for (const bool unexpected : {true, false})
        for (const auto* result : run.all_cases())
            if (!result->not_run && (unexpected ? is_unexpected(result->verdict) : result->verdict == Verdict::warn))
                section.parts.push_back({entry(run, *result), 1});
    if (section.parts.empty()) return section;
    section.head = "\n<details><summary>Every failure and warning, case by case (" + std::to_string(section.parts.size()) +
                   ")</summary>\n\n";
    section.tail = "\n</details>\n";
    return section;
}

}  // namespace

void write_markdown(const RunResult& run, std::ostream& out, const MarkdownOptions& options) {
    const auto causes = detail::causes_of(run);
    std::vector<Section> sections;
    sections.push_back(header_section(run));
    sections.push_back(run.several_editions() ? editions_section(run) : grid_section(run));
    sections.push_back(cause_section(run, causes, true, 4, options));
    sections.push_back(not_run_section(run));
    sections.push_back(cause_section(run, causes, false, 2, options));
    sections.push_back(details_section(run));
    out << within_budget(std::move(sections), options);
}

}  // namespace mx3pid::reports
