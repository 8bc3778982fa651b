#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
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

std::string spec_links(const CaseResult& result) {
    std::string out;
    for (const auto& ref : result.spec) {
        if (!out.empty()) out += "; ";
        out += link(ref.edition.empty() ? ref.section : ref.edition + " \u2014 " + ref.section, ref.url);
        if (!ref.judged_edition.empty()) out += " (" + link("in " + ref.judged_edition, ref.judged_url) + ")";
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

void write_entry(const CaseResult& result, std::ostream& out) {
    out << "- " << mark(result) << " **" << inline_text(result.id) << "** ("
        << (result.verdict == Verdict::not_implemented ? "not implemented" : to_string(result.verdict)) << ") \u2014 "
        << inline_text(detail::headline(result));
    if (const auto spec = spec_links(result); !spec.empty()) out << " \u00B7 " << spec;
    out << '\n';
}

// The entries `wanted` selects, under `heading`; `none` when there are none (or nothing when `none` is null).
template <typename Wanted>
void write_list(const RunResult& run, const char* heading, const char* none, Wanted wanted, std::ostream& out) {
    const bool any = std::any_of(run.cases.begin(), run.cases.end(), wanted);
    if (!any && !none) return;
    out << "\n## " << heading << "\n\n";
    if (!any) out << none << '\n';
    for (const auto& result : run.cases)
        if (wanted(result)) write_entry(result, out);
}

std::string editions_line(const RunResult& run) {
    std::string line = inline_text(run.edition);
    std::string details = inline_text(run.edition_source);
    if (!run.advertised_editions.empty()) {
        std::string advertised;
        for (const auto& name : run.advertised_editions) advertised += (advertised.empty() ? "" : ", ") + inline_text(name);
        details += (details.empty() ? "" : "; ") + std::string("advertised: ") + advertised;
    }
    return details.empty() ? line : line + " (" + details + ")";
}

}  // namespace

void write_markdown(const RunResult& run, std::ostream& out) {
    const auto counts = run.counts();
    out << "# mx3pid conformance report\n\n";
    out << "**Target:** " << inline_text(run.target) << " \u00B7 **edition:** " << editions_line(run);
    if (!run.profile.empty()) out << " \u00B7 **profile:** " << inline_text(run.profile);
    if (!run.seed.empty()) out << " \u00B7 **seed:** " << inline_text(run.seed);
    out << "\n\n**" << detail::count_summary(counts, run.interrupted) << "**\n\n";

    const auto notes = detail::run_notes(run);
    for (const auto& warning : notes) out << "> **warning:** " << inline_text(warning) << "\n";
    if (!notes.empty()) out << '\n';

    if (!run.cases.empty()) {
        write_matrix(run, out);
        out << '\n';
    }

    out << "Legend: " << mark(Verdict::pass) << " pass \u00B7 " << mark(Verdict::warn) << " warn (SHOULD broken) \u00B7 "
        << mark(Verdict::fail) << " fail (MUST broken) \u00B7 " << mark(Verdict::not_implemented)
        << " not implemented (the edition defines it) \u00B7 " << mark(Verdict::error) << " error (could not judge) \u00B7 "
        << mark(Verdict::skip) << " skip (does not apply) \u00B7 " << mark(Verdict::xfail) << " known failure \u00B7 "
        << mark(Verdict::xpass) << " known failure that passed \u00B7 " << not_run_mark << " not run (interrupted) \u00B7 "
        << "\u2014 no such case\n";

    write_list(run, "Failures", "None.", [](const CaseResult& result) { return is_unexpected(result.verdict); }, out);
    write_list(run, "Warnings (SHOULD)", nullptr, [](const CaseResult& result) { return result.verdict == Verdict::warn; }, out);
}

}  // namespace mx3pid::reports
