// mx3pid-reference-hs: the reference homeserver (or one of its variants) as a standalone server,
// configured from a target profile, for putting behind a TLS terminator or trying by hand.
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "suite/config_error.hpp"
#include "suite/locations.hpp"
#include "suite/profile.hpp"
#include "targets/target.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "reference_homeserver/variants.hpp"
#include "spec/defaults.hpp"

using namespace mx3pid;

int main(int argc, char** argv) {
    std::string listen = spec::defaults::homeserver_listen();
    std::string profile_path = suite::default_cases_dir() + "/profiles/builtin.yaml";
    std::string edition_name;
    std::string variant_name = "reference";
    std::string identity;
    std::string smtp;
    std::vector<std::string> advertised;
    CLI::App app{"The mx3pid reference homeserver as a standalone server."};
    app.add_option("--listen", listen, "HOST:PORT to serve on (port 0: any free port)")->capture_default_str();
    app.add_option("--profile", profile_path, "the target profile it is configured from")
        ->check(CLI::ExistingFile)
        ->capture_default_str();
    app.add_option("--spec", edition_name, "the edition it answers as and advertises (default: the profile's, else r0.4.0)");
    app.add_option("--variant", variant_name, "reference, or a variant's NAME (mx3pid --list-builtin)")->capture_default_str();
    app.add_option("--identity", identity,
                   "HOST:PORT of the identity server it trusts and delegates to (default: the profile's identity.listen, else " +
                       spec::defaults::identity_listen() + ", where mx3pid --homeserver URL starts its mock)");
    app.add_option("--smtp", smtp, "HOST:PORT of the mail server for email it validates itself (default: the profile's smtp.listen, else " +
                       spec::defaults::smtp_listen() + ")");
    app.add_option("--advertise", advertised,
                   "what GET /_matrix/client/versions lists, comma-separated, e.g. r0.0.1,r0.1.0,…,v1.11 (default: every "
                   "edition mx3pid knows up to --spec); the server still answers as --spec")
        ->delimiter(',');
    CLI11_PARSE(app, argc, argv);

    suite::Profile profile;
    try {
        profile = suite::load_profile(profile_path);
    } catch (const suite::ConfigError& e) {
        std::cerr << "mx3pid-reference-hs: " << e.what() << "\n";
        return 2;
    }
    if (edition_name.empty()) {
        // The profile's spec: one edition, or the newest of a span or of all.
        const auto choice = spec::EditionChoice::parse(profile.spec);
        edition_name = !choice || choice->kind == spec::EditionChoice::Kind::newest ? "r0.4.0"
                       : choice->kind == spec::EditionChoice::Kind::all         ? spec::Edition::all().back().name()
                                                                                : choice->editions.back().name();
    }
    auto edition = spec::Edition::parse(edition_name);
    const auto* variant = reference_homeserver::find_variant(variant_name);
    auto where = targets::parse_listen(listen);
    if (!edition || !variant || !where) {
        std::cerr << "mx3pid-reference-hs: " << (!edition ? "unknown edition '" + edition_name + "'"
                                                 : !variant ? "no variant called '" + variant_name + "'"
                                                            : "--listen takes HOST:PORT, not '" + listen + "'")
                  << "\n";
        return 2;
    }
    suite::use_standard_ports(profile);
    if (identity.empty()) identity = profile.identity_listen;
    if (smtp.empty()) smtp = profile.smtp_listen;

    // Block the signals before any thread starts, so that only sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    try {
        auto config = targets::reference_config(profile, *edition, identity, smtp, variant);
        config.advertised = advertised;
        reference_homeserver::Homeserver server(std::move(config), reference_homeserver::ListenOptions{where->host, where->port});
        std::cout << "mx3pid-reference-hs listening on " << server.base_url() << " (" << variant->name << ", "
                  << edition->name() << ", identity server " << identity << ")" << std::endl;
        int received = 0;
        sigwait(&signals, &received);
    } catch (const std::exception& e) {
        std::cerr << "mx3pid-reference-hs: cannot serve on " << listen << ": " << e.what() << "\n";
        return 2;
    }
    return 0;
}
