// The check of the profile's own addresses: a bound: address the server does not know, or a denied:
// address it accepts, is a fixture error (its cases not run, none failed), named with the profile
// key and what the server answered; a server that contradicts itself is still judged. The server is
// configured from one profile and mx3pid reads another, as when a user's profile is wrong.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "engine/runner.hpp"
#include "suite/case_model.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"
#include "targets/detail/token_round.hpp"
#include "targets/fixture_setup.hpp"
#include "targets/target.hpp"

namespace {

using namespace mx3pid;
using reports::Verdict;
using namespace std::chrono_literals;

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";

suite::Profile builtin_profile(const std::string& name) { return suite::load_profile(cases_dir + "/profiles/" + name + ".yaml"); }

/// A built-in server configured from `server_profile`, judged by mx3pid with `profile`.
struct Checked {
    suite::Suite suite = suite::load_suite(cases_dir);
    const std::vector<suite::CaseTemplate>& templates = suite.templates;
    suite::Profile profile;
    spec::Edition edition;
    std::unique_ptr<targets::Target> target;
    std::unique_ptr<engine::FixtureFactory> fixtures;
    std::vector<suite::SelectedCase> selected;
    targets::FixtureSetup setup;
    std::vector<std::string> lines;

    Checked(const suite::Profile& server_profile, suite::Profile judged_profile, const std::string& edition_name,
            const std::string& variant = "builtin", const std::vector<std::string>& filters = {})
        : profile(std::move(judged_profile)), edition(*spec::Edition::parse(edition_name)) {
        std::string error;
        target = std::make_unique<targets::Target>(*targets::parse_target(variant, error), server_profile, edition);
        fixtures = std::make_unique<engine::FixtureFactory>(5, profile);
        selected = suite::select_cases(templates, edition, targets::as_planned(profile), filters);
        targets::FixtureContext context{target->homeserver_url(), edition, target->identity(), target->decoy(),
                                        target->mailbox(), *fixtures, target->id_server(profile), net::ClientOptions{},
                                        target->side_channel_grace(), 1500ms};
        setup = targets::set_up_fixtures(context, profile, selected, [&](const std::string& line) { lines.push_back(line); });
    }

    std::vector<reports::CaseResult> run() {
        engine::Environment environment{target->homeserver_url(), edition, profile, suite.catalogue, target->identity(), target->decoy(),
                                        target->mailbox(), net::Client(), *fixtures};
        environment.grace = target->side_channel_grace();
        return engine::run_cases(selected, environment);
    }

    std::string said() const {
        std::string text;
        for (const auto& line : lines) text += line + "\n";
        return text;
    }
};

suite::Profile without_bound(suite::Profile profile) {
    profile.bound_email.reset();
    profile.bound_msisdn.reset();
    return profile;
}

std::size_t count_not_run(const std::vector<reports::CaseResult>& results) {
    return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.not_run; }));
}

const reports::CaseResult& result_of(const std::vector<reports::CaseResult>& results, const std::string& id) {
    auto found = std::find_if(results.begin(), results.end(), [&](const auto& r) { return r.id == id; });
    EXPECT_NE(found, results.end()) << id;
    return *found;
}

TEST(FixtureCheck, RightAddressesCostOneRequestEachAndNothingIsDelivered) {
    for (const char* edition : {"r0.4.0", "r0.6.1", "v1.11"}) {
        auto profile = builtin_profile("builtin");
        Checked checked(profile, profile, edition);
        SCOPED_TRACE(edition);
        EXPECT_TRUE(checked.setup.errors.empty()) << checked.said();
        EXPECT_TRUE(checked.setup.warnings.empty()) << checked.said();
        EXPECT_EQ(checked.setup.check_requests, 4u) << checked.said();
        EXPECT_TRUE(checked.target->identity().messages().empty()) << "the check delivered a token";
        EXPECT_NE(checked.said().find("setup: check profile bound.email taken@allowed.example: register/email/requestToken "
                                      "answered 400 M_THREEPID_IN_USE: bound"),
                  std::string::npos)
            << checked.said();
        for (const auto& result : checked.run()) EXPECT_FALSE(result.not_run) << result.id;
    }
}

