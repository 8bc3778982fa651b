#pragma once
// The mx3pid command's flags, each with the environment variable that may set it instead.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mx3pid::cli {

struct Options {
    std::string homeserver;
    std::string profile;
    std::string spec;
    std::string cases;
    std::vector<std::string> filters;
    std::vector<std::string> excludes;
    bool list = false;
    /// --depth: "quick" (the hand-written cases and a few derived inputs) or "full" (every derived input)
    std::string depth = "quick";
    bool list_builtin = false;
    std::string junit, json, markdown, html;
    std::size_t markdown_max = 65536;
    std::string junit_suffix;
    std::string identity_listen, smtp_listen;
    double timeout_seconds = 10;
    std::optional<double> max_wait_seconds;
    double wait_for_server_seconds = 0;
    std::optional<std::uint64_t> seed;
    bool verbose = false;
    bool quiet = false;
    bool strict = false;
    bool fail_fast = false;
    bool judge_every_edition = false;
    std::string color = "auto";
    std::string ci = "auto";
    bool version = false;
    bool no_redact = false;
    std::string expectations;
    std::string write_known_failures;
    unsigned jobs = 1;
    std::string ca_file;
    bool insecure = false;
    bool identity_tls = false;
    std::string identity_public_url;
    std::string log_file, log_level = "info";  ///< --log, --log-level: the trace
    bool log_secrets = false;
};

/// Adds every flag of a run to `app`, filling `options`. Where an environment variable is named
/// (MX3PID_HOMESERVER, …), it gives the value when the flag is absent.
void define_options(CLI::App& app, Options& options);

/// The text --help ends with: the exit codes and the environment variables.
std::string help_footer();

/// Whether GitHub Actions' workflow commands are wanted: --ci github, or --ci auto under GITHUB_ACTIONS=true.
bool github_wanted(const Options& options);

bool is_builtin_target(const std::string& homeserver);

/// "--jsn" → "--json": the nearest flag `app` knows to one it does not, as "did you mean …?", or empty.
std::string flag_suggestion(const CLI::App& app, const std::string& parse_error);

}  // namespace mx3pid::cli
