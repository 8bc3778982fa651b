#include "cli/inputs.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "cli/cli.hpp"
#include "cli/suggest.hpp"
#include "net/url.hpp"
#include "suite/config_error.hpp"
#include "targets/fixture_setup.hpp"
#include "targets/target.hpp"

namespace mx3pid::cli {
namespace {

std::vector<std::string> split_globs(const std::vector<std::string>& raw) {
    std::vector<std::string> globs;
    for (const auto& item : raw) {
        std::stringstream parts(item);
        std::string glob;
        while (std::getline(parts, glob, ','))
            if (!glob.empty()) globs.push_back(glob);
    }
    return globs;
}

bool matches_any(const std::vector<std::string>& globs, const std::string& id) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) { return suite::glob_match(glob, id); });
}

void read_files(Options& options, Inputs& inputs) {
    if (!options.profile.empty()) inputs.profile = suite::load_profile(options.profile);
    if (options.homeserver.empty()) options.homeserver = inputs.profile.homeserver.value_or("builtin");
    const bool builtin = is_builtin_target(options.homeserver);
    if (options.profile.empty() && builtin) inputs.profile = suite::load_profile(options.cases + "/profiles/builtin.yaml");
    if (options.profile.empty() && !builtin) inputs.profile.path = "(defaults)";
    auto suite = suite::load_suite(options.cases, *suite::parse_depth(options.depth));
    inputs.catalogue = std::move(suite.catalogue);
    inputs.templates = std::move(suite.templates);
    if (!options.expectations.empty()) inputs.known_failures = suite::load_expectations(options.expectations);
}

std::optional<Stop> apply_listeners(const Options& options, suite::Profile& profile) {
    if (!options.identity_listen.empty()) profile.identity_listen = options.identity_listen;
    if (!options.smtp_listen.empty()) profile.smtp_listen = options.smtp_listen;
    profile.identity_listen_given |= !options.identity_listen.empty();
    profile.smtp_listen_given |= !options.smtp_listen.empty();
    if (!is_builtin_target(options.homeserver)) suite::use_standard_ports(profile);
    if (!options.identity_public_url.empty()) {
        if (!net::Url::parse(options.identity_public_url))
            return Stop{exit_usage, "--identity-public-url takes an http(s) URL, not '" + options.identity_public_url + "'", ""};
        profile.identity_public_url = options.identity_public_url;
    }
    if (options.identity_tls) profile.identity_scheme = "https";
    if (options.max_wait_seconds)
        profile.max_rate_limit_wait = std::chrono::milliseconds(static_cast<long>(*options.max_wait_seconds * 1000));
    return std::nullopt;
}

/// --spec, else the profile's; a built-in target asked for neither is judged at the newest edition.
/// `all` against a built-in target is every edition mx3pid knows; against a server, what its
/// /versions lists (decided once it is asked).
std::optional<Stop> apply_edition(Options& options, Inputs& inputs) {
    const bool builtin = is_builtin_target(options.homeserver);
    if (options.spec.empty() && inputs.profile.spec == "auto" && builtin) {
        options.spec = spec::Edition::all().back().name();
        inputs.edition_source = "the newest edition mx3pid knows: the built-in default";
    }
    if (options.spec.empty()) options.spec = inputs.profile.spec;
    std::string why;
    const auto choice = spec::EditionChoice::parse(options.spec, &why);
    if (!choice)
        return Stop{exit_usage, "--spec: " + why,
                    "give auto, all, one of r0.3.0, r0.4.0, r0.5.0, r0.6.0, r0.6.1, v1.1 … " + std::string(spec::Edition::all().back().name()) +
                        ", or a span such as r0.6.0..v1.4"};
    using Kind = spec::EditionChoice::Kind;
    if (choice->kind == Kind::newest) return std::nullopt;
    if (choice->kind == Kind::all && !builtin) {
        inputs.all_advertised = true;
        inputs.edition_source = "--spec all: every edition GET /_matrix/client/versions lists that mx3pid knows";
        return std::nullopt;
    }
    if (choice->kind == Kind::all) {
        inputs.given_editions = spec::Edition::all();
        inputs.edition_source = "--spec all: every edition mx3pid knows (the built-in target answers each)";
    } else if (choice->editions.size() > 1) {
        inputs.given_editions = choice->editions;
        inputs.edition_source = "--spec " + options.spec + ": " + std::to_string(choice->editions.size()) + " editions";
    } else {
        inputs.given_edition = choice->editions.front();
    }
    return std::nullopt;
}

