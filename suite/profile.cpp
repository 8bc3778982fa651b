#include "suite/profile.hpp"

#include "suite/detail/yaml_reader.hpp"
#include "net/url.hpp"
#include "spec/defaults.hpp"
#include "spec/edition.hpp"
#include "spec/grammar.hpp"
#include "spec/phone.hpp"

namespace mx3pid::suite {

namespace {

Validation read_validation(const detail::YamlReader& reader, const YAML::Node& node) {
    auto text = reader.string(node, "validation");
    if (auto validation = spec::parse_validation(text)) return *validation;
    reader.fail(node, "validation must be proxy, delegate or self, not '" + text + "'");
}

/// The form a server stores ("447700900002": E.164 without '+'), split at its calling code.
Msisdn read_stored_msisdn(const detail::YamlReader& reader, const YAML::Node& node) {
    auto digits = reader.string(node, "msisdn");
    auto split = spec::split_international(digits);
    if (!split)
        reader.fail(node, "msisdn '" + digits +
                              "' is neither {country, phone_number} nor an international number mx3pid can split "
                              "(E.164 without '+', e.g. 447700900002)");
    return Msisdn{split->country, split->phone_number};
}

Msisdn read_msisdn(const detail::YamlReader& reader, const YAML::Node& node) {
    if (node.IsScalar()) return read_stored_msisdn(reader, node);
    reader.expect_map(node, {"country", "phone_number"}, "msisdn");
    if (!node["country"] || !node["phone_number"]) reader.fail(node, "msisdn needs country and phone_number");
    Msisdn msisdn{reader.string(node["country"], "country"), reader.string(node["phone_number"], "phone_number")};
    if (!spec::is_country_code(msisdn.country)) reader.fail(node["country"], "country must be two upper-case letters");
    if (!spec::is_plausible_phone_number(msisdn.phone_number))
        reader.fail(node["phone_number"], "phone_number must be digits");
    return msisdn;
}

std::string read_email(const detail::YamlReader& reader, const YAML::Node& node) {
    auto email = reader.string(node, "email");
    if (!spec::is_plausible_email(email)) reader.fail(node, "'" + email + "' is not an email address");
    return email;
}

void read_addresses(const detail::YamlReader& reader, const YAML::Node& node, std::optional<std::string>& email,
                    std::optional<Msisdn>& msisdn, std::string_view what) {
    reader.expect_map(node, {"email", "msisdn"}, what);
    if (node["email"]) email = read_email(reader, node["email"]);
    if (node["msisdn"]) msisdn = read_msisdn(reader, node["msisdn"]);
}

Registration read_registration(const detail::YamlReader& reader, const YAML::Node& node) {
    reader.expect_map(node, {"open", "shared_secret"}, "registration");
    Registration registration;
    if (node["open"]) registration.open = reader.boolean(node["open"], "open");
    if (node["shared_secret"]) registration.shared_secret = reader.string(node["shared_secret"], "shared_secret");
    if (!registration.open && registration.shared_secret.empty())
        reader.fail(node, "registration needs open: true or a shared_secret");
    return registration;
}

}  // namespace

namespace {

Profile read_profile(const detail::YamlReader& reader, const YAML::Node& root) {
    const auto& path = reader.file();
    Profile profile;
    profile.path = path;
    if (root.IsNull()) return profile;
    reader.expect_map(root,
                      {"homeserver", "spec", "validation", "fresh", "bound", "denied", "identity", "smtp",
                       "enumeration_protection", "unsupported_3pid_media", "legacy_api", "timing", "registration"},
                      "the profile");
    if (root["homeserver"]) profile.homeserver = reader.string(root["homeserver"], "homeserver");
    if (auto node = root["spec"]) {
        profile.spec = reader.string(node, "spec");
        std::string why;
        if (!spec::EditionChoice::parse(profile.spec, &why))
            reader.fail(node, "spec: " + why + " (auto, all, an edition r0.3.0 … " + spec::Edition::all().back().name() +
                                  ", or a span such as r0.6.0..v1.4)");
    }
    if (auto node = root["validation"]) {
        reader.expect_map(node, {"email", "msisdn"}, "validation");
        if (node["email"]) profile.email_validation = read_validation(reader, node["email"]);
        if (node["msisdn"]) profile.msisdn_validation = read_validation(reader, node["msisdn"]);
        if (profile.msisdn_validation == Validation::self)
            reader.fail(node["msisdn"], "msisdn: self is not testable (mx3pid has no SMS sink); use proxy or delegate");
    }
    if (auto node = root["fresh"]) {
        reader.expect_map(node, {"email_domain", "msisdn"}, "fresh");
        if (node["email_domain"]) profile.fresh_email_domain = reader.string(node["email_domain"], "email_domain");
        if (auto msisdn = node["msisdn"]) {
            reader.expect_map(msisdn, {"country", "prefix"}, "fresh.msisdn");
            if (msisdn["country"]) profile.fresh_msisdn_country = reader.string(msisdn["country"], "country");
            if (msisdn["prefix"]) profile.fresh_msisdn_prefix = reader.string(msisdn["prefix"], "prefix");
            if (!spec::is_country_code(profile.fresh_msisdn_country))
                reader.fail(msisdn, "country must be two upper-case letters");
            if (profile.fresh_msisdn_prefix.size() > 12 ||
                profile.fresh_msisdn_prefix.find_first_not_of("0123456789") != std::string::npos)
                reader.fail(msisdn, "prefix must be at most 12 digits");
        }
    }
    if (auto node = root["bound"]) read_addresses(reader, node, profile.bound_email, profile.bound_msisdn, "bound");
    if (auto node = root["registration"]) profile.registration = read_registration(reader, node);
    if (auto node = root["denied"]) read_addresses(reader, node, profile.denied_email, profile.denied_msisdn, "denied");
    if (auto node = root["identity"]) {
        reader.expect_map(node, {"listen", "decoy_listen", "scheme", "certificate", "key", "public_url"}, "identity");
        if (node["certificate"]) profile.identity_certificate = reader.string(node["certificate"], "certificate");
        if (node["key"]) profile.identity_key = reader.string(node["key"], "key");
        if (node["public_url"]) {
            profile.identity_public_url = reader.string(node["public_url"], "public_url");
            if (!net::Url::parse(*profile.identity_public_url))
                reader.fail(node["public_url"], "public_url must be an http(s) URL");
        }
        if (profile.identity_certificate.empty() != profile.identity_key.empty())
            reader.fail(node, "certificate and key go together");
        if (node["listen"]) profile.identity_listen = reader.string(node["listen"], "listen");
        if (node["decoy_listen"]) profile.decoy_listen = reader.string(node["decoy_listen"], "decoy_listen");
        profile.identity_listen_given = static_cast<bool>(node["listen"]);
        profile.decoy_listen_given = static_cast<bool>(node["decoy_listen"]);
        if (node["scheme"]) {
            profile.identity_scheme = reader.string(node["scheme"], "scheme");
            if (profile.identity_scheme != "http" && profile.identity_scheme != "https")
                reader.fail(node["scheme"], "scheme must be http or https");
        }
    }
    if (auto node = root["smtp"]) {
        reader.expect_map(node, {"listen"}, "smtp");
        if (node["listen"]) profile.smtp_listen = reader.string(node["listen"], "listen");
        profile.smtp_listen_given = static_cast<bool>(node["listen"]);
    }
    if (auto node = root["timing"]) {
        reader.expect_map(node, {"side_channel_grace_ms", "max_rate_limit_wait_ms"}, "timing");
        auto milliseconds = [&](const char* key, long long most) {
            auto value = reader.integer(node[key], key);
            if (value < 0 || value > most) reader.fail(node[key], std::string(key) + " must be 0 to " + std::to_string(most));
            return std::chrono::milliseconds(value);
        };
        if (node["side_channel_grace_ms"]) profile.side_channel_grace = milliseconds("side_channel_grace_ms", 60000);
        if (node["max_rate_limit_wait_ms"]) profile.max_rate_limit_wait = milliseconds("max_rate_limit_wait_ms", 3600000);
    }
    if (auto node = root["enumeration_protection"])
        profile.enumeration_protection = reader.boolean(node, "enumeration_protection");
    if (auto node = root["legacy_api"]) profile.legacy_api = reader.boolean(node, "legacy_api");
    if (auto node = root["unsupported_3pid_media"]) {
        for (const auto& medium : reader.strings(node, "unsupported_3pid_media")) {
            if (medium != "email" && medium != "msisdn")
                reader.fail(node, "unsupported_3pid_media lists email or msisdn, not '" + medium + "'");
            profile.unsupported_3pid_media.push_back(medium == "email" ? spec::Medium::email : spec::Medium::msisdn);
        }
    }
    return profile;
}

}  // namespace

void use_standard_ports(Profile& profile) {
    if (!profile.identity_listen_given) profile.identity_listen = spec::defaults::identity_listen();
    if (!profile.decoy_listen_given) profile.decoy_listen = spec::defaults::decoy_listen();
    if (!profile.smtp_listen_given) profile.smtp_listen = spec::defaults::smtp_listen();
}

Profile load_profile(const std::string& path) {
    detail::YamlReader reader(path);
    return read_profile(reader, reader.load());
}

Profile load_profile_text(const std::string& text, const std::string& name) {
    detail::YamlReader reader(name);
    return read_profile(reader, reader.parse(text));
}

std::vector<std::string> mode_warnings(const Profile& profile, const spec::Edition& edition) {
    std::vector<std::string> warnings;
    for (auto medium : {spec::Medium::email, spec::Medium::msisdn}) {
        const auto validation = profile.validation_for(medium);
        const auto introduced = *spec::Edition::parse(spec::first_edition(validation));
        if (edition < introduced)
            warnings.push_back("the profile says the homeserver validates " + std::string(spec::medium_name(medium)) + " by " +
                               std::string(spec::to_string(validation)) + ", which the spec allows from " +
                               std::string(introduced.name()) + "; judged as " + std::string(edition.name()) +
                               ", such a server is held to rules it does not follow");
    }
    return warnings;
}

}  // namespace mx3pid::suite
