#include "cli/cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <iostream>
#include <random>
#include <sstream>
#include <csignal>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "suite/case_model.hpp"
#include "suite/config_error.hpp"
#include "suite/known_failures.hpp"
#include "cli/coverage_command.hpp"
#include "cli/homeserver_config_command.hpp"
#include "suite/locations.hpp"
#include "suite/profile.hpp"
#include "targets/provision.hpp"
#include "engine/runner.hpp"
#include "suite/selection.hpp"
#include "targets/target.hpp"
#include "reference_homeserver/chaos.hpp"
#include "reference_homeserver/variants.hpp"
#include "reports/progress.hpp"
#include "reports/writers.hpp"
#include "spec/defaults.hpp"

#ifndef MX3PID_VERSION
#define MX3PID_VERSION "0.0.0"
#endif

namespace mx3pid::cli {
namespace {

struct Options {
    std::string homeserver;
    std::string profile;
    std::string spec;
    std::string cases = suite::default_cases_dir();
    std::vector<std::string> filters;
    bool list = false;
    bool list_builtin = false;
    std::string junit, json, markdown, html;
    std::string junit_suffix;
    std::string identity_listen, smtp_listen;
    double timeout_seconds = 10;
    std::optional<double> max_wait_seconds;
    std::optional<std::uint64_t> seed;
    bool verbose = false;
    std::string color = "auto";
    bool version = false;
    bool no_redact = false;
    std::string expectations;
    unsigned jobs = 1;
    std::string ca_file;
    bool insecure = false;
    bool identity_tls = false;
    std::string identity_public_url;
};

bool is_builtin_target(const std::string& homeserver) {
    return homeserver == "builtin" || homeserver.rfind("builtin:", 0) == 0;
}

bool is_loopback_listen(const std::string& listen) {
    auto where = targets::parse_listen(listen);
    if (!where) return true;  // refused later, with its own message
    return where->host.rfind("127.", 0) == 0 || where->host == "::1" || where->host == "localhost";
}

/// Turns SIGINT and SIGTERM into a flag the runner checks between cases, for as long as it lives;
/// a second signal ends the process as usual.
class InterruptGuard {
public:
    InterruptGuard() {
        raised().store(false);
        struct sigaction action {};
        action.sa_handler = [](int) { raised().store(true); };
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &previous_interrupt_);
        sigaction(SIGTERM, &action, &previous_terminate_);
    }
    ~InterruptGuard() {
        sigaction(SIGINT, &previous_interrupt_, nullptr);
        sigaction(SIGTERM, &previous_terminate_, nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    const std::atomic<bool>& flag() const { return raised(); }

private:
    static std::atomic<bool>& raised() {
        static std::atomic<bool> value{false};
        return value;
    }
    struct sigaction previous_interrupt_ {};
    struct sigaction previous_terminate_ {};
};

/// The strings GET /_matrix/client/versions lists under "versions", in its order.
std::vector<std::string> advertised_editions(const net::Response& versions) {
    std::vector<std::string> names;
    auto body = nlohmann::json::parse(versions.body, nullptr, false);
    if (versions.status != 200 || !body.is_object() || !body.contains("versions") || !body["versions"].is_array())
        return names;
    for (const auto& item : body["versions"])
        if (item.is_string()) names.push_back(item.get<std::string>());
    return names;
}

/// Newest edition that both the server's /versions and mx3pid know.
std::optional<spec::Edition> detect_edition(const std::vector<std::string>& advertised) {
    std::optional<spec::Edition> newest;
    for (const auto& name : advertised) {
        auto edition = spec::Edition::parse(name);
        if (edition && (!newest || *newest < *edition)) newest = edition;
    }
    return newest;
}

/// One sentence when the edition judged is not one the server advertises, else empty.
std::string edition_note(const spec::Edition& judged, const std::vector<std::string>& advertised) {
    if (std::find(advertised.begin(), advertised.end(), judged.name()) != advertised.end()) return {};
    std::string listed;
    for (const auto& name : advertised) listed += (listed.empty() ? "" : ", ") + name;
    return "judged as " + std::string(judged.name()) + ", which the homeserver does not advertise (GET /_matrix/client/versions lists " +
           (listed.empty() ? std::string("none") : listed) + ")";
}

std::vector<std::string> split_filters(const std::vector<std::string>& raw) {
    std::vector<std::string> globs;
    for (const auto& item : raw) {
        std::stringstream parts(item);
        std::string glob;
        while (std::getline(parts, glob, ','))
            if (!glob.empty()) globs.push_back(glob);
    }
    return globs;
}

void list_cases(const std::vector<suite::CaseTemplate>& templates, const std::vector<std::string>& filters,
                const std::optional<spec::Edition>& edition, std::ostream& out, std::size_t& listed) {
    std::vector<std::string> seen;
    for (const auto& instance : suite::expand(templates)) {
        if (!filters.empty() && std::none_of(filters.begin(), filters.end(),
                                             [&](const std::string& glob) { return suite::glob_match(glob, instance.id); }))
            continue;
        if (edition && !instance.source->editions.contains(*edition)) continue;
        out << instance.id << "  [" << instance.source->editions.text() << "]  " << instance.source->title << "\n";
        if (std::find(seen.begin(), seen.end(), instance.id) == seen.end()) seen.push_back(instance.id);
    }
    listed = seen.size();
}

/// `text` with every "{edition}" replaced by the edition judged.
std::string with_edition(std::string text, const std::string& edition) {
    constexpr std::string_view placeholder = "{edition}";
    for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + edition.size()))
        text.replace(at, placeholder.size(), edition);
    return text;
}

void write_reports(const Options& options, const reports::RunResult& run) {
    const reports::JunitOptions junit{with_edition(options.junit_suffix, run.edition)};
    if (!options.junit.empty())
        reports::write_file_atomically(options.junit, [&](std::ostream& out) { reports::write_junit(run, out, junit); });
    if (!options.json.empty())
        reports::write_file_atomically(options.json, [&](std::ostream& out) { reports::write_json(run, out); });
    if (!options.markdown.empty())
        reports::write_file_atomically(options.markdown, [&](std::ostream& out) { reports::write_markdown(run, out); });
    if (!options.html.empty())
        reports::write_file_atomically(options.html, [&](std::ostream& out) { reports::write_html(run, out); });
}

/// A case the run never reached: in the reports as skipped, "not run: interrupted".
reports::CaseResult not_run(const suite::SelectedCase& selected, const engine::Environment& environment,
                            reports::Clock::time_point when) {
    auto result = engine::start_result(selected, environment);
    result.verdict = reports::Verdict::skip;
    result.not_run = true;
    result.message = "not run: interrupted";
    result.started = result.finished = when;
    return result;
}

/// The results of the cases that ran and, in selection order among them, every selected case that did not.
std::vector<reports::CaseResult> with_cases_not_run(const std::vector<suite::SelectedCase>& selected,
                                                    std::vector<reports::CaseResult> ran, const engine::Environment& environment,
                                                    reports::Clock::time_point when) {
    std::multimap<std::string, reports::CaseResult*> by_id;
    for (auto& result : ran) by_id.emplace(result.id, &result);
    std::vector<reports::CaseResult> all;
    all.reserve(selected.size());
    for (const auto& one : selected) {
        auto found = by_id.find(one.instance.id);
        if (found == by_id.end()) {
            all.push_back(not_run(one, environment, when));
            continue;
        }
        all.push_back(std::move(*found->second));
        by_id.erase(found);
    }
    return all;
}

/// Columns of the terminal on standard output, at least 80.
std::size_t terminal_columns() {
    winsize size{};
    std::size_t columns = 0;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0) columns = size.ws_col;
    if (columns == 0)
        if (const char* env = std::getenv("COLUMNS")) columns = static_cast<std::size_t>(std::atoi(env));
    return std::max<std::size_t>(columns, 80);
}


