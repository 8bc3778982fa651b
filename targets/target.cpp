#include "targets/target.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <stdexcept>
#include <system_error>

#include "net/tls.hpp"
#include "reference_homeserver/epochs.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "reference_homeserver/variants.hpp"

namespace mx3pid::targets {

std::optional<TargetChoice> parse_target(const std::string& text, std::string& error) {
    TargetChoice choice;
    choice.text = text;
    if (text == "builtin" || text.rfind("builtin:", 0) == 0) {
        choice.name = text == "builtin" ? "reference" : text.substr(8);
        // --list-builtin's "family:NAME" is taken as NAME.
        for (std::string_view family : {"faulty:", "conformant:", "hostile:"})
            if (choice.name.rfind(family, 0) == 0) choice.name.erase(0, family.size());
        const auto& chaos = reference_homeserver::chaos_variants();
        choice.chaos = std::any_of(chaos.begin(), chaos.end(), [&](const auto& c) { return c.name == choice.name; });
        if (choice.chaos) {
            choice.variant = nullptr;
            return choice;
        }
        choice.variant = reference_homeserver::find_variant(choice.name);
        if (!choice.variant) {
            error = "no built-in homeserver called '" + choice.name + "' (see --list-builtin)";
            return std::nullopt;
        }
        choice.text = "builtin:" + choice.name;
        return choice;
    }
    choice.builtin = false;
    choice.variant = nullptr;
    choice.url = net::Url::parse(text);
    if (!choice.url) {
        error = "'" + text + "' is neither builtin[:NAME] nor an http(s) URL";
        return std::nullopt;
    }
    return choice;
}

std::optional<mock_identity::ListenOptions> parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    std::string host = text.substr(0, colon);
    if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    auto digits = std::string_view(text).substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port > 65535) return std::nullopt;
    return mock_identity::ListenOptions{host, static_cast<unsigned short>(port)};
}

namespace {

std::unique_ptr<mock_identity::IdentityServer> start_identity(const std::string& listen, const char* what,
                                                             const std::optional<net::TlsIdentity>& tls) {
    auto options = parse_listen(listen);
    if (!options) throw std::runtime_error(std::string(what) + " listen address '" + listen + "' is not HOST:PORT");
    options->tls = tls;
    try {
        return std::make_unique<mock_identity::IdentityServer>(*options);
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("cannot start the ") + what + " on " + listen + ": " + e.what());
    }
}

std::unique_ptr<smtp_sink::SmtpSink> start_mailbox(const std::string& listen) {
    auto options = parse_listen(listen);
    if (!options) throw std::runtime_error("mail sink listen address '" + listen + "' is not HOST:PORT");
    try {
        return std::make_unique<smtp_sink::SmtpSink>(smtp_sink::ListenOptions{options->host, options->port});
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot start the mail sink on " + listen + ": " + e.what());
    }
}

}  // namespace

reference_homeserver::Config reference_config(const suite::Profile& profile, const spec::Edition& edition,
                                              const std::string& identity_authority, const std::string& smtp_authority,
                                              const reference_homeserver::Variant* variant,
                                              const std::string& identity_ca_file) {
    reference_homeserver::Config config;
    config.edition = edition.name();
    if (profile.denied_email) config.denied_email_domains.push_back(profile.denied_email->substr(profile.denied_email->find('@') + 1));
    if (profile.denied_msisdn) config.denied_msisdn_countries.push_back(profile.denied_msisdn->country);
    if (profile.bound_email) config.bound_emails.push_back(*profile.bound_email);
    if (profile.bound_msisdn) config.bound_msisdns.push_back({profile.bound_msisdn->country, profile.bound_msisdn->phone_number});
    config.trusted_identity_servers.push_back(identity_authority);
    config.identity_scheme = profile.identity_scheme;
    config.email_validation = profile.email_validation;
    config.msisdn_validation = profile.msisdn_validation;
    config.delegate_identity_url = profile.identity_scheme + "://" + identity_authority;
    config.smtp_authority = smtp_authority;
    config.enumeration_protection = profile.enumeration_protection;
    config.legacy_api = profile.legacy_api;
    config.registration_open = profile.registration && profile.registration->open;
    if (profile.registration) config.registration_shared_secret = profile.registration->shared_secret;
    config.identity_ca_file = identity_ca_file;
    for (auto medium : profile.unsupported_3pid_media) config.unsupported_3pid_media.emplace_back(spec::medium_name(medium));
    config.variant = variant;
    return config;
}

