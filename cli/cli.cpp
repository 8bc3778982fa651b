#include "cli/cli.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <random>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "cli/baseline.hpp"
#include "cli/edition_choice.hpp"
#include "cli/exit_code.hpp"
#include "cli/coverage_command.hpp"
#include "cli/homeserver_config_command.hpp"
#include "cli/inputs.hpp"
#include "cli/interrupt_guard.hpp"
#include "cli/options.hpp"
#include "cli/report_output.hpp"
#include "cli/repro_command.hpp"
#include "cli/start_failure.hpp"
#include "engine/runner.hpp"
#include "engine/trace.hpp"
#include "reference_homeserver/chaos.hpp"
#include "reference_homeserver/variants.hpp"
#include "reports/progress.hpp"
#include "reports/writers.hpp"
#include "suite/known_failures.hpp"
#include "targets/fixture_setup.hpp"
#include "targets/target.hpp"

#ifndef MX3PID_VERSION
#define MX3PID_VERSION "0.0.0"
#endif

namespace mx3pid::cli {
namespace {

bool is_loopback_listen(const std::string& listen) {
    auto where = targets::parse_listen(listen);
    if (!where) return true;  // refused later, with its own message
    return where->host.rfind("127.", 0) == 0 || where->host == "::1" || where->host == "localhost";
}

/// A case the run never reached: in the reports as skipped, "not run: REASON".
reports::CaseResult not_run(const suite::SelectedCase& selected, const engine::Environment& environment, const spec::Edition& edition,
                            reports::Clock::time_point when, const std::string& reason) {
    auto result = engine::start_result(selected, environment, edition);
    result.verdict = reports::Verdict::skip;
    result.not_run = true;
    result.message = "not run: " + reason;
    result.started = result.finished = when;
    return result;
}

/// The results of the cases that ran and, in selection order among them, every selected case that did not.
std::vector<reports::CaseResult> with_cases_not_run(const std::vector<suite::SelectedCase>& selected,
                                                    std::vector<reports::CaseResult> ran, const engine::Environment& environment,
                                                    const spec::Edition& edition, reports::Clock::time_point when, const std::string& reason) {
    std::multimap<std::string, reports::CaseResult*> by_id;
    for (auto& result : ran) by_id.emplace(result.id, &result);
    std::vector<reports::CaseResult> all;
    all.reserve(selected.size());
    for (const auto& one : selected) {
        auto found = by_id.find(one.instance.id);
        if (found == by_id.end()) {
            all.push_back(not_run(one, environment, edition, when, reason));
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

net::ClientOptions client_options(const Options& options) {
    net::ClientOptions client;
    client.read_timeout = std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
    client.connect_timeout = std::min(client.read_timeout, std::chrono::milliseconds(5000));
    client.max_response_bytes = 1 << 20;  // a requestToken answer is a few hundred bytes
    client.ca_file = options.ca_file;
    client.insecure = options.insecure;
    return client;
}

/// What every report of the run must say before its first case: risky settings, reach, edition doubts.
std::vector<std::string> run_warnings_for(const Options& options, const suite::Profile& profile, targets::Target& target,
                                          const std::vector<spec::Edition>& editions) {
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
    for (const auto& edition : editions)
        for (auto& warning : suite::mode_warnings(profile, edition))
            if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) warnings.push_back(std::move(warning));
    return warnings;
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

/// Parses argv; an exit code when there is nothing more to do (help, or a usage error with its "did you mean").
std::optional<int> parse(CLI::App& app, int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return exit_conformant;
    } catch (const CLI::ParseError& e) {
        err << "mx3pid: " << e.what() << "\n";
        if (const auto suggestion = flag_suggestion(app, e.what()); !suggestion.empty()) err << "mx3pid: " << suggestion << "\n";
        err << "Run mx3pid --help for usage.\n";
        return exit_usage;
    }
    return std::nullopt;
}

/// One run, from the options to the exit code, in named steps. Every exit after the flags parse
/// writes the reports asked for.
class Session {
public:
    Session(Options& options, const ReproCommand* repro, InterruptGuard& interrupts, std::ostream& out, std::ostream& err)
        : options_(options), repro_(repro), interrupts_(interrupts), out_(out), err_(err) {}

    int run() {
        if (auto stop = read_inputs(options_, inputs_)) return stopped(*stop);
        if (options_.list) return list();
        engine::trace::Session trace;  // the --log trace, until the run ends
        if (auto stop = start_trace()) return stopped(*stop);
        if (auto stop = start()) return stopped(*stop);
        auto selection = select_for_editions(inputs_, judged_->editions, err_);
        if (auto* stop = std::get_if<Stop>(&selection)) return stopped(*stop);
        auto editions = editions_to_run(std::move(std::get<0>(selection)));
        if (auto stop = set_up_fixtures(editions)) return stopped(*stop);
        return run_cases(editions);
    }

private:
    int list() {
        std::size_t listed = 0;
        list_cases(inputs_, out_, listed);
        if (listed == 0) err_ << "mx3pid: the filter selected no case\n";
        return listed == 0 ? exit_no_case : exit_conformant;
    }

    std::optional<Stop> start_trace() {
        if (options_.log_file.empty()) return std::nullopt;
        auto failure = engine::trace::start(options_.log_file, *engine::trace::parse_level(options_.log_level), options_.log_secrets);
        if (!failure) return std::nullopt;
        return Stop{exit_usage, *failure, "give --log a file mx3pid can write"};
    }

    /// The target and what stands beside it, the edition, and the seed of the run's fixtures.
    std::optional<Stop> start() {
        std::string error;
        choice_ = targets::parse_target(options_.homeserver, error);
        if (!choice_) return Stop{exit_usage, error, "give an http(s) URL, builtin or builtin:NAME (mx3pid --list-builtin lists them)"};
        client_ = client_options(options_);
        if (auto stop = start_target()) return stop;
        if (!choice_->builtin && options_.wait_for_server_seconds > 0)
            if (auto stop = wait_for_server(target_->homeserver_url(), choice_->text, options_.wait_for_server_seconds, client_,
                                            interrupts_, err_))
                return stop;
        const EditionWish wished{inputs_.given_edition, inputs_.given_editions, inputs_.all_advertised, inputs_.edition_source};
        auto chosen = choose_edition(target_->homeserver_url(), choice_->text, wished, client_);
        if (auto* stop = std::get_if<Stop>(&chosen)) return *stop;
        judged_ = std::get<Judged>(chosen);
        seed_ = options_.seed.value_or(std::random_device{}());
        fixtures_ = std::make_unique<engine::FixtureFactory>(seed_, inputs_.profile,
                                                             engine::send_attempt_floor(std::chrono::system_clock::now()));
        return std::nullopt;
    }

    std::optional<Stop> start_target() {
        const auto builtin_editions = !inputs_.given_editions.empty() ? inputs_.given_editions
                                                                       : std::vector{inputs_.given_edition.value_or(spec::Edition::all().back())};
        try {
            target_ = std::make_unique<targets::Target>(*choice_, inputs_.profile, builtin_editions);
        } catch (const std::exception& e) {
            return Stop{exit_usage, e.what(), "free the port, or choose another with --identity-listen or --smtp-listen"};
        }
        return std::nullopt;
    }

    /// Each edition's selection, with the server that answers as it.
    std::vector<engine::EditionCases> editions_to_run(std::vector<std::vector<suite::SelectedCase>> selections) const {
        std::vector<engine::EditionCases> editions;
        for (std::size_t i = 0; i < selections.size(); ++i) {
            const auto& edition = judged_->editions[i];
            const auto* target = target_.get();
            auto answers_as = [target, edition](const spec::Edition& earlier, const std::vector<std::string>& bodies) {
                return target->answers_alike(earlier, edition, bodies);
            };
            editions.push_back({edition, std::move(selections[i]), target_->homeserver_for(edition), answers_as});
        }
        return editions;
    }

    /// The profile's addresses before the cases (targets/fixture_setup), once per server: the bound
    /// ones the profile leaves to mx3pid made, the others checked; each step printed. Requests are
    /// spelt as the newest edition the server answers as. A Stop when registration was refused.
    std::optional<Stop> set_up_fixtures(std::vector<engine::EditionCases>& editions) {
        std::vector<std::vector<std::size_t>> servers;  // editions by the server answering them
        for (std::size_t i = 0; i < editions.size(); ++i) {
            auto same = std::find_if(servers.begin(), servers.end(), [&](const std::vector<std::size_t>& group) {
                return editions[group.front()].homeserver->origin() == editions[i].homeserver->origin();
            });
            if (same == servers.end()) servers.push_back({i});
            else same->push_back(i);
        }
        // Each server makes the bound addresses the profile leaves to mx3pid: the same ones, as they
        // are made from the seed, so the cases of every edition name one address.
        std::optional<suite::Profile> made;
        for (const auto& group : servers) {
            auto setup = set_up_fixtures_on(editions, group, static_cast<std::size_t>(&group - servers.data()), servers.size(), made);
            fixture_setup_.self_made = fixture_setup_.self_made || setup.self_made;
            fixture_setup_.check_requests += setup.check_requests;
            for (auto& warning : setup.warnings)
                if (std::find(fixture_setup_.warnings.begin(), fixture_setup_.warnings.end(), warning) == fixture_setup_.warnings.end())
                    fixture_setup_.warnings.push_back(std::move(warning));
            for (auto& error : setup.errors) fixture_setup_.errors.push_back(std::move(error));
            if (!setup.refused.empty()) return Stop{exit_untestable, "cannot test " + choice_->text + ": " + setup.refused, ""};
        }
        if (made) inputs_.profile = std::move(*made);
        return std::nullopt;
    }

    /// The set-up against the server answering the editions `group`, marking the cases of each.
    /// `made`: the profile with the addresses an earlier server's set-up made (the same on each).
    targets::FixtureSetup set_up_fixtures_on(std::vector<engine::EditionCases>& editions, const std::vector<std::size_t>& group,
                                             std::size_t server, std::size_t servers, std::optional<suite::Profile>& made) {
        const bool several_servers = servers > 1;
        const auto& newest = editions[group.back()];
        targets::FixtureContext context{*newest.homeserver, newest.edition, target_->identity(), target_->decoy(),
                                        target_->mailbox(), *fixtures_, target_->id_server(inputs_.profile), client_, grace()};
        context.server = server;
        std::vector<suite::SelectedCase> joined;
        for (auto i : group) joined.insert(joined.end(), editions[i].cases.begin(), editions[i].cases.end());
        std::vector<spec::Edition> served;
        for (auto i : group) served.push_back(editions[i].edition);
        const auto where = several_servers ? "setup for " + spec::describe(served) + ": " : std::string();
        auto profile = inputs_.profile;  // as planned: the fixture factory reads it, so it stays so until every server is set up
        auto setup = targets::set_up_fixtures(context, profile, joined, [&](const std::string& line) {
            out_ << (where.empty() || !line.starts_with("setup: ") ? line : where + line.substr(7)) << "\n";
            out_.flush();
        });
        if (setup.self_made && !made) made = std::move(profile);
        auto from = joined.begin();
        for (auto i : group) {
            std::move(from, from + static_cast<std::ptrdiff_t>(editions[i].cases.size()), editions[i].cases.begin());
            from += static_cast<std::ptrdiff_t>(editions[i].cases.size());
        }
        return setup;
    }

    std::chrono::milliseconds grace() const { return inputs_.profile.side_channel_grace.value_or(target_->side_channel_grace()); }

    bool several_editions() const { return judged_->editions.size() > 1; }

    reports::RunResult start_run(const engine::Environment& environment, std::size_t planned) {
        reports::RunResult run;
        run.warnings = run_warnings_for(options_, inputs_.profile, *target_, judged_->editions);
        run.tool_version = MX3PID_VERSION;
        run.target = choice_->text;
        run.edition = several_editions() ? spec::describe(judged_->editions) : judged_->edition.name();
        run.edition_source = judged_->source;
        run.advertised_editions = judged_->advertised;
        run.edition_note = judged_->note;
        run.planned = planned;
        run.profile = inputs_.profile.path;
        run.seed = std::to_string(seed_);
        const auto& profile = inputs_.profile;
        run.properties.emplace_back("identity_server", environment.id_server);
        run.properties.emplace_back("validation", "email " + std::string(spec::to_string(profile.email_validation)) + ", msisdn " +
                                                      std::string(spec::to_string(profile.msisdn_validation)));
        run.properties.emplace_back("enumeration_protection", profile.enumeration_protection ? "true" : "false");
        run.properties.emplace_back("side_channel_grace_ms", std::to_string(environment.grace.count()));
        if (fixture_setup_.self_made) run.properties.emplace_back("bound_addresses", "made by mx3pid: " + targets::describe_bound(profile));
        run.warnings.insert(run.warnings.end(), fixture_setup_.warnings.begin(), fixture_setup_.warnings.end());
        if (target_->mailbox()) run.properties.emplace_back("mail_sink", target_->mailbox()->authority());
        run.started = reports::Clock::now();
        return run;
    }

    reports::ConsoleOptions console_options(bool terminal, const std::vector<suite::SelectedCase>& selected) const {
        // The same case IDs in every edition: the first's set the column.
        reports::ConsoleOptions console;
        console.verbose = options_.verbose;
        console.quiet = options_.quiet;
        console.github = github_wanted(options_);
        console.color = reports::colour_wanted(options_.color, terminal, std::getenv("NO_COLOR") != nullptr);
        console.width = terminal ? terminal_columns() : 0;
        std::vector<std::string> ids;
        for (const auto& one : selected) ids.push_back(one.instance.id);
        console.id_width = reports::id_column(ids, console.width);
        return console;
    }

    /// --fail-fast: whether this case ends the run.
    bool fails_the_gate(const reports::CaseResult& result) const {
        using reports::Verdict;
        return reports::is_unexpected(result.verdict) || (options_.strict && result.verdict == Verdict::warn);
    }

    /// Runs the cases of every edition, printing each case as its verdicts become final, into `run`.
    void run_selected(const std::vector<engine::EditionCases>& editions, engine::Environment& environment, suite::KnownFailures& known,
                      const reports::ConsoleOptions& console, bool terminal, reports::RunResult& run) {
        reports::ProgressLine progress(out_, terminal, console.width);
        environment.on_case_start = [&](std::size_t index, std::size_t total, const std::string& id) {
            progress.case_started(index, total, id);
        };
        environment.on_wait = [&](const std::string& what, std::chrono::milliseconds left) { progress.waiting(what, left); };
        environment.stop = &interrupts_.stop_flag();
        std::vector<std::string> names;
        for (const auto& edition : editions) names.push_back(edition.edition.name());
        std::string stopped_at;
        auto ran = engine::run_editions(editions, environment, [&](std::vector<reports::CaseResult>& row) {
            for (std::size_t e = 0; e < row.size(); ++e) known.apply(row[e], editions[e].edition);
            progress.print([&](std::ostream& stream) {
                if (row.size() == 1) reports::write_console_case(row.front(), stream, console);
                else reports::write_console_row(row, names, stream, console);
            }, row.front().id);
            const bool fails = std::any_of(row.begin(), row.end(), [&](const reports::CaseResult& result) { return fails_the_gate(result); });
            if (options_.fail_fast && stopped_at.empty() && fails) {
                stopped_at = row.front().id;
                interrupts_.stop_cases();
            }
        });
        run.interrupted = interrupts_.interrupted();
        run.finished = reports::Clock::now();
        const auto reason = run.interrupted ? std::string("interrupted") : "--fail-fast stopped the run at " + stopped_at;
        for (std::size_t e = 0; e < editions.size(); ++e) {
            const auto& edition = editions[e].edition;
            auto cases = with_cases_not_run(editions[e].cases, std::move(ran[e]), environment, edition, run.finished, reason);
            auto sentences = engine::cited_sentences(cases, environment.catalogue, edition);
            for (auto& result : cases)
                if (result.not_run) known.apply(result, edition);  // an entry for a case not reached is not a stale one
            if (editions.size() == 1) {
                run.cases = std::move(cases);
                run.sentences = std::move(sentences);
            } else {
                run.editions.push_back({edition.name(), std::move(cases), std::move(sentences)});
            }
        }
    }

    /// What the run learned after its last case: 429s, stray side-channel arrivals, stale or wrong known failures.
    void close_run(const engine::Environment& environment, const suite::KnownFailures& known, reports::RunResult& run) {
        run.rate_limited = environment.rate_limited.load();
        if (run.several_editions()) run.sharing = {environment.units_sent, environment.exchanges_sent, environment.judgements, environment.distinct_judgements};
        for (const auto& warning : environment.warnings) run.warnings.push_back("side channel: " + warning);
        run.unattributed = environment.unattributed;
        // The console printed its header before these were known: they go where the other late warnings go.
        for (const auto& warning : environment.warnings) err_ << "mx3pid: warning: side channel: " << warning << "\n";
        for (const auto& arrival : run.unattributed) err_ << "mx3pid: warning: " << reports::describe(arrival) << "\n";
        run.properties.emplace_back("rate_limited_responses", std::to_string(run.rate_limited));
        for (const auto& warning : known.unmatched()) {
            err_ << "mx3pid: warning: " << warning << "\n";
            run.warnings.push_back(warning);
        }
        for (const auto& error : known.glob_errors()) {
            err_ << "mx3pid: " << error << "\n";
            run.warnings.push_back(error);
        }
    }

    std::unique_ptr<engine::Environment> make_environment() {
        auto environment = std::make_unique<engine::Environment>(target_->homeserver_url(), judged_->edition, inputs_.profile,
                                                                 inputs_.catalogue, target_->identity(), target_->decoy(),
                                                                 target_->mailbox(), net::Client(client_), *fixtures_);
        environment->redact = !options_.no_redact;
        environment->share_judgements = !options_.judge_every_edition;
        environment->jobs = options_.jobs;
        environment->id_server = target_->id_server(inputs_.profile);
        environment->grace = grace();
        return environment;
    }

    int run_cases(const std::vector<engine::EditionCases>& editions) {
        const auto environment = make_environment();
        auto& env = *environment;
        const auto& selected = editions.front().cases;
        auto run = start_run(env, selected.size() * editions.size());
        const bool terminal = &out_ == &std::cout && isatty(STDOUT_FILENO);
        auto console = console_options(terminal, selected);
        console.repro = [&](const reports::CaseResult& result) { return repro_command(options_, run, result); };
        reports::write_console_header(run, out_, console);
        if (console.github)
            out_ << "::group::mx3pid: " << selected.size() << " cases" << (several_editions() ? " in " + std::to_string(editions.size()) + " editions" : "")
                 << " against " << run.target << "\n";
        suite::KnownFailures known(inputs_.known_failures, judged_->editions, run.target);
        run_selected(editions, env, known, console, terminal, run);
        if (console.github) out_ << "::endgroup::\n";
        close_run(env, known, run);
        reports::write_console_summary(run, out_, console);
        const int written = write_all(run, exit_code_of(run, options_.strict));
        if (repro_) finish_repro(*repro_, run, target_->homeserver_url().origin(), target_->id_server(inputs_.profile), interrupts_, out_);
        if (written == exit_usage || run.interrupted || known.glob_errors().empty()) return written;
        return exit_usage;
    }

    /// The reports (and --write-known-failures); `code` unless a file could not be written (2).
    int write_all(const reports::RunResult& run, int code) {
        try {
            write_reports(options_, run, out_);
            if (!options_.write_known_failures.empty()) write_known_failures(options_.write_known_failures, run, options_.strict);
        } catch (const std::exception& e) {
            err_ << "mx3pid: " << e.what() << "\n";
            return exit_usage;
        }
        return code;
    }

    /// A run that ends before its cases: the reason on standard error, and reports with one ERROR entry.
    int stopped(Stop stop) {
        if (interrupts_.interrupted()) stop.code = exit_interrupted;
        err_ << stop.line() << "\n";
        const std::string target = choice_ ? choice_->text : options_.homeserver.empty() ? "(none chosen)" : options_.homeserver;
        const std::string edition = judged_ ? std::string(judged_->edition.name())
                                            : inputs_.given_edition ? std::string(inputs_.given_edition->name()) : "";
        return write_all(run_that_could_not_start(stop, target, edition, inputs_.profile.path), stop.code);
    }

    Options& options_;
    const ReproCommand* repro_;
    InterruptGuard& interrupts_;
    std::ostream& out_;
    std::ostream& err_;
    Inputs inputs_;
    std::optional<targets::TargetChoice> choice_;
    std::unique_ptr<targets::Target> target_;
    std::optional<Judged> judged_;
    net::ClientOptions client_;
    std::uint64_t seed_ = 0;
    std::unique_ptr<engine::FixtureFactory> fixtures_;
    targets::FixtureSetup fixture_setup_;
};

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    Options options;
    CLI::App app{"mx3pid: conformance tests for the Matrix 3PID requestToken API", "mx3pid"};
    define_options(app, options);
    HomeserverConfigCommand config_command;
    add_homeserver_config_command(app, config_command);
    CoverageCommand coverage_command;
    add_coverage_command(app, coverage_command);
    ReproCommand repro;
    add_repro_command(app, repro);
    if (auto code = parse(app, argc, argv, out, err)) return *code;
    if (auto answered = answer_without_a_run(options, config_command, coverage_command, out, err)) return *answered;
    const bool reproducing = repro.command->parsed();
    if (reproducing) prepare_repro(repro, options);
    InterruptGuard interrupts;
    return Session(options, reproducing ? &repro : nullptr, interrupts, out, err).run();
}

}  // namespace mx3pid::cli
