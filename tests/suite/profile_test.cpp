#include "suite/config_error.hpp"
#include "suite/profile.hpp"

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using namespace mx3pid::suite;
using mx3pid::testing::TempDir;

namespace {

/// Loads `text` as a profile and returns the error it raises.
ConfigError error_of(const std::string& text) {
    return mx3pid::testing::config_error_of(text, [](const std::string& path) { load_profile(path); });
}

}  // namespace

TEST(Profile, ReadsEveryKey) {
    TempDir dir;
    auto path = dir.write("p.yaml", R"(homeserver: http://127.0.0.1:8008
spec: v1.11
validation: {email: self, msisdn: delegate}
fresh: {email_domain: hs.example, msisdn: {country: US, prefix: "20255"}}
bound: {email: a@hs.example, msisdn: {country: GB, phone_number: "7700900002"}}
denied: {email: b@no.example}
identity: {listen: "127.0.0.1:8090", decoy_listen: "127.0.0.1:8091", scheme: https}
enumeration_protection: true
)");
    auto profile = load_profile(path);
    EXPECT_EQ(profile.homeserver, "http://127.0.0.1:8008");
    EXPECT_EQ(profile.spec, "v1.11");
    EXPECT_EQ(profile.email_validation, Validation::self);
    EXPECT_EQ(profile.msisdn_validation, Validation::delegate);
    EXPECT_EQ(profile.fresh_email_domain, "hs.example");
    EXPECT_EQ(profile.fresh_msisdn_prefix, "20255");
    EXPECT_EQ(profile.bound_email, "a@hs.example");
    EXPECT_EQ(profile.bound_msisdn->phone_number, "7700900002");
    EXPECT_EQ(profile.denied_email, "b@no.example");
    EXPECT_FALSE(profile.denied_msisdn);
    EXPECT_EQ(profile.identity_listen, "127.0.0.1:8090");
    EXPECT_EQ(profile.identity_scheme, "https");
    EXPECT_TRUE(profile.enumeration_protection);
}

TEST(Profile, EmptyFileGivesDefaults) {
    TempDir dir;
    auto profile = load_profile(dir.write("empty.yaml", ""));
    EXPECT_EQ(profile.spec, "auto");
    EXPECT_FALSE(profile.bound_email);
}

TEST(Profile, UnknownKeyNamesFileAndLine) {
    auto e = error_of("spec: r0.4.0\n\nbogus: 1\n");
    EXPECT_EQ(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("unknown key 'bogus'"), std::string::npos);
}

TEST(Profile, UnknownNestedKeyNamesItsLine) {
    auto e = error_of("bound:\n  email: a@b.example\n  phone: 1\n");
    EXPECT_EQ(e.line(), 3);
}

TEST(Profile, WrongTypeNamesFileAndLine) {
    EXPECT_EQ(error_of("spec: r0.4.0\nenumeration_protection: maybe\n").line(), 2);
    EXPECT_EQ(error_of("validation: [proxy]\n").line(), 1);
    EXPECT_EQ(error_of("validation:\n  email: carrier-pigeon\n").line(), 2);
    EXPECT_EQ(error_of("bound:\n  msisdn: {country: gb, phone_number: \"1\"}\n").line(), 2);
    EXPECT_EQ(error_of("spec: r9.9.9\n").line(), 1);
}

TEST(Profile, BadYamlNamesFileAndLine) {
    auto e = error_of("spec: r0.4.0\nbound:\n  email: [unclosed\n");
    EXPECT_GE(e.line(), 3);
    EXPECT_NE(std::string(e.what()).find("not valid YAML"), std::string::npos);
}

TEST(Profile, MissingFileIsAnError) {
    EXPECT_THROW(load_profile("/nonexistent/profile.yaml"), ConfigError);
}
