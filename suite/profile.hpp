#pragma once
// The target profile: what the homeserver under test is configured to do, in its own terms.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "spec/edition.hpp"
#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::suite {

using spec::Validation;

struct Msisdn {
    std::string country;
    std::string phone_number;
};

/// How mx3pid may make its own accounts, to bind the addresses the duplicate and password cases need.
struct Registration {
    bool open = false;          ///< POST /register with m.login.dummy
    std::string shared_secret;  ///< Synapse-style shared-secret registration (/_synapse/admin/v1/register)
};

struct Profile {
    std::string path;  ///< where it was read from; "(defaults)" when none was given

    std::optional<std::string> homeserver;  ///< "builtin", "builtin:NAME" or a URL; the CLI overrides it
    std::string spec = "auto";              ///< an edition name, or "auto"
    Validation email_validation = Validation::proxy;
    Validation msisdn_validation = Validation::proxy;

    /// Fresh, unbound, allowed addresses are generated from these.
    std::string fresh_email_domain = "mx3pid.example";
    std::string fresh_msisdn_country = "GB";
    std::string fresh_msisdn_prefix = "7700900";  ///< national number prefix; digits are appended

    std::optional<std::string> bound_email;   ///< an address some account has bound
    std::optional<Msisdn> bound_msisdn;
    /// Set: mx3pid registers an account and binds fresh addresses to it before the cases run,
    /// standing in for whichever of bound_email and bound_msisdn the profile leaves out.
    std::optional<Registration> registration;
    std::optional<std::string> denied_email;  ///< an address the server's policy refuses
    std::optional<Msisdn> denied_msisdn;

    std::string identity_listen = "127.0.0.1:0";  ///< the mock identity server the homeserver trusts
    std::string decoy_listen = "127.0.0.1:0";     ///< a second mock the homeserver must not trust
    std::string identity_scheme = "http";         ///< how the homeserver turns id_server into a URL; https: the mocks speak TLS
    std::string identity_certificate;             ///< PEM files for the mocks' TLS; empty: made for the run
    std::string identity_key;
    /// What the homeserver is told to call (id_server), when it reaches the mock by another name than
    /// its listen address (a container, another host).
    std::optional<std::string> identity_public_url;
    std::string smtp_listen = "127.0.0.1:0";      ///< the mail sink, for servers that send mail themselves
    /// Which listen addresses the profile (or a flag) names. The others are the run's to choose: any
    /// free port for a built-in target, the standard ports of spec/defaults.hpp for a URL.
    bool identity_listen_given = false, decoy_listen_given = false, smtp_listen_given = false;

    /// The server hides "in use" and "not found" (answers 200 and delivers no token instead).
    bool enumeration_protection = false;
    /// Media the server does not support on /account/3pid (v1.13+: M_THREEPID_MEDIUM_NOT_SUPPORTED).
    std::vector<spec::Medium> unsupported_3pid_media;
    /// false: the server offers only the OAuth 2.0 API, not the legacy one that registration and
    /// password reset belong to (a freedom from v1.15, cs.auth.legacy_optional).
    bool legacy_api = true;

    /// How long to keep watching the identity server and the mailbox after the last request, for
    /// servers that act after answering. Unset: the target's own (1 s for a URL; a built-in declares its own).
    std::optional<std::chrono::milliseconds> side_channel_grace;
    /// The longest mx3pid waits, in all, on one case's 429 answers before calling it an error.
    std::chrono::milliseconds max_rate_limit_wait{60000};

    bool supports_3pid_medium(spec::Medium medium) const {
        for (auto unsupported : unsupported_3pid_media)
            if (unsupported == medium) return false;
        return true;
    }

    Validation validation_for(spec::Medium medium) const {
        return medium == spec::Medium::email ? email_validation : msisdn_validation;
    }
};

/// Gives every listen address the profile does not name its standard port (spec/defaults.hpp),
/// where a homeserver configured by hand (or mx3pid-reference-hs) expects to find it.
void use_standard_ports(Profile& profile);

/// One warning per medium whose validation mode the edition judged does not know yet (a server that
/// validates itself, judged as r0.4.0), naming the edition that introduced the mode.
std::vector<std::string> mode_warnings(const Profile& profile, const spec::Edition& edition);

/// Reads a profile; throws ConfigError naming file and line for anything it does not understand.
Profile load_profile(const std::string& path);
/// The same for `text`, with `name` standing for the file in errors.
Profile load_profile_text(const std::string& text, const std::string& name);

}  // namespace mx3pid::suite
