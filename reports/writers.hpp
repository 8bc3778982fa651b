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
};

/// Whether the console is coloured: `choice` is "always", "never" or "auto"; auto colours a terminal
/// unless NO_COLOR is set (to any value).
bool colour_wanted(std::string_view choice, bool terminal, bool no_color_set);

/// The ID column for these IDs: the longest of them, within what a `width`-column line leaves
/// beside the verdict, the time and 20 characters of message (no limit when width is 0).
std::size_t id_column(const std::vector<std::string>& ids, std::size_t width);

struct JunitOptions {
    /// Appended to every suite name and classname, so that reports of several runs (editions, say)
    /// merge without two testcases sharing a (classname, name) pair.
    std::string suffix;
};

void write_junit(const RunResult& run, std::ostream& out, const JunitOptions& options = {});
void write_json(const RunResult& run, std::ostream& out);
void write_markdown(const RunResult& run, std::ostream& out);
/// One self-contained HTML page (no external script, style or font): header, endpoint × kind grid,
/// a filter by verdict, and every case with its checks, side channel, transcript and curl line.
void write_html(const RunResult& run, std::ostream& out);

/// The header (target, edition and why) printed before the first case.
void write_console_header(const RunResult& run, std::ostream& out, const ConsoleOptions& options);
/// One line for a finished case, printed as soon as it finishes.
void write_console_case(const CaseResult& result, std::ostream& out, const ConsoleOptions& options);
/// The failures again with expected vs actual, then the counts line.
void write_console_summary(const RunResult& run, std::ostream& out, const ConsoleOptions& options);

/// Writes to a temporary file beside `path`, then renames it over `path`.
/// Throws std::runtime_error naming the path when the file cannot be written.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& render);

}  // namespace mx3pid::reports
