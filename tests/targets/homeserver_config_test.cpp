// mx3pid homeserver-config: the printed settings carry the profile's ports, policy and switches,
// and the profile keys behind them (registration, the stored msisdn form, standard ports).
#include "targets/homeserver_config.hpp"

#include <regex>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "cli_run.hpp"
#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "temp_dir.hpp"

namespace {

using namespace mx3pid::suite;
using namespace mx3pid::targets;
using mx3pid::testing::TempDir;

const char* synapse_profile = R"(homeserver: http://hs.example:8448
validation: {email: self, msisdn: delegate}
fresh: {email_domain: allowed.example, msisdn: {country: GB, prefix: "7700"}}
denied: {email: someone@denied.example, msisdn: {country: US, phone_number: "2025550123"}}
identity: {listen: "127.0.0.1:9190"}
smtp: {listen: "127.0.0.1:3535"}
registration: {open: true, shared_secret: "s3cret"}
enumeration_protection: true
)";

Profile profile_from(const std::string& text) {
    auto profile = load_profile_text(text, "p.yaml");
    use_standard_ports(profile);
    return profile;
}

/// Python's re.match on an anchored pattern, which is what Synapse applies.
bool allowed(const YAML::Node& policy, const std::string& medium, const std::string& address) {
    for (const auto& rule : policy)
        if (rule["medium"].as<std::string>() == medium &&
            std::regex_search(address, std::regex(rule["pattern"].as<std::string>()), std::regex_constants::match_continuous))
            return true;
    return false;
}

TEST(HomeserverConfig, SynapseSettingsMatchTheProfile) {
    auto config = YAML::Load(homeserver_config("synapse", profile_from(synapse_profile)));
    EXPECT_EQ(config["public_baseurl"].as<std::string>(), "http://hs.example:8448/");
    EXPECT_EQ(config["email"]["smtp_host"].as<std::string>(), "127.0.0.1");
    EXPECT_EQ(config["email"]["smtp_port"].as<int>(), 3535);
    EXPECT_FALSE(config["email"]["enable_tls"].as<bool>());
    EXPECT_FALSE(config["email"]["require_transport_security"].as<bool>());
    EXPECT_EQ(config["account_threepid_delegates"]["msisdn"].as<std::string>(), "http://127.0.0.1:9190");
    EXPECT_FALSE(config["account_threepid_delegates"]["email"]) << "email is self-validated";
    EXPECT_FALSE(config["trusted_third_party_id_servers"]) << "nothing is proxied";
    EXPECT_GE(config["rc_3pid_validation"]["burst_count"].as<int>(), 100);
    EXPECT_GE(config["rc_3pid_validation"]["per_second"].as<double>(), 10.0);
    EXPECT_TRUE(config["request_token_inhibit_3pid_errors"].as<bool>());
    EXPECT_TRUE(config["enable_registration"].as<bool>());
    EXPECT_TRUE(config["enable_registration_without_verification"].as<bool>());
    EXPECT_EQ(config["registration_shared_secret"].as<std::string>(), "s3cret");

    auto policy = config["allowed_local_3pids"];
    ASSERT_TRUE(policy.IsSequence());
    EXPECT_TRUE(allowed(policy, "email", "fresh-1@allowed.example"));
    EXPECT_FALSE(allowed(policy, "email", "someone@denied.example"));
    EXPECT_FALSE(allowed(policy, "email", "x@allowedXexample")) << "the dot is literal";
    EXPECT_FALSE(allowed(policy, "email", "x@allowed.example.evil")) << "anchored at the end too";
    EXPECT_TRUE(allowed(policy, "msisdn", "447700123456"));
    EXPECT_FALSE(allowed(policy, "msisdn", "12025550123"));
}