TEST(FixtureCheck, AnUnboundAddressIsAFixtureErrorAndNoCaseFails) {
    auto profile = builtin_profile("builtin-self");
    profile.registration.reset();
    auto judged = profile;
    judged.bound_email = "nobody@allowed.example";
    judged.bound_msisdn = suite::Msisdn{"GB", "7700900999"};
    Checked checked(profile, judged, "v1.2", "builtin:requires-id-access-token");
    ASSERT_EQ(checked.setup.errors.size(), 2u) << checked.said();
    EXPECT_EQ(checked.setup.errors[0].reason,
              "fixture error: profile bound.email nobody@allowed.example is not bound on the server "
              "(register/email/requestToken answered 200 and a token was sent; password/email/requestToken answered 400 "
              "M_THREEPID_NOT_FOUND): bind it, or use registration: to let mx3pid make one");
    EXPECT_NE(checked.setup.errors[1].reason.find("profile bound.msisdn GB 7700900999 is not bound on the server"), std::string::npos);
    EXPECT_EQ(checked.setup.check_requests, 2u + 2u + 1u + 1u) << checked.said();

    auto results = checked.run();
    EXPECT_GE(count_not_run(results), 8u);
    for (const auto& result : results) EXPECT_NE(result.verdict, Verdict::fail) << result.id << ": " << result.message;
    for (const char* id : {"register/email/duplicate", "3pid/msisdn/duplicate", "password/email/valid", "password/msisdn/repeat"}) {
        const auto& result = result_of(results, id);
        EXPECT_TRUE(result.not_run) << id;
        EXPECT_EQ(result.verdict, Verdict::skip) << id;
        EXPECT_EQ(result.message.rfind("not run: fixture error: profile bound.", 0), 0u) << result.message;
    }
    EXPECT_FALSE(result_of(results, "register/email/valid").not_run);
}

TEST(FixtureCheck, BehindEnumerationProtectionTheAbsentTokenTellsTheState) {
    auto profile = builtin_profile("builtin-enumeration");
    Checked right(profile, profile, "v1.11");
    EXPECT_TRUE(right.setup.errors.empty()) << right.said();
    EXPECT_EQ(right.setup.check_requests, 4u) << right.said();
    EXPECT_NE(right.said().find("register/email/requestToken answered 200 and no token was sent: bound, or its state hidden"),
              std::string::npos)
        << right.said();

    auto judged = profile;
    judged.bound_email = "nobody@allowed.example";
    Checked wrong(profile, judged, "v1.11", "builtin", {"*/email/*"});
    ASSERT_EQ(wrong.setup.errors.size(), 1u) << wrong.said();
    EXPECT_NE(wrong.setup.errors[0].reason.find("(register/email/requestToken answered 200 and a token was sent; "
                                                "password/email/requestToken answered 200 and no token was sent)"),
              std::string::npos)
        << wrong.setup.errors[0].reason;
}

TEST(FixtureCheck, AnAcceptedDeniedAddressIsAFixtureErrorSayingBothReadings) {
    auto profile = builtin_profile("builtin");
    auto judged = profile;
    judged.denied_email = "someone@allowed.example";
    Checked checked(profile, judged, "v1.11");
    ASSERT_EQ(checked.setup.errors.size(), 1u) << checked.said();
    const auto& reason = checked.setup.errors[0].reason;
    EXPECT_EQ(reason,
              "fixture error: profile denied.email someone@allowed.example is accepted by the server "
              "(register/email/requestToken answered 200 and a token was sent; password/email/requestToken answered 400 "
              "M_THREEPID_NOT_FOUND): either its policy does not refuse this address (name one it refuses in denied:) or it "
              "applies no policy at all; nothing it answered tells the two apart");
    auto results = checked.run();
    for (const char* id : {"register/email/denied", "3pid/email/denied", "password/email/denied"})
        EXPECT_TRUE(result_of(results, id).not_run) << id;
    for (const char* id : {"register/msisdn/denied", "3pid/msisdn/denied"})
        EXPECT_EQ(result_of(results, id).verdict, Verdict::pass) << id;
}

/// Against `variant`, the right builtin profile draws `warnings` warnings, the first saying `warning`,
/// no fixture error, and `failing` still fails.
void expect_judged_despite_contradiction(const std::string& variant, std::size_t warnings, const std::string& warning,
                                         const std::string& failing) {
    auto profile = builtin_profile("builtin");
    Checked checked(profile, profile, "v1.11", variant);
    SCOPED_TRACE(variant);
    EXPECT_TRUE(checked.setup.errors.empty()) << checked.said();
    ASSERT_EQ(checked.setup.warnings.size(), warnings) << checked.said();
    EXPECT_NE(checked.setup.warnings[0].find(warning), std::string::npos) << checked.setup.warnings[0];
    EXPECT_EQ(result_of(checked.run(), failing).verdict, Verdict::fail);
}

