#include "targets/homeserver_config.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "suite/config_error.hpp"
#include "targets/target.hpp"
#include "net/url.hpp"
#include "spec/defaults.hpp"
#include "spec/grammar.hpp"
#include "spec/phone.hpp"

namespace mx3pid::targets {
namespace {

/// What every server's settings are made of, worked out once from the profile.
struct Plan {
    std::string profile_path;
    std::string public_baseurl;  ///< ends in '/'
    std::string identity_authority;
    std::string identity_url;
    std::string decoy_authority;
    std::string smtp_host;
    unsigned short smtp_port = 0;
    bool email_self = false, email_delegate = false, msisdn_delegate = false, proxy = false;
    std::vector<std::string> email_patterns;   ///< Python regular expressions, re.match on the address
    std::vector<std::string> msisdn_patterns;  ///< the same, on the international form without '+'
    bool enumeration_protection = false;
    std::optional<suite::Registration> registration;
    bool bound_given = false;
};

std::string regex_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '_' || c == '-';
        if (!plain) out += '\\';
        out += c;
    }
    return out;
}

void add_unique(std::vector<std::string>& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

/// One pattern per allowed domain (fresh and bound); a denied address in one of them is cut out
/// with a lookahead, so the policy refuses exactly it.
std::vector<std::string> email_policy(const suite::Profile& profile) {
    std::vector<std::string> domains{spec::ascii_lower(profile.fresh_email_domain)};
    if (profile.bound_email) add_unique(domains, spec::ascii_lower(profile.bound_email->substr(profile.bound_email->find('@') + 1)));
    std::vector<std::string> patterns;
    for (const auto& domain : domains) {
        std::string except;
        if (profile.denied_email) {
            auto denied = spec::ascii_lower(*profile.denied_email);
            if (denied.substr(denied.find('@') + 1) == domain) except = "(?!" + regex_escape(denied) + "$)";
        }
        patterns.push_back("^" + except + "[^@]+@" + regex_escape(domain) + "$");
    }
    return patterns;
}

std::string required_calling_code(const suite::Profile& profile, const std::string& country, const char* what) {
    auto code = spec::calling_code(country);
    if (!code)
        throw suite::ConfigError(profile.path, 0,
                          std::string(what) + " country " + country +
                              " has no calling code mx3pid knows, so the address policy cannot be spelled for it");
    return std::string(*code);
}

std::vector<std::string> msisdn_policy(const suite::Profile& profile) {
    std::vector<std::string> codes{required_calling_code(profile, profile.fresh_msisdn_country, "fresh.msisdn")};
    if (profile.bound_msisdn) add_unique(codes, required_calling_code(profile, profile.bound_msisdn->country, "bound.msisdn"));
    std::vector<std::string> patterns;
    for (const auto& code : codes) {
        std::string except;
        if (profile.denied_msisdn) {
            auto denied = spec::international_msisdn(profile.denied_msisdn->country, profile.denied_msisdn->phone_number);
            if (denied.rfind(code, 0) == 0) except = "(?!" + denied + "$)";
        }
        patterns.push_back("^" + except + code);
    }
    return patterns;
}

Plan plan_for(const suite::Profile& profile) {
    Plan plan;
    plan.profile_path = profile.path;
    std::string homeserver = spec::defaults::homeserver_url();
    if (profile.homeserver && net::Url::parse(*profile.homeserver)) homeserver = *profile.homeserver;
    while (!homeserver.empty() && homeserver.back() == '/') homeserver.pop_back();
    plan.public_baseurl = homeserver + "/";
    plan.identity_url = profile.identity_public_url.value_or(profile.identity_scheme + "://" + profile.identity_listen);
    plan.identity_authority = net::Url::parse(plan.identity_url) ? net::Url::parse(plan.identity_url)->authority()
                                                                 : profile.identity_listen;
    plan.decoy_authority = profile.decoy_listen;
    auto smtp = parse_listen(profile.smtp_listen);
    if (!smtp) throw suite::ConfigError(profile.path, 0, "smtp.listen '" + profile.smtp_listen + "' is not HOST:PORT");
    plan.smtp_host = smtp->host == "0.0.0.0" || smtp->host == "::" ? std::string(spec::defaults::host) : smtp->host;
    plan.smtp_port = smtp->port;
    plan.email_self = profile.email_validation == spec::Validation::self;
    plan.email_delegate = profile.email_validation == spec::Validation::delegate;
    plan.msisdn_delegate = profile.msisdn_validation == spec::Validation::delegate;
    plan.proxy = profile.email_validation == spec::Validation::proxy || profile.msisdn_validation == spec::Validation::proxy;
    plan.email_patterns = email_policy(profile);
    plan.msisdn_patterns = msisdn_policy(profile);
    plan.enumeration_protection = profile.enumeration_protection;
    plan.registration = profile.registration;
    plan.bound_given = profile.bound_email || profile.bound_msisdn;
    return plan;
}

/// A YAML (and TOML) string that needs no escapes: single quotes, doubled inside.
std::string single_quoted(std::string_view text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

void header(std::ostream& out, const Plan& plan, std::string_view server, std::string_view file) {
    out << "# " << server << " settings (" << file << ") matching the mx3pid profile " << plan.profile_path << ".\n"
        << "# mx3pid listens with its mock identity server on " << plan.identity_authority
        << ", the untrusted one on " << plan.decoy_authority << ", its mail sink on " << plan.smtp_host << ":"
        << plan.smtp_port << ".\n";
}

std::string synapse(const Plan& plan) {
    std::ostringstream out;
    header(out, plan, "Synapse", "homeserver.yaml");
    out << "public_baseurl: " << single_quoted(plan.public_baseurl) << "\n";
    if (plan.email_self)
        out << "email:\n"
            << "  smtp_host: " << single_quoted(plan.smtp_host) << "\n"
            << "  smtp_port: " << plan.smtp_port << "\n"
            << "  enable_tls: false\n"
            << "  require_transport_security: false\n"
            << "  notif_from: 'mx3pid test <mx3pid@mx3pid.invalid>'\n";
    if (plan.msisdn_delegate || plan.email_delegate) {
        out << "account_threepid_delegates:\n";
        if (plan.email_delegate) out << "  email: " << single_quoted(plan.identity_url) << "   # Synapse before 1.65 only\n";
        if (plan.msisdn_delegate) out << "  msisdn: " << single_quoted(plan.identity_url) << "\n";
    }
    if (plan.proxy)
        out << "# proxy validation is Synapse up to 1.3: it forwards to a trusted id_server\n"
            << "trusted_third_party_id_servers: [" << single_quoted(plan.identity_authority) << "]\n";
    out << "allowed_local_3pids:\n";
    for (const auto& pattern : plan.email_patterns) out << "  - {medium: email, pattern: " << single_quoted(pattern) << "}\n";
    for (const auto& pattern : plan.msisdn_patterns) out << "  - {medium: msisdn, pattern: " << single_quoted(pattern) << "}\n";
    out << "rc_3pid_validation: {per_second: 1000, burst_count: 1000}\n"
        << "request_token_inhibit_3pid_errors: " << (plan.enumeration_protection ? "true" : "false") << "\n";
    if (plan.registration) {
        if (plan.registration->open)
            out << "enable_registration: true\nenable_registration_without_verification: true\n";
        if (!plan.registration->shared_secret.empty())
            out << "registration_shared_secret: " << single_quoted(plan.registration->shared_secret) << "\n";
        out << "rc_registration: {per_second: 1000, burst_count: 1000}\n";
    } else if (!plan.bound_given) {
        out << "# no registration and no bound: in the profile, so the duplicate and password cases are skipped\n";
    }
    return out.str();
}

std::string dendrite(const Plan& plan) {
    if (plan.email_self || plan.email_delegate || plan.msisdn_delegate)
        throw suite::ConfigError(plan.profile_path, 0,
                          "Dendrite proxies to the request's id_server and validates nothing itself: "
                          "give the profile validation: {email: proxy, msisdn: proxy}");
    std::ostringstream out;
    header(out, plan, "Dendrite", "dendrite.yaml; merge into its sections");
    out << "global:\n"
        << "  trusted_third_party_id_servers: [" << single_quoted(plan.identity_authority) << "]\n"
        << "client_api:\n"
        << "  rate_limiting: {enabled: false}\n";
    if (plan.registration) {
        if (plan.registration->open)
            out << "  registration_disabled: false   # and start Dendrite with --really-enable-open-registration\n";
        if (!plan.registration->shared_secret.empty())
            out << "  registration_shared_secret: " << single_quoted(plan.registration->shared_secret) << "\n";
    }
    out << "# Dendrite calls https://{id_server}/...: run mx3pid with identity.scheme: https (or --identity-tls)\n"
        << "# and add the certificate mx3pid prints to the trust store Dendrite uses. It has no address policy\n"
        << "# setting: leave denied: out of the profile.\n";
    return out.str();
}

std::string continuwuity(const Plan& plan) {
    std::ostringstream out;
    header(out, plan, "continuwuity", "continuwuity.toml");
    out << "[global]\n";
    if (plan.registration) {
        out << "allow_registration = true\n";
        if (plan.registration->open)
            out << "yes_i_am_very_very_sure_i_want_an_open_registration_server_prone_to_abuse = true\n";
    }
    if (plan.email_self)
        out << "\n[global.smtp]\n"
            << "connection_uri = " << single_quoted("smtp://" + plan.smtp_host + ":" + std::to_string(plan.smtp_port)) << "\n"
            << "sender = 'mx3pid test <mx3pid@mx3pid.invalid>'\n";
    out << "# continuwuity mails its own links (…/_continuwuity/3pid/email/validate) and has no msisdn support:\n"
        << "# profile validation: {email: self}, and expect msisdn cases to report not-implemented.\n";
    return out.str();
}

}  // namespace

const std::vector<std::string>& configurable_servers() {
    static const std::vector<std::string> servers{"synapse", "dendrite", "continuwuity"};
    return servers;
}

std::string homeserver_config(const std::string& server, const suite::Profile& profile) {
    auto plan = plan_for(profile);
    if (server == "synapse") return synapse(plan);
    if (server == "dendrite") return dendrite(plan);
    if (server == "continuwuity") return continuwuity(plan);
    throw suite::ConfigError(profile.path, 0, "no settings known for the server '" + server + "'");
}

}  // namespace mx3pid::targets