TEST(HomeserverConfig, ADeniedAddressInAnAllowedDomainIsCutOut) {
    auto config = YAML::Load(homeserver_config("synapse", profile_from(R"(validation: {email: self, msisdn: delegate}
fresh: {email_domain: hs.example, msisdn: {country: GB}}
bound: {email: taken@hs.example, msisdn: "447700900002"}
denied: {email: Blocked@HS.example, msisdn: {country: GB, phone_number: "7700900666"}}
)")));
    auto policy = config["allowed_local_3pids"];
    EXPECT_TRUE(allowed(policy, "email", "taken@hs.example"));
    EXPECT_TRUE(allowed(policy, "email", "fresh@hs.example"));
    EXPECT_FALSE(allowed(policy, "email", "blocked@hs.example"));
    EXPECT_TRUE(allowed(policy, "msisdn", "447700900002"));
    EXPECT_FALSE(allowed(policy, "msisdn", "447700900666"));
    EXPECT_FALSE(config["enable_registration"]);
    // Without a profile port, the standard ones.
    EXPECT_EQ(config["email"]["smtp_port"].as<int>(), 2525);
    EXPECT_EQ(config["account_threepid_delegates"]["msisdn"].as<std::string>(), "http://127.0.0.1:8090");
    EXPECT_EQ(config["public_baseurl"].as<std::string>(), "http://127.0.0.1:8008/");
}

TEST(HomeserverConfig, ProxyingServersTrustTheMockAndNotTheDecoy) {
    auto profile = profile_from("validation: {email: proxy, msisdn: proxy}\nidentity: {scheme: https}\n");
    auto synapse = YAML::Load(homeserver_config("synapse", profile));
    ASSERT_TRUE(synapse["trusted_third_party_id_servers"].IsSequence());
    EXPECT_EQ(synapse["trusted_third_party_id_servers"][0].as<std::string>(), "127.0.0.1:8090");
    EXPECT_EQ(synapse["trusted_third_party_id_servers"].size(), 1u);
    EXPECT_FALSE(synapse["email"]) << "a proxying server sends no mail";

    auto dendrite = YAML::Load(homeserver_config("dendrite", profile));
    EXPECT_EQ(dendrite["global"]["trusted_third_party_id_servers"][0].as<std::string>(), "127.0.0.1:8090");
    EXPECT_FALSE(dendrite["client_api"]["rate_limiting"]["enabled"].as<bool>());
}

TEST(HomeserverConfig, DendriteRefusesAProfileItCannotServe) {
    try {
        homeserver_config("dendrite", profile_from("validation: {email: self, msisdn: delegate}\n"));
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("proxy"), std::string::npos) << e.what();
    }
}

TEST(HomeserverConfig, ContinuwuityMailsToTheSink) {
    auto text = homeserver_config("continuwuity", profile_from("validation: {email: self, msisdn: delegate}\nsmtp: {listen: \"127.0.0.1:2626\"}\nregistration: {open: true}\n"));
    EXPECT_NE(text.find("[global.smtp]\nconnection_uri = 'smtp://127.0.0.1:2626'"), std::string::npos) << text;
    EXPECT_NE(text.find("allow_registration = true"), std::string::npos) << text;
}

TEST(HomeserverConfig, TheSubcommandPrintsAndRefuses) {
    TempDir dir;
    auto path = dir.write("p.yaml", synapse_profile);
    auto printed = mx3pid::testing::run({"homeserver-config", "synapse", "--profile", path});
    EXPECT_EQ(printed.code, 0) << printed.err;
    auto expected = load_profile(path);
    use_standard_ports(expected);
    EXPECT_EQ(printed.out, homeserver_config("synapse", expected));
    EXPECT_NE(printed.out.find("smtp_port: 3535"), std::string::npos) << printed.out;
    EXPECT_EQ(mx3pid::testing::run({"homeserver-config", "nginx", "--profile", path}).code, 2);
    EXPECT_EQ(mx3pid::testing::run({"homeserver-config", "synapse"}).code, 2);
    auto bad = dir.write("bad.yaml", "fresh: {msisdn: {country: XX}}\n");
    auto refused = mx3pid::testing::run({"homeserver-config", "synapse", "--profile", bad});
    EXPECT_EQ(refused.code, 2);
    EXPECT_NE(refused.err.find(bad), std::string::npos) << refused.err;
}

TEST(ProfileForInstall, BoundMsisdnTakesTheStoredForm) {
    auto profile = load_profile_text("bound: {msisdn: \"447700900002\"}\ndenied: {msisdn: 12025550123}\n", "p.yaml");
    ASSERT_TRUE(profile.bound_msisdn);
    EXPECT_EQ(profile.bound_msisdn->country, "GB");
    EXPECT_EQ(profile.bound_msisdn->phone_number, "7700900002");
    ASSERT_TRUE(profile.denied_msisdn);
    EXPECT_EQ(profile.denied_msisdn->country, "US");
    EXPECT_EQ(profile.denied_msisdn->phone_number, "2025550123");
    try {
        load_profile_text("bound:\n  msisdn: \"+447700900002\"\n", "q.yaml");
        FAIL() << "no error";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 2);
        EXPECT_NE(std::string(e.what()).find("447700900002"), std::string::npos) << e.what();
    }
}

TEST(ProfileForInstall, Registration) {
    auto open = load_profile_text("registration: {open: true}\n", "p.yaml");
    ASSERT_TRUE(open.registration);
    EXPECT_TRUE(open.registration->open);
    auto secret = load_profile_text("registration: {shared_secret: abc}\n", "p.yaml");
    ASSERT_TRUE(secret.registration);
    EXPECT_FALSE(secret.registration->open);
    EXPECT_EQ(secret.registration->shared_secret, "abc");
    EXPECT_FALSE(load_profile_text("spec: auto\n", "p.yaml").registration);
    EXPECT_THROW(load_profile_text("registration: {open: false}\n", "p.yaml"), ConfigError);
    EXPECT_THROW(load_profile_text("registration: {closed: true}\n", "p.yaml"), ConfigError);
}

TEST(ProfileForInstall, StandardPortsFillOnlyWhatTheProfileLeavesOut) {
    auto profile = load_profile_text("identity: {listen: \"127.0.0.1:0\"}\n", "p.yaml");
    use_standard_ports(profile);
    EXPECT_EQ(profile.identity_listen, "127.0.0.1:0");
    EXPECT_EQ(profile.decoy_listen, "127.0.0.1:8091");
    EXPECT_EQ(profile.smtp_listen, "127.0.0.1:2525");
    auto empty = load_profile_text("", "p.yaml");
    EXPECT_EQ(empty.identity_listen, "127.0.0.1:0") << "built-in targets keep any free port";
    use_standard_ports(empty);
    EXPECT_EQ(empty.identity_listen, "127.0.0.1:8090");
}

}  // namespace
