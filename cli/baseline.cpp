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

}  // namespace

void write_known_failures(const std::string& path, const reports::RunResult& run, bool strict) {
    reports::write_file_atomically(path, [&](std::ostream& out) {
        out << "# Known failures of " << run.target << " judged at " << run.edition << ", written by mx3pid " << run.tool_version
            << " (--write-known-failures).\n"
            << "# Replace each reason with why the case fails (a link to your tracker, say). A listed case that\n"
            << "# starts passing fails the run as XPASS: then remove its entry. Use with --expectations " << path << ".\n";
        std::size_t written = 0;
        for (const auto& result : run.cases) {
            if (!belongs(result, strict)) continue;
            const auto why = result.verdict == reports::Verdict::xfail && !result.known_failure_reason.empty()
                                 ? result.known_failure_reason
                                 : "FILL IN: " + (result.message.empty() ? reports::failed_checks_message(result.checks) : result.message);
            out << "- case: " << quoted(result.id) << "\n  edition: " << quoted(run.edition) << "\n  reason: " << quoted(why) << "\n";
            ++written;
        }
        if (written == 0) out << "[]\n";
    });
}

}  // namespace mx3pid::cli