/// Every filter glob that matches no case ID at all, with the nearest ID when one is close.
std::vector<std::string> unmatched_filters(const Inputs& inputs) {
    std::vector<std::string> ids;
    for (const auto& instance : suite::expand(inputs.templates))
        if (std::find(ids.begin(), ids.end(), instance.id) == ids.end()) ids.push_back(instance.id);
    std::vector<std::string> notes;
    for (const auto& glob : inputs.filters) {
        if (std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return suite::glob_match(glob, id); })) continue;
        auto near = nearest(glob, ids);
        notes.push_back("--filter '" + glob + "' matches no case ID" + (near ? "; did you mean " + *near + "?" : ""));
    }
    return notes;
}

}  // namespace

std::optional<Stop> read_inputs(Options& options, Inputs& inputs) {
    inputs.filters = split_globs(options.filters);
    inputs.excludes = split_globs(options.excludes);
    try {
        read_files(options, inputs);
    } catch (const suite::ConfigError& e) {
        return Stop{exit_usage, e.what(), "correct the file at the line named"};
    }
    if (auto stop = apply_listeners(options, inputs.profile)) return stop;
    return apply_edition(options, inputs);
}

void list_cases(const Inputs& inputs, std::ostream& out, std::size_t& listed) {
    std::vector<std::string> seen;
    for (const auto& instance : suite::expand(inputs.templates)) {
        if (!inputs.filters.empty() && !matches_any(inputs.filters, instance.id)) continue;
        if (matches_any(inputs.excludes, instance.id)) continue;
        if (inputs.given_edition && !instance.applies_in(*inputs.given_edition)) continue;
        if (!inputs.given_editions.empty() &&
            std::none_of(inputs.given_editions.begin(), inputs.given_editions.end(),
                         [&](const spec::Edition& edition) { return instance.applies_in(edition); }))
            continue;
        out << instance.id << "  [" << instance.source->editions.text() << "]  " << instance.source->title << "\n";
        if (std::find(seen.begin(), seen.end(), instance.id) == seen.end()) seen.push_back(instance.id);
    }
    listed = seen.size();
}

std::variant<std::vector<suite::SelectedCase>, Stop> select_for_run(const Inputs& inputs, const spec::Edition& edition,
                                                                    std::ostream& err) {
    auto selected = select_for_editions(inputs, {edition}, err);
    if (auto* stop = std::get_if<Stop>(&selected)) return *stop;
    return std::move(std::get<0>(selected).front());
}

std::variant<std::vector<std::vector<suite::SelectedCase>>, Stop> select_for_editions(const Inputs& inputs,
                                                                                      const std::vector<spec::Edition>& editions,
                                                                                      std::ostream& err) {
    const auto notes = unmatched_filters(inputs);
    for (const auto& note : notes) err << "mx3pid: " << note << "\n";
    std::vector<std::vector<suite::SelectedCase>> selections;
    for (const auto& edition : editions) {
        // With registration:, the bound addresses mx3pid will make count as given (targets/fixture_setup).
        auto selected = suite::select_cases(inputs.templates, edition, targets::as_planned(inputs.profile), inputs.filters);
        std::erase_if(selected, [&](const suite::SelectedCase& one) { return matches_any(inputs.excludes, one.instance.id); });
        if (selected.empty())
            return Stop{exit_no_case, "the filter selected no case" + (notes.empty() ? std::string() : " (" + notes.front() + ")"),
                        "mx3pid --list shows every case ID"};
        selections.push_back(std::move(selected));
    }
    return selections;
}

}  // namespace mx3pid::cli