void define_options(CLI::App& app, Options& options) {
    app.add_option("--homeserver", options.homeserver,
                   "URL of the homeserver under test, or builtin[:VARIANT] (default: builtin)");
    app.add_option("--profile", options.profile, "target profile (YAML): what the homeserver is configured to do")
        ->check(CLI::ExistingFile);
    app.add_option("--spec", options.spec, "edition to judge against (r0.4.0 … v1.19), or auto (default)");
    app.add_option("--cases", options.cases, "directory of case files; " + suite::cases_lookup_text());
    app.add_option("--filter", options.filters, "run only cases whose ID matches one of these globs (comma-separated)");
    app.add_flag("--list", options.list, "list the cases that would run, and exit");
    app.add_flag("--list-builtin", options.list_builtin, "list the built-in homeservers, reference first, and exit");
    app.add_option("--expectations", options.expectations,
                   "known failures (YAML): listed failures become xfail, listed passes xpass")
        ->check(CLI::ExistingFile);
    app.add_option("--jobs", options.jobs, "run up to N independent cases at once (default 1)")->check(CLI::Range(1, 64));
    app.add_option("--junit", options.junit, "write a JUnit XML report to FILE");
    app.add_option("--json", options.json, "write a JSON report to FILE");
    app.add_option("--markdown", options.markdown, "write a Markdown summary to FILE");
    app.add_option("--html", options.html, "write a self-contained HTML report to FILE");
    app.add_option("--junit-suffix", options.junit_suffix,
                   "append TEXT to every JUnit suite name and classname ({edition} is the edition judged), so that "
                   "reports of several runs merge");
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
    app.add_option("--max-wait", options.max_wait_seconds,
                   "seconds mx3pid may wait out 429 answers in one case (default from the profile, else 60)")
        ->check(CLI::Range(0.0, 3600.0));
    app.add_option("--ca-file", options.ca_file, "trust the certificates in this PEM file for an https homeserver")
        ->check(CLI::ExistingFile);
    app.add_flag("--insecure", options.insecure, "do not verify an https homeserver's certificate (warned on every run)");
    app.add_option("--timeout", options.timeout_seconds, "seconds to wait for each answer (default 10)")
        ->check(CLI::Range(0.1, 600.0));
    app.add_option("--seed", options.seed, "seed for generated addresses and secrets (printed on every run)");
    app.add_flag("-v,--verbose", options.verbose, "print every check");
    app.add_option("--color", options.color, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_flag("--no-redact", options.no_redact, "show client secrets and tokens in reports (they are redacted by default)");
    app.add_flag("--version", options.version, "print the version and exit");
}

/// What a run is given before it talks to anyone: the profile (with the command line's overrides),
/// the cases, the known failures, the filters and the edition asked for.
struct Inputs {
    suite::Profile profile;
    suite::Suite suite;  ///< the sentence catalogue and the case templates
    std::vector<suite::KnownFailure> known_failures;
    std::vector<std::string> filters;
    std::optional<spec::Edition> given_edition;
};

/// Reads the profile, cases and known failures; nothing (with the message written) when one is wrong.
std::optional<Inputs> read_inputs(Options& options, std::ostream& err) {
    Inputs inputs;
    inputs.filters = split_filters(options.filters);
    try {
        if (!options.profile.empty()) inputs.profile = suite::load_profile(options.profile);
        if (options.homeserver.empty()) options.homeserver = inputs.profile.homeserver.value_or("builtin");
        bool builtin = is_builtin_target(options.homeserver);
        if (options.profile.empty() && builtin) inputs.profile = suite::load_profile(options.cases + "/profiles/builtin.yaml");
        if (options.profile.empty() && !builtin) inputs.profile.path = "(defaults)";
        inputs.suite = suite::load_suite(options.cases);
        if (!options.expectations.empty()) inputs.known_failures = suite::load_expectations(options.expectations);
    } catch (const suite::ConfigError& e) {
        err << "mx3pid: " << e.what() << "\n";
        return std::nullopt;
    }
    return inputs;
}

/// The command line's say over the profile; false (with the message written) when a value is wrong.
bool apply_overrides(Options& options, Inputs& inputs, std::ostream& err) {
    auto& profile = inputs.profile;
    if (!options.identity_listen.empty()) profile.identity_listen = options.identity_listen;
    if (!options.smtp_listen.empty()) profile.smtp_listen = options.smtp_listen;
    profile.identity_listen_given |= !options.identity_listen.empty();
    profile.smtp_listen_given |= !options.smtp_listen.empty();
    if (!is_builtin_target(options.homeserver)) suite::use_standard_ports(profile);
    if (!options.identity_public_url.empty()) {
        if (!net::Url::parse(options.identity_public_url)) {
            err << "mx3pid: --identity-public-url takes an http(s) URL, not '" << options.identity_public_url << "'\n";
            return false;
        }
        profile.identity_public_url = options.identity_public_url;
    }
    if (options.identity_tls) profile.identity_scheme = "https";
    if (options.max_wait_seconds)
        profile.max_rate_limit_wait = std::chrono::milliseconds(static_cast<long>(*options.max_wait_seconds * 1000));
    if (options.spec.empty()) options.spec = profile.spec;
    if (options.spec != "auto") {
        inputs.given_edition = spec::Edition::parse(options.spec);
        if (!inputs.given_edition) {
            err << "mx3pid: unknown edition '" << options.spec << "' (r0.4.0, r0.5.0, r0.6.0, r0.6.1, v1.1 … v1.19, or auto)\n";
            return false;
        }
    }
    return true;
}

net::ClientOptions client_options(const Options& options) {
    net::ClientOptions client;
    client.read_timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
    client.connect_timeout = std::min(client.read_timeout, std::chrono::milliseconds(5000));
    client.max_response_bytes = 1 << 20;  // a requestToken answer is a few hundred bytes
    client.ca_file = options.ca_file;
    client.insecure = options.insecure;
    return client;
}

/// The edition judged, how it was chosen, and what the server advertises.
struct Judged {
    spec::Edition edition;
    std::string source;
    std::vector<std::string> advertised;
};

/// Asks /versions; nothing (with the message written) when the target cannot be tested.
std::optional<Judged> choose_edition(targets::Target& target, const targets::TargetChoice& choice, const std::optional<spec::Edition>& given,
                                     const net::ClientOptions& client, std::ostream& err) {
    auto versions = net::send(target.homeserver_url(),
                              net::Request{"GET", "/_matrix/client/versions", {{"Accept", "application/json"}}, "", ""},
                              client);
    if (!versions) {
        err << "mx3pid: cannot test " << choice.text << ": " << versions.failure().describe() << "\n";
        return std::nullopt;
    }
    auto advertised = advertised_editions(*versions);
    if (given) return Judged{*given, "given", std::move(advertised)};
    auto detected = detect_edition(advertised);
    if (!detected) {
        err << "mx3pid: cannot test " << choice.text << ": GET /_matrix/client/versions names no edition mx3pid knows (status "
            << versions->status << "); give one with --spec\n";
        return std::nullopt;
    }
    return Judged{*detected, "detected from /_matrix/client/versions", std::move(advertised)};
}

/// What every report of the run must say before its first case: risky settings, reach, edition doubts.
std::vector<std::string> run_warnings_for(const Options& options, const suite::Profile& profile, targets::Target& target,
                                          const spec::Edition& edition) {
    std::vector<std::string> warnings;
    if (options.insecure)
        warnings.push_back("--insecure: the homeserver's certificate is not verified; anyone on the path can answer for it");
    for (const auto& [what, listen] : {std::pair{"mock identity server", profile.identity_listen},
                                       std::pair{"untrusted mock identity server", profile.decoy_listen},
                                       std::pair{"mail sink", profile.smtp_listen}})
        if (!is_loopback_listen(listen) && (std::string(what) != "mail sink" || target.mailbox()))
            warnings.push_back(std::string("the ") + what + " listens on " + listen + ", beyond this machine's loopback");
    if (!target.identity_certificate().empty())
        warnings.push_back("the mock identity servers speak https with the certificate in " + target.identity_certificate() +
                           ": the homeserver must trust it");
    if (options.no_redact) warnings.push_back("--no-redact: client secrets and tokens appear in the reports");
    for (auto& warning : suite::mode_warnings(profile, edition)) warnings.push_back(std::move(warning));
    return warnings;
}

reports::RunResult start_run(const Options& options, const suite::Profile& profile, targets::Target& target, const targets::TargetChoice& choice,
                             const Judged& judged, const engine::Environment& environment, std::size_t planned,
                             std::uint64_t seed, bool self_made_fixtures) {
    reports::RunResult run;
    run.warnings = run_warnings_for(options, profile, target, judged.edition);
    run.tool_version = MX3PID_VERSION;
    run.target = choice.text;
    run.edition = judged.edition.name();
    run.edition_source = judged.source;
    run.advertised_editions = judged.advertised;
    run.edition_note = edition_note(judged.edition, run.advertised_editions);
    run.planned = planned;
    run.profile = profile.path;
    run.seed = std::to_string(seed);
    run.properties.emplace_back("identity_server", environment.id_server);
    run.properties.emplace_back("validation", "email " + std::string(spec::to_string(profile.email_validation)) +
                                                  ", msisdn " + std::string(spec::to_string(profile.msisdn_validation)));
    run.properties.emplace_back("enumeration_protection", profile.enumeration_protection ? "true" : "false");
    run.properties.emplace_back("side_channel_grace_ms", std::to_string(environment.grace.count()));
    if (self_made_fixtures) run.properties.emplace_back("bound_addresses", "made by mx3pid: " + targets::describe_bound(profile));
    if (target.mailbox()) run.properties.emplace_back("mail_sink", target.mailbox()->authority());
    run.started = reports::Clock::now();
    return run;
}

reports::ConsoleOptions console_options(const Options& options, bool terminal, const std::vector<suite::SelectedCase>& selected) {
    reports::ConsoleOptions console;
    console.verbose = options.verbose;
    console.color = reports::colour_wanted(options.color, terminal, std::getenv("NO_COLOR") != nullptr);
    console.width = terminal ? terminal_columns() : 0;
    std::vector<std::string> ids;
    for (const auto& one : selected) ids.push_back(one.instance.id);
    console.id_width = reports::id_column(ids, console.width);
    return console;
}

/// Runs the cases, printing each as its verdict becomes final, into `run`.
void run_selected(const std::vector<suite::SelectedCase>& selected, engine::Environment& environment, suite::KnownFailures& known,
                  const reports::ConsoleOptions& console, bool terminal, std::ostream& out, reports::RunResult& run) {
    reports::ProgressLine progress(out, terminal, console.width);
    environment.on_case_start = [&](std::size_t index, std::size_t total, const std::string& id) {
        progress.case_started(index, total, id);
    };
    environment.on_wait = [&](const std::string& what, std::chrono::milliseconds left) { progress.waiting(what, left); };
    InterruptGuard interrupts;
    environment.stop = &interrupts.flag();
    auto ran = engine::run_cases(selected, environment, [&](reports::CaseResult& result) {
        known.apply(result);
        progress.print([&](std::ostream& stream) { reports::write_console_case(result, stream, console); }, result.id);
    });
    run.interrupted = interrupts.flag().load();
    run.finished = reports::Clock::now();
    run.cases = with_cases_not_run(selected, std::move(ran), environment, run.finished);
    run.sentences = engine::cited_sentences(run.cases, environment.catalogue, environment.edition);
    for (auto& result : run.cases)
        if (result.not_run) known.apply(result);  // an entry for a case not reached is not a stale one
}

/// What the run learned after its last case: 429s, stray side-channel arrivals, stale known failures.
void close_run(const engine::Environment& environment, const suite::KnownFailures& known, reports::RunResult& run, std::ostream& err) {
    run.rate_limited = environment.rate_limited.load();
    for (const auto& warning : environment.warnings) run.warnings.push_back("side channel: " + warning);
    run.properties.emplace_back("rate_limited_responses", std::to_string(run.rate_limited));
    for (const auto& warning : known.unmatched()) {
        err << "mx3pid: warning: " << warning << "\n";
        run.warnings.push_back(warning);
    }
}

int exit_code_of(const reports::RunResult& run) {
    if (run.interrupted) return exit_interrupted;
    bool conformant = std::none_of(run.cases.begin(), run.cases.end(),
                                   [](const reports::CaseResult& result) { return reports::is_unexpected(result.verdict); });
    return conformant ? exit_conformant : exit_not_conformant;
}

/// --version, --list-builtin, `homeserver-config` and `coverage` answer without a run.
std::optional<int> answer_without_a_run(const Options& options, const HomeserverConfigCommand& config_command,
                                        const CoverageCommand& coverage_command, std::ostream& out, std::ostream& err) {
    if (config_command.command->parsed()) return run_homeserver_config(config_command, out, err);
    if (coverage_command.command->parsed()) return run_coverage(coverage_command, out, err);
    if (options.version) {
        out << "mx3pid " << MX3PID_VERSION << "\n";
        return exit_conformant;
    }
    if (options.list_builtin) {
        // variants() is in the listed order: reference, faulty, conformant, hostile; chaos servers are hostile too.
        for (const auto& variant : reference_homeserver::variants()) out << reference_homeserver::listed_name(variant) << "\n";
        for (const auto& variant : reference_homeserver::chaos_variants()) out << "hostile:" << variant.name << "\n";
        return exit_conformant;
    }
    return std::nullopt;
}

/// Starts the target and what it needs beside it; null (with the message written) when it cannot.
std::unique_ptr<targets::Target> start_target(const targets::TargetChoice& choice, const Inputs& inputs, std::ostream& err) {
    try {
        return std::make_unique<targets::Target>(choice, inputs.profile, inputs.given_edition.value_or(*spec::Edition::parse("r0.4.0")));
    } catch (const std::exception& e) {
        err << "mx3pid: " << e.what() << "\n";
        return nullptr;
    }
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Options options;
    CLI::App app{"mx3pid: conformance tests for the Matrix 3PID requestToken API", "mx3pid"};
    define_options(app, options);
    HomeserverConfigCommand config_command;
    add_homeserver_config_command(app, config_command);
    CoverageCommand coverage_command;
    add_coverage_command(app, coverage_command);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        out << app.help();
        return exit_conformant;
    } catch (const CLI::ParseError& e) {
        err << "mx3pid: " << e.what() << "\n" << "Run mx3pid --help for usage.\n";
        return exit_usage;
    }
    if (auto answered = answer_without_a_run(options, config_command, coverage_command, out, err)) return *answered;

    auto inputs = read_inputs(options, err);
    if (!inputs || !apply_overrides(options, *inputs, err)) return exit_usage;
    auto& profile = inputs->profile;
    if (options.list) {
        std::size_t listed = 0;
        list_cases(inputs->suite.templates, inputs->filters, inputs->given_edition, out, listed);
        if (listed == 0) err << "mx3pid: the filter selected no case\n";
        return listed == 0 ? exit_no_case : exit_conformant;
    }

    std::string target_error;
    auto choice = targets::parse_target(options.homeserver, target_error);
    if (!choice) {
        err << "mx3pid: " << target_error << "\n";
        return exit_usage;
    }
    const auto client = client_options(options);
    auto target = start_target(*choice, *inputs, err);
    if (!target) return exit_usage;
    auto judged = choose_edition(*target, *choice, inputs->given_edition, client, err);
    if (!judged) return exit_untestable;

    std::uint64_t seed = options.seed.value_or(std::random_device{}());
    engine::FixtureFactory fixtures(seed, profile);
    const bool self_made_fixtures = targets::wants_provisioning(profile);
    if (self_made_fixtures &&
        !targets::make_bound_addresses(targets::ProvisionContext{target->homeserver_url(), judged->edition, profile, target->identity(),
                                               target->mailbox(), fixtures, target->id_server(profile), client},
                              profile, out, err))
        return exit_untestable;

    auto selected = suite::select_cases(inputs->suite.templates, judged->edition, profile, inputs->filters);
    if (selected.empty()) {
        err << "mx3pid: the filter selected no case\n";
        return exit_no_case;
    }

    engine::Environment environment{target->homeserver_url(), judged->edition, profile, inputs->suite.catalogue,
                                    target->identity(), target->decoy(), target->mailbox(), net::Client(client), fixtures};
    environment.redact = !options.no_redact;
    environment.jobs = options.jobs;
    environment.id_server = target->id_server(profile);
    environment.grace = profile.side_channel_grace.value_or(target->side_channel_grace());
    auto run = start_run(options, profile, *target, *choice, *judged, environment, selected.size(), seed, self_made_fixtures);

    const bool terminal = &out == &std::cout && isatty(STDOUT_FILENO);
    const auto console = console_options(options, terminal, selected);
    reports::write_console_header(run, out, console);
    suite::KnownFailures known(inputs->known_failures, judged->edition, run.target);
    run_selected(selected, environment, known, console, terminal, out, run);
    close_run(environment, known, run, err);
    reports::write_console_summary(run, out, console);
    try {
        write_reports(options, run);
    } catch (const std::exception& e) {
        err << "mx3pid: " << e.what() << "\n";
        return exit_usage;
    }
    return exit_code_of(run);
}

}  // namespace mx3pid::cli
