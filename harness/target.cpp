#include "harness/target.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <system_error>

#include "reference_homeserver/homeserver.hpp"
#include "reference_homeserver/variants.hpp"

namespace mx3pid::harness {

std::optional<TargetChoice> parse_target(const std::string& text, std::string& error) {
    TargetChoice choice;
    choice.text = text;
    if (text == "builtin" || text.rfind("builtin:", 0) == 0) {
        choice.variant = text == "builtin" ? "reference" : text.substr(8);
        const auto& chaos = reference_homeserver::chaos_variants();
        choice.chaos = std::any_of(chaos.begin(), chaos.end(), [&](const auto& c) { return c.name == choice.variant; });
        if (choice.chaos) return choice;
        const auto* variant = reference_homeserver::find_variant(choice.variant);
        if (!variant) {
            error = "no built-in homeserver called '" + choice.variant + "' (see --list-builtin)";
            return std::nullopt;
        }
        choice.fault = variant->fault;
        choice.text = "builtin:" + choice.variant;
        return choice;
    }
    choice.builtin = false;
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

std::unique_ptr<mock_identity::IdentityServer> start_identity(const std::string& listen, const char* what) {
    auto options = parse_listen(listen);
    if (!options) throw std::runtime_error(std::string(what) + " listen address '" + listen + "' is not HOST:PORT");
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

reference_homeserver::Config reference_config(const Profile& profile, const spec::Edition& edition,
                                              const std::string& identity_authority, const std::string& smtp_authority,
                                              reference_homeserver::Fault fault) {
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
    config.fault = fault;
    return config;
}

Target::Target(const TargetChoice& choice, const Profile& profile, const spec::Edition& builtin_edition) {
    identity_ = start_identity(profile.identity_listen, "mock identity server");
    decoy_ = start_identity(profile.decoy_listen, "untrusted mock identity server");
    if (profile.email_validation == Validation::self) mailbox_ = start_mailbox(profile.smtp_listen);
    if (choice.chaos) {
        chaos_ = std::make_unique<reference_homeserver::ChaosServer>(choice.variant);
        homeserver_url_ = *net::Url::parse(chaos_->base_url());
    } else if (choice.builtin) {
        builtin_ = std::make_unique<reference_homeserver::Homeserver>(
            reference_config(profile, builtin_edition, identity_->authority(), mailbox_ ? mailbox_->authority() : "",
                             choice.fault));
        homeserver_url_ = *net::Url::parse(builtin_->base_url());
    } else {
        homeserver_url_ = *choice.url;
    }
}

Target::~Target() = default;

}  // namespace mx3pid::harness