TEST(FixtureCheck, ARegisterEndpointTakingABoundAddressAsFreeIsStillJudged) {
    // Password reset knows the address is bound: the fixture is right and register is wrong.
    expect_judged_despite_contradiction("builtin:in-use-accepted", 2,
                                        "profile bound.email taken@allowed.example is treated as bound by "
                                        "password/email/requestToken and as free by register/email/requestToken",
                                        "register/email/duplicate");
}

TEST(FixtureCheck, ARegisterEndpointSkippingThePolicyIsStillJudged) {
    // Password reset refuses the number as denied: the server has the policy, and register skips it.
    expect_judged_despite_contradiction("builtin:msisdn-policy-skipped", 1,
                                        "profile denied.msisdn US 2025550123 is refused as denied by "
                                        "password/msisdn/requestToken and accepted by register/msisdn/requestToken",
                                        "register/msisdn/denied");
}

TEST(FixtureCheck, AServerDenyingNothingIsAFixtureErrorNotAFailure) {
    auto profile = builtin_profile("builtin");
    auto open = profile;
    open.denied_email.reset();
    open.denied_msisdn.reset();
    Checked checked(open, profile, "r0.4.0", "builtin", {"*/denied"});
    EXPECT_EQ(checked.setup.errors.size(), 2u) << checked.said();
    for (const auto& result : checked.run()) {
        EXPECT_TRUE(result.not_run) << result.id;
        EXPECT_NE(result.message.find("or it applies no policy at all"), std::string::npos) << result.message;
    }
}

TEST(FixtureCheck, AMediumMx3pidCannotBindIsAFixtureErrorForItsCasesAlone) {
    auto profile = builtin_profile("builtin-self");
    Checked checked(profile, profile, "v1.11", "builtin:self-no-mail");
    EXPECT_EQ(checked.setup.refused, "");
    EXPECT_TRUE(checked.setup.self_made);
    ASSERT_EQ(checked.setup.errors.size(), 1u) << checked.said();
    EXPECT_EQ(checked.setup.errors[0].reason.rfind("fixture error: mx3pid could not make a bound.email (registration:): "
                                                   "email: catch the token: no token reached mx3pid-",
                                                   0),
              0u)
        << checked.setup.errors[0].reason;
    auto results = checked.run();
    EXPECT_TRUE(result_of(results, "password/email/valid").not_run);
    EXPECT_EQ(result_of(results, "password/msisdn/valid").verdict, Verdict::pass);
    EXPECT_EQ(result_of(results, "register/email/valid").verdict, Verdict::fail) << "the server's own fault is still judged";
}

TEST(FixtureCheck, RefusedRegistrationMarksNothing) {
    auto profile = builtin_profile("builtin-self");
    Checked checked(profile, profile, "v1.11", "builtin:registration-closed");
    EXPECT_NE(checked.setup.refused.find("register: registration is closed"), std::string::npos) << checked.setup.refused;
    for (const auto& one : checked.selected) EXPECT_FALSE(one.not_run_reason) << one.instance.id;
}

TEST(FixtureCheck, NothingIsCheckedThatNoSelectedCaseReliesOn) {
    auto profile = builtin_profile("builtin");
    Checked checked(profile, profile, "v1.11", "builtin", {"register/*/valid", "3pid/*/valid", "register/email/duplicate"});
    EXPECT_EQ(checked.setup.check_requests, 1u) << checked.said();
    EXPECT_FALSE(checked.setup.self_made);
}

TEST(FixtureRequests, IdServerIsNamedWhereTheEditionRequiresItOrTheServerProxies) {
    using targets::detail::names_id_server;
    const auto r050 = *spec::Edition::parse("r0.5.0"), r060 = *spec::Edition::parse("r0.6.0"), v111 = *spec::Edition::parse("v1.11");
    EXPECT_TRUE(names_id_server(spec::Validation::self, r050));
    EXPECT_TRUE(names_id_server(spec::Validation::delegate, r050));
    EXPECT_FALSE(names_id_server(spec::Validation::self, r060));
    EXPECT_FALSE(names_id_server(spec::Validation::delegate, v111));
    EXPECT_TRUE(names_id_server(spec::Validation::proxy, v111));
}

}  // namespace
