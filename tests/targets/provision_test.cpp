// Self-made fixtures, as a user gets them: with registration: in the profile and no bound:, mx3pid
// registers an account, binds fresh addresses through the spec's own flow, built as the judged
// edition spells it, and the full suite runs with nothing skipped for want of a fixture. Each
// built-in below makes one of a real server's demands on that flow.
#include <ostream>
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

/// Every SKIP line of the console that is not about the edition or the validation mode.
std::string skips_for_want_of_a_fixture(const std::string& out) {
    std::string found;
    std::regex skip_line("(?:^|\\n)(SKIP [^\\n]*)");
    for (std::sregex_iterator it(out.begin(), out.end(), skip_line), end; it != end; ++it) {
        const std::string line = (*it)[1];
        if (line.find("applies to editions") == std::string::npos && line.find("for servers that validate") == std::string::npos &&
            line.find("for servers with") == std::string::npos && line.find("for servers without") == std::string::npos &&
            line.find("for a medium the server does not support") == std::string::npos)
            found += line + "\n";
    }
    return found;
}

struct Demand {
    std::string name;
    std::string homeserver;  ///< builtin[:VARIANT]
    std::string spec;
    std::string validation;
    std::string registration;
};

void PrintTo(const Demand& demand, std::ostream* out) { *out << demand.name; }

class SelfMadeFixtures : public ::testing::TestWithParam<Demand> {};

TEST_P(SelfMadeFixtures, TheFullSuiteRunsWithNothingSkippedForAFixture) {
    const auto& demand = GetParam();
    TempDir dir;
    auto profile = dir.write("p.yaml", profile_text(demand.spec, demand.validation, demand.registration));
    auto json_path = (dir.path() / "run.json").string();
    auto result = run({"--homeserver", demand.homeserver, "--profile", profile, "--seed", "7", "--json", json_path});
    EXPECT_EQ(result.code, 0) << result.out << result.err;
    EXPECT_NE(result.out.find("setup: register"), std::string::npos) << result.out;
    EXPECT_EQ(count(result.out, "setup: email: bind: bound"), 1) << result.out;
    EXPECT_EQ(count(result.out, "setup: msisdn: bind: bound"), 1) << result.out;
    EXPECT_EQ(skips_for_want_of_a_fixture(result.out), "");
    EXPECT_EQ(count(result.out, "not run"), 0) << result.out;
    int bound_cases_passed = 0;
    for (const char* id : {"register/email/duplicate", "register/msisdn/duplicate", "3pid/email/duplicate", "3pid/msisdn/duplicate",
                           "password/email/valid", "password/msisdn/valid", "password/email/repeat", "password/msisdn/repeat",
                           "password/email/resend", "password/msisdn/resend"}) {
        EXPECT_EQ(verdict_of(result.out, id), "PASS") << id << "\n" << result.out;
        bound_cases_passed += verdict_of(result.out, id) == "PASS";
    }
    EXPECT_GE(bound_cases_passed, 8);
    auto report = mx3pid::testing::read(json_path);
    EXPECT_NE(report.find("\"made by mx3pid: mx3pid-"), std::string::npos) << "the report names the addresses made";
}

INSTANTIATE_TEST_SUITE_P(
    Demands, SelfMadeFixtures,
    ::testing::Values(
        // Mails email itself and delegates msisdn, as Synapse does; binds with /account/3pid/add and the password.
        Demand{"self_and_delegate", "builtin", "v1.11", "{email: self, msisdn: delegate}", "{open: true}"},
        // id_server without id_access_token is refused: provisioning sends none where the server validates
        // itself, and the token with it where it proxies.
        Demand{"id_access_token_required_self", "builtin:requires-id-access-token", "v1.2", "{email: self, msisdn: delegate}",
               "{open: true}"},
        Demand{"id_access_token_required_proxy", "builtin:requires-id-access-token", "v1.11", "{email: proxy, msisdn: proxy}",
               "{open: true}"},
        Demand{"id_access_token_required_r0_6_1", "builtin:requires-id-access-token", "r0.6.1",
               "{email: delegate, msisdn: delegate}", "{shared_secret: \"not-so-secret\"}"},
        // Proxies to id_server: before r0.6.0 bound with /account/3pid and three_pid_creds.
        Demand{"proxy_r0_4_0", "builtin", "r0.4.0", "{email: proxy, msisdn: proxy}", "{open: true}"},
        // The reference reaches the identity server only through its v2 API from r0.6.0.
        Demand{"proxy_v1_11", "builtin", "v1.11", "{email: proxy, msisdn: proxy}", "{open: true}"},
        // Validates itself at r0.5.0: id_server is still required, and ignored.
        Demand{"self_r0_5_0", "builtin", "r0.5.0", "{email: self, msisdn: delegate}", "{open: true}"},
        // Shared-secret registration only (POST /register is closed when the profile gives a secret).
        Demand{"shared_secret_only", "builtin", "v1.11", "{email: delegate, msisdn: delegate}", "{shared_secret: \"not-so-secret\"}"},
        // Ignores id_server entirely, and answers a submit_url of its own for msisdn.
        Demand{"ignores_id_server", "builtin:delegate-ignores-id-server", "v1.11", "{email: delegate, msisdn: delegate}",
               "{open: true}"},
        Demand{"msisdn_submit_elsewhere", "builtin:msisdn-submit-elsewhere", "v1.11", "{email: self, msisdn: delegate}",
               "{open: true}"},
        // Mails after answering, and only a link (no submit_url).
        Demand{"late_mail", "builtin:late-mail", "v1.11", "{email: self, msisdn: delegate}", "{open: true}"},
        Demand{"link_only", "builtin:link-only", "v1.11", "{email: self, msisdn: delegate}", "{open: true}"}),
    [](const auto& info) { return info.param.name; });

TEST(SelfMadeFixtures, ClosedRegistrationStopsTheRunNamingTheStepAndTheFix) {
    TempDir dir;
    auto profile = dir.write("p.yaml", profile_text("v1.11", "{email: self, msisdn: delegate}", "{open: true}"));
    auto result = run({"--homeserver", "builtin:registration-closed", "--profile", profile});
    EXPECT_EQ(result.code, 3) << result.out << result.err;
    EXPECT_NE(result.err.find("cannot make the bound addresses: register: registration is closed (POST /register answered 403 "
                              "M_FORBIDDEN"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("give registration: {shared_secret: …} in the profile, or name bound addresses in bound:"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.out.find("setup: register: REFUSED: "), std::string::npos) << result.out;
}

TEST(SelfMadeFixtures, OnlyTheMediaTheSelectedCasesNeedAreMade) {
    TempDir dir;
    auto profile = dir.write("p.yaml", profile_text("v1.11", "{email: self, msisdn: delegate}", "{open: true}"));
    auto email_only = run({"--profile", profile, "--filter", "password/email/valid"});
    EXPECT_EQ(email_only.code, 0) << email_only.out << email_only.err;
    EXPECT_EQ(count(email_only.out, "setup: email: bind: bound"), 1) << email_only.out;
    EXPECT_EQ(count(email_only.out, "setup: msisdn:"), 0) << email_only.out;
    auto none = run({"--profile", profile, "--filter", "register/email/valid"});
    EXPECT_EQ(none.code, 0) << none.out << none.err;
    EXPECT_EQ(count(none.out, "setup:"), 0) << none.out;
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
