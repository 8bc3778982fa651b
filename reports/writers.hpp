#pragma once
// Writers that render a finished RunResult. They never fail on content: whatever bytes a server
// sent, the output is well-formed (XML-illegal characters and invalid UTF-8 are made visible).
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "reports/run_result.hpp"

namespace mx3pid::reports {

struct ConsoleOptions {
    bool color = false;
    bool verbose = false;      ///< also print each check and the transcript of failures
    std::size_t width = 0;     ///< terminal columns a case line must fit (messages are cut at a word); 0: no limit
    std::size_t id_width = 44; ///< the ID column; longer IDs are cut so that the time column stays put
    bool quiet = false;        ///< print a case line only for a failure, error or warning
    bool github = false;       ///< GitHub Actions log: verbose sections folded in ::group:: … ::endgroup::
    /// A command that reproduces a case on its own (the recap prints one per cause); may be empty.
    std::function<std::string(const CaseResult&)> repro;
};

/// Whether the console is coloured: `choice` is "always", "never" or "auto"; auto colours a terminal
/// unless NO_COLOR is set (to any value).
bool colour_wanted(std::string_view choice, bool terminal, bool no_color_set);

/// The ID column for these IDs: the longest of them, within what a `width`-column line leaves
/// beside the verdict, the time and 20 characters of message (no limit when width is 0).
std::size_t id_column(const std::vector<std::string>& ids, std::size_t width);

struct JunitOptions {
    /// Appended to every suite name and classname, so that reports of several runs (editions, say)
    /// merge without two testcases sharing a (classname, name) pair. "{edition}" in it becomes the
    /// suite's edition.
    std::string suffix;
};

void write_junit(const RunResult& run, std::ostream& out, const JunitOptions& options = {});
void write_json(const RunResult& run, std::ostream& out);
struct MarkdownOptions {
    /// The summary's size limit in bytes (a GitHub pull-request comment holds 65,536): past it, the
    /// per-case details go first, then run warnings and warning causes, then the grid, then failure
    /// causes from the last; each whole, with a note where they went. 0: no limit.
    std::size_t max_bytes = 65536;
    /// Where the whole run is, for that note: "mx3pid.html or mx3pid.json"; empty: "the HTML and JSON reports".
    std::string full_report;
    /// A command that reproduces a case on its own, printed under each cause; may be empty.
    std::function<std::string(const CaseResult&)> repro;
};

/// The summary for a job summary or a pull-request comment: counts, the endpoint × kind grid,
/// failures grouped by cause, cases not run, warnings by cause, then every case in a <details> block.
void write_markdown(const RunResult& run, std::ostream& out, const MarkdownOptions& options = {});
/// One self-contained HTML page (no external script, style or font): header, endpoint × kind grid,
/// a filter by verdict, and every case with its checks, side channel, transcript and curl line.
void write_html(const RunResult& run, std::ostream& out);

/// The header (target, edition and why) printed before the first case.
void write_console_header(const RunResult& run, std::ostream& out, const ConsoleOptions& options);
/// One line for a finished case, printed as soon as it finishes.
void write_console_case(const CaseResult& result, std::ostream& out, const ConsoleOptions& options);
/// One line for a case judged in several editions (`row`: its result in each of `editions`), printed
/// once every edition has judged it: the verdict a reader must see first, and when the editions
/// disagree, which say what ("FAIL r0.4.0–r0.5.0 · PASS r0.6.0–v1.19").
void write_console_row(const std::vector<CaseResult>& row, const std::vector<std::string>& editions, std::ostream& out,
                       const ConsoleOptions& options);
/// The failures again with expected vs actual, then the counts line. With several editions: a
/// counts line per edition, each case whose verdict differs between them, the failures by cause
/// across editions, and a last line naming the editions that conform.
void write_console_summary(const RunResult& run, std::ostream& out, const ConsoleOptions& options);

struct GithubOptions {
    std::size_t max_errors = 10;    ///< ::error lines at most (the last says how many causes more, if any)
    std::size_t max_warnings = 10;  ///< ::warning lines at most for SHOULD causes, the same way
    /// A command that reproduces a case on its own, added to each annotation; may be empty.
    std::function<std::string(const CaseResult&)> repro;
};

/// GitHub Actions workflow commands: one ::error per failure cause (FAIL, NOIMP, XPASS, ERROR) and
/// one ::warning per SHOULD cause, each with its cases, an example, the spec URL and a reproduction;
/// one ::warning per reason cases were not run.
void write_github_annotations(const RunResult& run, std::ostream& out, const GithubOptions& options = {});

/// Writes to a temporary file beside `path`, then renames it over `path`.
/// Throws std::runtime_error naming the path when the file cannot be written.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& render);

}  // namespace mx3pid::reports
