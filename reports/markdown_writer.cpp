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

void write_matrix(const RunResult& run, std::ostream& out) {
    const auto groups = detail::group_by_endpoint(run.cases);
    const auto kinds = detail::kinds_in_order(run.cases);

    out << "| endpoint |";
    for (const auto& kind : kinds) out << ' ' << inline_text(kind) << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < kinds.size(); ++i) out << ":---:|";
    out << '\n';
    for (const auto& group : groups) {
        out << "| " << inline_text(group.endpoint) << " |";
        for (const auto& kind : kinds) {
            std::string cell;
            for (const auto* result : group.cases)
                if (detail::kind_of(*result) == kind) cell += mark(result->verdict);
            out << ' ' << (cell.empty() ? "\u2014" : cell) << " |";
        }
        out << '\n';
    }
}

void write_failure(const CaseResult& result, std::ostream& out) {
    out << "- " << mark(result.verdict) << " **" << inline_text(result.id) << "** ("
        << (result.verdict == Verdict::not_implemented ? "not implemented" : to_string(result.verdict)) << ") \u2014 "
        << inline_text(detail::headline(result));
    if (const auto spec = detail::spec_line(result); !spec.empty()) out << " \u00B7 " << inline_text(spec);
    out << '\n';
}

}  // namespace

void write_markdown(const RunResult& run, std::ostream& out) {
    const auto counts = run.counts();
    out << "# mx3pid conformance report\n\n";
    out << "**Target:** " << inline_text(run.target) << " \u00B7 **edition:** " << inline_text(run.edition);
    if (!run.edition_source.empty()) out << " (" << inline_text(run.edition_source) << ')';
    out << " \u00B7 **" << detail::count_summary(counts, run.interrupted) << "**";
    out << "\n\n";

    const auto notes = detail::run_notes(run);
    for (const auto& warning : notes) out << "> **warning:** " << inline_text(warning) << "\n";
    if (!notes.empty()) out << '\n';

    if (!run.cases.empty()) {
        write_matrix(run, out);
        out << '\n';
    }

    out << "Legend: " << mark(Verdict::pass) << " pass \u00B7 " << mark(Verdict::warn) << " warn (SHOULD broken) \u00B7 "
        << mark(Verdict::fail) << " fail (MUST broken) \u00B7 " << mark(Verdict::error) << " error (could not judge) \u00B7 "
        << mark(Verdict::skip) << " skip (does not apply) \u00B7 " << mark(Verdict::xfail) << " known failure \u00B7 "
        << mark(Verdict::xpass) << " known failure that passed \u00B7 " << mark(Verdict::not_implemented)
        << " not implemented (the edition defines it) \u00B7 \u2014 no such case\n\n";

    out << "## Failures\n\n";
    bool any = false;
    for (const bool unexpected : {true, false}) {
        for (const auto& result : run.cases) {
            const bool listed = unexpected ? is_unexpected(result.verdict) : result.verdict == Verdict::warn;
            if (!listed) continue;
            write_failure(result, out);
            any = true;
        }
    }
    if (!any) out << "None.\n";
}

}  // namespace mx3pid::reports
