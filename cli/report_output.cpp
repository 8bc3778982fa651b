#include "cli/report_output.hpp"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "reports/writers.hpp"
#include "suite/locations.hpp"

namespace mx3pid::cli {
namespace {

/// `text` as one bash word.
std::string shell_word(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@+,") == std::string::npos)
        return text;
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

/// "mx3pid.html or mx3pid.json": where the whole run is, for the Markdown summary's note.
std::string full_report(const Options& options) {
    std::string where;
    for (const auto* file : {&options.html, &options.json})
        if (!file->empty()) where += (where.empty() ? "" : " or ") + *file;
    return where;
}

void append_step_summary(const reports::RunResult& run, const reports::MarkdownOptions& markdown) {
    const char* path = std::getenv("GITHUB_STEP_SUMMARY");
    if (!path || !*path) return;
    std::ostringstream text;
    reports::write_markdown(run, text, markdown);
    std::ofstream summary(path, std::ios::binary | std::ios::app);
    summary << text.str() << '\n';
    summary.flush();
    if (!summary) throw std::runtime_error(std::string("cannot append to GITHUB_STEP_SUMMARY (") + path + ")");
}

}  // namespace

std::string repro_command(const Options& options, const reports::RunResult& run, const reports::CaseResult& result) {
    if (result.id == "run/start") return {};
    std::string command = "mx3pid repro " + shell_word(result.id) + " --homeserver " + shell_word(run.target);
    if (!options.profile.empty()) command += " --profile " + shell_word(options.profile);
    // With several editions, the one the case was judged in.
    if (!run.edition.empty()) command += " --spec " + shell_word(run.edition_of(result));
    if (options.cases != suite::default_cases_dir())
        command += " --cases " + shell_word(options.cases);
    for (const auto& [flag, value] : {std::pair{"--identity-listen", &options.identity_listen},
                                      std::pair{"--identity-public-url", &options.identity_public_url},
                                      std::pair{"--smtp-listen", &options.smtp_listen}, std::pair{"--ca-file", &options.ca_file}})
        if (!value->empty()) command += std::string(" ") + flag + " " + shell_word(*value);
    if (options.identity_tls) command += " --identity-tls";
    if (options.insecure) command += " --insecure";
    if (!run.seed.empty()) command += " --seed " + run.seed;
    return command;
}

void write_reports(const Options& options, const reports::RunResult& run, std::ostream& out) {
    const reports::JunitOptions junit{options.junit_suffix};
    const auto repro = [&](const reports::CaseResult& result) { return repro_command(options, run, result); };
    const reports::MarkdownOptions markdown{options.markdown_max, full_report(options), repro};
    if (!options.junit.empty())
        reports::write_file_atomically(options.junit, [&](std::ostream& file) { reports::write_junit(run, file, junit); });
    if (!options.json.empty())
        reports::write_file_atomically(options.json, [&](std::ostream& file) { reports::write_json(run, file); });
    if (!options.markdown.empty())
        reports::write_file_atomically(options.markdown, [&](std::ostream& file) { reports::write_markdown(run, file, markdown); });
    if (!options.html.empty())
        reports::write_file_atomically(options.html, [&](std::ostream& file) { reports::write_html(run, file); });
    if (!github_wanted(options)) return;
    reports::GithubOptions github;
    github.repro = repro;
    reports::write_github_annotations(run, out, github);
    append_step_summary(run, markdown);
}

}  // namespace mx3pid::cli
