// Self-made fixtures: with registration in the profile and no bound addresses, mx3pid registers an
// account, binds fresh addresses through the spec's own flow, and the cases that need them run.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "temp_dir.hpp"

namespace {

using mx3pid::testing::count;
using mx3pid::testing::run;
using mx3pid::testing::TempDir;

std::string profile_text(const std::string& spec, const std::string& validation, const std::string& registration) {
    return "homeserver: builtin\nspec: " + spec + "\nvalidation: " + validation +
           "\nfresh: {email_domain: allowed.example, msisdn: {country: GB, prefix: \"7700\"}}\n"
           "denied: {email: someone@denied.example, msisdn: {country: US, phone_number: \"2025550123\"}}\n"
           "registration: " + registration + "\n";
}

/// The verdict word the console printed for `id`, or "" when the case did not run.
std::string verdict_of(const std::string& out, const std::string& id) {
    std::smatch found;
    if (!std::regex_search(out, found, std::regex("(?:^|\\n)(\\w+) +" + std::regex_replace(id, std::regex("[*/]"), "\\$&") + " ")))
        return "";
    return found[1];
}

void expect_bound_cases_pass(const std::string& spec, const std::string& validation, const std::string& registration) {
    TempDir dir;
    auto profile = dir.write("p.yaml", profile_text(spec, validation, registration));
    auto json_path = (dir.path() / "run.json").string();
    auto result = run({"--profile", profile, "--filter", "*/duplicate,password/*/valid", "--seed", "7", "--json", json_path});
    SCOPED_TRACE(spec + " " + validation + " " + registration);
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("setup: register: registered @"), std::string::npos) << result.out;
    EXPECT_EQ(count(result.out, "setup: email: bind: bound"), 1) << result.out;
    EXPECT_EQ(count(result.out, "setup: msisdn: bind: bound"), 1) << result.out;
    for (const char* id : {"register/email/duplicate", "3pid/email/duplicate", "password/email/valid",
                           "register/msisdn/duplicate", "3pid/msisdn/duplicate"})
        EXPECT_EQ(verdict_of(result.out, id), "PASS") << id << "\n" << result.out;
    EXPECT_EQ(count(result.out, "SKIP"), 0) << result.out;
    auto report = mx3pid::testing::read(json_path);
    EXPECT_NE(report.find("\"made by mx3pid: mx3pid-"), std::string::npos) << "the report names the addresses made";
}

TEST(SelfMadeFixtures, SelfValidatedEmailAndDelegatedMsisdnBindWithThreepidAdd) {
    expect_bound_cases_pass("v1.11", "{email: self, msisdn: delegate}", "{open: true}");
}

TEST(SelfMadeFixtures, ProxiedBeforeR060BindWithThreePidCreds) {
    expect_bound_cases_pass("r0.4.0", "{email: proxy, msisdn: proxy}", "{open: true}");
}

TEST(SelfMadeFixtures, SharedSecretRegistration) {
    expect_bound_cases_pass("v1.11", "{email: delegate, msisdn: delegate}", "{shared_secret: \"not-so-secret\"}");
}

TEST(SelfMadeFixtures, WithoutRegistrationTheCasesAreSkippedAsBefore) {
    TempDir dir;
    auto text = profile_text("v1.11", "{email: self, msisdn: delegate}", "{open: true}");
    text = text.substr(0, text.find("registration:"));
    auto result = run({"--profile", dir.write("p.yaml", text), "--filter", "register/email/duplicate"});
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_EQ(result.out.find("setup:"), std::string::npos) << result.out;
    EXPECT_EQ(verdict_of(result.out, "register/email/duplicate"), "SKIP") << result.out;
}

}  // namespace
