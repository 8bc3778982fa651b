#pragma once
// The target profile: what the homeserver under test is configured to do, in its own terms.
#include <optional>
#include <string>

#include "spec/endpoints.hpp"

namespace mx3pid::harness {

/// How a homeserver gets a 3PID validated (homeserver-interop.md "Three generations").
enum class Validation {
    proxy,     ///< forwards to the identity server named in the request's id_server
    delegate,  ///< forwards to one identity server fixed in its own configuration
    self,      ///< sends the message itself
};

const char* to_string(Validation validation);

struct Msisdn {
    std::string country;
    std::string phone_number;
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
    std::optional<std::string> denied_email;  ///< an address the server's policy refuses
    std::optional<Msisdn> denied_msisdn;

    std::string identity_listen = "127.0.0.1:0";  ///< the mock identity server the homeserver trusts
    std::string decoy_listen = "127.0.0.1:0";     ///< a second mock the homeserver must not trust
    std::string identity_scheme = "http";         ///< how the homeserver turns id_server into a URL

    bool enumeration_protection = false;

    Validation validation_for(spec::Medium medium) const {
        return medium == spec::Medium::email ? email_validation : msisdn_validation;
    }
};

/// Reads a profile; throws ConfigError naming file and line for anything it does not understand.
Profile load_profile(const std::string& path);
/// The same for `text`, with `name` standing for the file in errors.
Profile load_profile_text(const std::string& text, const std::string& name);

}  // namespace mx3pid::harness