namespace {

/// The mocks' TLS identity for a profile whose homeserver calls them over https: the profile's files,
/// or one made for this run, written out so the homeserver (and the built-in reference) can trust it.
std::optional<net::TlsIdentity> identity_tls(const suite::Profile& profile, std::string& certificate_file) {
    if (profile.identity_scheme != "https") return std::nullopt;
    if (!profile.identity_certificate.empty()) {
        certificate_file = profile.identity_certificate;
        return net::load_tls_identity(profile.identity_certificate, profile.identity_key);
    }
    std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
    for (const auto& listen : {profile.identity_listen, profile.decoy_listen})
        if (auto where = parse_listen(listen); where && where->host != "0.0.0.0" && where->host != "::") names.push_back(where->host);
    if (profile.identity_public_url) names.push_back(net::Url::parse(*profile.identity_public_url)->host);
    auto identity = net::make_self_signed(names);
    static std::atomic<unsigned> made{0};
    certificate_file = (std::filesystem::temp_directory_path() /
                        ("mx3pid-identity-" + std::to_string(::getpid()) + "-" + std::to_string(++made) + ".pem")).string();
    std::ofstream(certificate_file, std::ios::binary | std::ios::trunc) << identity.certificate_pem;
    return identity;
}

}  // namespace

Target::Target(const TargetChoice& choice, const suite::Profile& profile, const spec::Edition& builtin_edition)
    : Target(choice, profile, std::vector<spec::Edition>{builtin_edition}) {}

Target::Target(const TargetChoice& choice, const suite::Profile& profile, const std::vector<spec::Edition>& builtin_editions) {
    std::string certificate_file;
    auto tls = identity_tls(profile, certificate_file);
    if (tls && profile.identity_certificate.empty()) generated_certificate_ = certificate_file;
    identity_certificate_ = certificate_file;
    identity_ = start_identity(profile.identity_listen, "mock identity server", tls);
    decoy_ = start_identity(profile.decoy_listen, "untrusted mock identity server", tls);
    if (profile.email_validation == spec::Validation::self) mailbox_ = start_mailbox(profile.smtp_listen);
    if (choice.chaos) {
        chaos_ = std::make_unique<reference_homeserver::ChaosServer>(choice.name);
        homeserver_url_ = *net::Url::parse(chaos_->base_url());
        grace_ = std::chrono::milliseconds(0);
    } else if (choice.builtin) {
        const auto judged = builtin_editions.empty() ? std::vector{spec::Edition::all().back()} : builtin_editions;
        for (auto& editions : reference_homeserver::answered_alike(judged, choice.variant, profile.legacy_api)) {
            auto server = std::make_unique<reference_homeserver::Homeserver>(
                reference_config(profile, editions.back(), identity_->authority(), mailbox_ ? mailbox_->authority() : "",
                                 choice.variant, identity_certificate_));
            auto url = *net::Url::parse(server->base_url());
            builtins_.push_back({std::move(editions), std::move(server), std::move(url)});
        }
        homeserver_url_ = builtins_.back().url;
        variant_ = choice.variant;
        legacy_api_ = profile.legacy_api;
        grace_ = choice.variant ? choice.variant->grace : std::chrono::milliseconds(0);  // declared by each built-in
    } else {
        homeserver_url_ = *choice.url;
    }
}

Target::~Target() {
    if (generated_certificate_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(generated_certificate_, ignored);
}

const net::Url& Target::homeserver_for(const spec::Edition& edition) const {
    for (const auto& builtin : builtins_)
        if (std::find(builtin.editions.begin(), builtin.editions.end(), edition) != builtin.editions.end()) return builtin.url;
    return homeserver_url_;
}

bool Target::answers_alike(const spec::Edition& earlier, const spec::Edition& later, const std::vector<std::string>& bodies) const {
    if (&homeserver_for(earlier) == &homeserver_for(later)) return true;
    return !builtins_.empty() && reference_homeserver::answers_alike(earlier, later, bodies, variant_, legacy_api_);
}

std::string Target::id_server(const suite::Profile& profile) const {
    if (profile.identity_public_url) return net::Url::parse(*profile.identity_public_url)->authority();
    return identity_->authority();
}

}  // namespace mx3pid::targets
