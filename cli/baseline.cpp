#include "cli/baseline.hpp"

#include <ostream>

#include "reports/writers.hpp"

namespace mx3pid::cli {
namespace {

/// A YAML double-quoted scalar holding `text` on one line.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n' || c == '\r' || c == '\t') {
            out += ' ';
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

bool belongs(const reports::CaseResult& result, bool strict) {
    using reports::Verdict;
    if (result.not_run) return false;
    return result.verdict == Verdict::fail || result.verdict == Verdict::not_implemented || result.verdict == Verdict::xfail ||
           (strict && result.verdict == Verdict::warn);
}

std::string reason_for(const reports::CaseResult& result) {
    return result.verdict == reports::Verdict::xfail && !result.known_failure_reason.empty()
               ? result.known_failure_reason
               : "FILL IN: " + (result.message.empty() ? reports::failed_checks_message(result.checks) : result.message);
}

/// The entries of a run of several editions: for each case, one per stretch of neighbouring
/// editions it fails in, as an edition range ("== v1.2", ">= r0.4.0 <= r0.5.0").
std::size_t write_edition_entries(const reports::RunResult& run, bool strict, std::ostream& out) {
    std::size_t written = 0;
    for (std::size_t index = 0; index < run.case_list().size(); ++index) {
        for (std::size_t first = 0; first < run.editions.size(); ++first) {
            if (!belongs(run.editions[first].cases[index], strict)) continue;
            auto last = first;
            while (last + 1 < run.editions.size() && belongs(run.editions[last + 1].cases[index], strict)) ++last;
            const auto& result = run.editions[first].cases[index];
            const auto& from = run.editions[first].edition, &to = run.editions[last].edition;
            const auto range = first == last ? from : ">= " + from + " <= " + to;
            out << "- case: " << quoted(result.id) << "\n  edition: " << quoted(range) << "\n  reason: " << quoted(reason_for(result)) << "\n";
            ++written;
            first = last;
        }
    }
    return written;
}

}  // namespace

void write_known_failures(const std::string& path, const reports::RunResult& run, bool strict) {
    reports::write_file_atomically(path, [&](std::ostream& out) {
        out << "# Known failures of " << run.target << " judged at " << run.edition << ", written by mx3pid " << run.tool_version
            << " (--write-known-failures).\n"
            << "# Replace each reason with why the case fails (a link to your tracker, say). A listed case that\n"
            << "# starts passing fails the run as XPASS: then remove its entry. Use with --expectations " << path << ".\n";
        std::size_t written = run.several_editions() ? write_edition_entries(run, strict, out) : 0;
        for (const auto& result : run.cases) {
            if (!belongs(result, strict)) continue;
            out << "- case: " << quoted(result.id) << "\n  edition: " << quoted(run.edition) << "\n  reason: " << quoted(reason_for(result)) << "\n";
            ++written;
        }
        if (written == 0) out << "[]\n";
    });
}

}  // namespace mx3pid::cli
