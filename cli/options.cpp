#include "cli/options.hpp"

#include <cstdlib>
#include <regex>

#include <CLI/CLI.hpp>

#include "cli/suggest.hpp"
#include "spec/defaults.hpp"
#include "suite/locations.hpp"

namespace mx3pid::cli {
namespace {

void define_target_options(CLI::App& app, Options& options) {
    app.add_option("--homeserver", options.homeserver,
                   "URL of the homeserver under test, or builtin[:VARIANT] (default: builtin)")
        ->envname("MX3PID_HOMESERVER");
    app.add_option("--profile", options.profile, "target profile (YAML): what the homeserver is configured to do")
        ->check(CLI::ExistingFile)
        ->envname("MX3PID_PROFILE");
    app.add_option("--spec", options.spec,
                   "edition to judge against (r0.3.0 … v1.19), or auto: what the server advertises (default; builtin: the newest)")
        ->envname("MX3PID_SPEC");
    app.add_option("--wait-for-server", options.wait_for_server_seconds,
                   "poll GET /_matrix/client/versions for up to SECONDS until the homeserver answers, before the run")
        ->check(CLI::Range(0.0, 3600.0))
        ->envname("MX3PID_WAIT_FOR_SERVER");
    app.add_option("--identity-listen", options.identity_listen,
                   "HOST:PORT for the mock identity server (default from the profile, else " +
                       spec::defaults::identity_listen() + " for a URL, a free port for builtin; the untrusted one: " +
                       spec::defaults::decoy_listen() + ")");
    app.add_option("--identity-public-url", options.identity_public_url,
                   "the URL the homeserver reaches the mock identity server at, when not its listen address");
    app.add_flag("--identity-tls", options.identity_tls,
                 "the mock identity servers speak https, with a certificate made for the run (proxying servers call https://{id_server})");
    app.add_option("--smtp-listen", options.smtp_listen,
                   "HOST:PORT for the mail sink, for servers that send mail themselves (default from the profile, else " +
                       spec::defaults::smtp_listen() + " for a URL)");
    app.add_option("--ca-file", options.ca_file, "trust the certificates in this PEM file for an https homeserver")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", options.insecure, "do not verify an https homeserver's certificate (warned on every run)");
}

void define_selection_options(CLI::App& app, Options& options) {
    options.cases = suite::default_cases_dir();
    app.add_option("--cases", options.cases, "directory of case files; " + suite::cases_lookup_text())->envname("MX3PID_CASES");
    app.add_option("--filter", options.filters, "run only cases whose ID matches one of these globs (comma-separated)")
        ->envname("MX3PID_FILTER");
    app.add_option("--exclude", options.excludes, "leave out cases whose ID matches one of these globs (comma-separated)")
        ->envname("MX3PID_EXCLUDE");
    app.add_flag("--list", options.list, "list the cases that would run, and exit");
    app.add_option("--depth", options.depth,
                   "quick (default): the hand-written cases and a few inputs derived from the spec's grammars and "
                   "schemas; full: every derived input")
        ->check(CLI::IsMember({"quick", "full"}))
        ->envname("MX3PID_DEPTH");
    app.add_flag("--list-builtin", options.list_builtin, "list the built-in homeservers, reference first, and exit");
    app.add_option("--expectations", options.expectations,
                   "known failures (YAML): listed failures become xfail, listed passes xpass")
        ->check(CLI::ExistingFile)
        ->envname("MX3PID_EXPECTATIONS");
    app.add_option("--write-known-failures", options.write_known_failures,
                   "after the run, write its failures to FILE as known failures (exact IDs, the edition, reasons to fill in)");
}

void define_report_options(CLI::App& app, Options& options) {
    app.add_option("--junit", options.junit, "write a JUnit XML report to FILE")->envname("MX3PID_JUNIT");
    app.add_option("--json", options.json, "write a JSON report to FILE")->envname("MX3PID_JSON");
    app.add_option("--markdown", options.markdown, "write a Markdown summary to FILE")->envname("MX3PID_MARKDOWN");
    app.add_option("--markdown-max", options.markdown_max,
                   "the Markdown summary's size limit in bytes; past it the least important detail is left out (default 65536, "
                   "what a pull-request comment holds)")
        ->check(CLI::Range(std::size_t{4096}, std::size_t{1} << 30));
    app.add_option("--html", options.html, "write a self-contained HTML report to FILE")->envname("MX3PID_HTML");
    app.add_option("--junit-suffix", options.junit_suffix,
                   "append TEXT to every JUnit suite name and classname ({edition} is the edition judged), so that "
                   "reports of several runs merge");
    app.add_option("--ci", options.ci,
                   "github: GitHub Actions annotations, folded log groups and the job summary; auto (default): github under "
                   "GITHUB_ACTIONS=true; none")
        ->check(CLI::IsMember({"auto", "github", "none"}))
        ->envname("MX3PID_CI");
}

void define_run_options(CLI::App& app, Options& options) {
    app.add_option("--jobs", options.jobs, "run up to N independent cases at once (default 1)")
        ->check(CLI::Range(1, 64))
        ->envname("MX3PID_JOBS");
    app.add_option("--max-wait", options.max_wait_seconds,
                   "seconds mx3pid may wait out 429 answers in one case (default from the profile, else 60)")
        ->check(CLI::Range(0.0, 3600.0))
        ->envname("MX3PID_MAX_WAIT");
    app.add_option("--timeout", options.timeout_seconds, "seconds to wait for each answer (default 10)")
        ->check(CLI::Range(0.1, 600.0))
        ->envname("MX3PID_TIMEOUT");
    app.add_flag("--strict", options.strict, "a WARN, a skipped case or a case not run also fails the gate")->envname("MX3PID_STRICT");
    app.add_flag("--fail-fast", options.fail_fast, "stop at the first case that fails the gate; the rest are not run");
    app.add_flag("--judge-every-edition", options.judge_every_edition,
                 "with several editions, judge each on its own instead of once per set of editions that judge alike "
                 "(slower; the verdicts are the same)");
    app.add_option("--seed", options.seed, "seed for generated addresses and secrets (printed on every run)");
    app.add_flag("-v,--verbose", options.verbose, "print every check");
    app.add_flag("-q,--quiet", options.quiet, "print a line only for a case that fails, errs or warns, then the recap");
    app.add_option("--color", options.color, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_flag("--no-redact", options.no_redact, "show client secrets and tokens in reports (they are redacted by default)");
    app.add_flag("--version", options.version, "print the version and exit");
}

void define_log_options(CLI::App& app, Options& options) {
    app.add_option("--log", options.log_file,
                   "write a trace of the run to FILE: every exchange, side-channel arrival and the key that placed it, "
                   "settle window, rate-limit wait and revised verdict");
    app.add_option("--log-level", options.log_level, "trace, debug (adds bodies), info (default) or warn")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn"}));
    app.add_flag("--log-secrets", options.log_secrets, "leave client secrets and tokens unmasked in the --log trace");
}

}  // namespace

void define_options(CLI::App& app, Options& options) {
    define_target_options(app, options);
    define_selection_options(app, options);
    define_report_options(app, options);
    define_run_options(app, options);
    define_log_options(app, options);
    app.footer(help_footer());
}

std::string help_footer() {
    return "Exit codes (a run's own outcome: the first of 1, 5, 6, 0 that applies):\n"
           "  0    conformant: every case passed, warned, was skipped or is a known failure\n"
           "  1    not conformant: a FAIL, NOIMP or XPASS (with --strict also a WARN)\n"
           "  2    usage or configuration error (bad flag, file, port, known-failures glob that matches passing cases)\n"
           "  3    the target could not be tested at all (unreachable, TLS, no known edition, fixtures not made)\n"
           "  4    the filter selected no case\n"
           "  5    could not judge: no failure, but some case is an ERROR\n"
           "  6    incomplete: no failure or error, but some case was not run (with --strict also skipped)\n"
           "  130  interrupted\n"
           "Every exit after the flags parse writes the reports asked for.\n"
           "Environment: MX3PID_HOMESERVER, MX3PID_PROFILE, MX3PID_SPEC, MX3PID_EXPECTATIONS, MX3PID_CASES, MX3PID_FILTER,\n"
           "  MX3PID_EXCLUDE, MX3PID_DEPTH, MX3PID_JUNIT, MX3PID_JSON, MX3PID_MARKDOWN, MX3PID_HTML, MX3PID_JOBS, MX3PID_TIMEOUT,\n"
           "  MX3PID_MAX_WAIT, MX3PID_WAIT_FOR_SERVER, MX3PID_STRICT, MX3PID_CI stand for the flag of the same name when it is\n"
           "  not given. Subcommands: mx3pid repro CASE-ID [--hold SECONDS] [the run's options],\n"
           "  mx3pid homeserver-config SERVER --profile FILE.";
}

bool github_wanted(const Options& options) {
    if (options.ci == "github") return true;
    if (options.ci == "none") return false;
    const char* actions = std::getenv("GITHUB_ACTIONS");
    return actions && std::string(actions) == "true";
}

bool is_builtin_target(const std::string& homeserver) {
    return homeserver == "builtin" || homeserver.rfind("builtin:", 0) == 0;
}

std::string flag_suggestion(const CLI::App& app, const std::string& parse_error) {
    static const std::regex unknown("(--?[A-Za-z][A-Za-z0-9-]*)");
    std::vector<std::string> known;
    for (const auto* option : app.get_options())
        for (const auto& name : option->get_lnames()) known.push_back("--" + name);
    for (std::sregex_iterator it(parse_error.begin(), parse_error.end(), unknown), end; it != end; ++it) {
        const auto word = (*it)[1].str();
        if (std::find(known.begin(), known.end(), word) != known.end()) continue;
        if (auto near = nearest(word, known)) return "did you mean " + *near + "?";
    }
    return {};
}

}  // namespace mx3pid::cli
