// The whole suite against the in-process reference homeserver, through the library API.
#include <gtest/gtest.h>

#include "suite/case_model.hpp"
#include "suite/profile.hpp"
#include "engine/runner.hpp"
#include "suite/selection.hpp"
#include "targets/fixture_setup.hpp"
#include "targets/target.hpp"
#include "reference_homeserver/homeserver.hpp"

using namespace mx3pid::suite;
using namespace mx3pid::engine;
using namespace mx3pid::targets;
using mx3pid::reports::Verdict;

namespace {

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";

struct BuiltinRun {
    Profile profile = load_profile(cases_dir + "/profiles/builtin.yaml");
    Suite suite = load_suite(cases_dir);
    const std::vector<CaseTemplate>& templates = suite.templates;
    mx3pid::spec::Edition edition = *mx3pid::spec::Edition::parse("r0.4.0");
    TargetChoice choice;
    std::unique_ptr<Target> target;
    std::unique_ptr<FixtureFactory> fixtures;

    BuiltinRun() {
        std::string error;
        choice = *parse_target("builtin", error);
        target = std::make_unique<Target>(choice, profile, edition);
        fixtures = std::make_unique<FixtureFactory>(42, profile);
    }

    std::vector<mx3pid::reports::CaseResult> run(const std::vector<std::string>& filters = {}) {
        Environment environment{target->homeserver_url(), edition, profile, suite.catalogue, target->identity(), target->decoy(),
                                target->mailbox(), mx3pid::net::Client(), *fixtures};
        return run_cases(select_cases(templates, edition, profile, filters), environment);
    }
};

std::string describe(const mx3pid::reports::CaseResult& result) {
    return result.id + ": " + mx3pid::reports::to_string(result.verdict) + " " + result.message;
}

}  // namespace

TEST(BuiltinSuite, EveryCasePassesAgainstTheReference) {
    BuiltinRun run;
    auto results = run.run();
    ASSERT_GE(results.size(), 24u);
    for (const auto& result : results) {
        if (result.verdict == Verdict::skip) {
            EXPECT_NE(result.message.find("applies to editions"), std::string::npos) << describe(result);
            continue;
        }
        EXPECT_EQ(result.verdict, Verdict::pass) << describe(result);
    }
    for (const char* kind : {"valid", "duplicate", "denied", "untrusted-id_server"})
        for (const auto& endpoint : mx3pid::spec::endpoints()) {
            auto id = std::string(endpoint.key) + "/" + kind;
            EXPECT_TRUE(std::any_of(results.begin(), results.end(), [&](const auto& r) { return r.id == id; })) << id;
        }
}

TEST(BuiltinSuite, TheValidCaseSawTheRequestAtTheIdentityServer) {
    BuiltinRun run;
    auto results = run.run({"register/email/valid"});
    ASSERT_EQ(results.size(), 1u);
    ASSERT_EQ(results[0].verdict, Verdict::pass) << describe(results[0]);
    auto requests = run.target->identity().requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/_matrix/identity/api/v1/validate/email/requestToken");
    EXPECT_TRUE(run.target->decoy().requests().empty());
}

TEST(BuiltinSuite, DeniedCasesFailOnceTheServerStopsDenying) {
    BuiltinRun run;
    auto before = run.run({"*/denied"});
    ASSERT_EQ(before.size(), 6u);
    for (const auto& result : before) ASSERT_EQ(result.verdict, Verdict::pass) << describe(result);

    run.target->builtin()->set_denied({}, {});
    auto after = run.run({"*/denied"});
    ASSERT_EQ(after.size(), 6u);
    for (const auto& result : after) {
        if (result.endpoint.rfind("password/", 0) == 0) {
            // A denied address is bound to nobody: 400 M_THREEPID_NOT_FOUND is still a right answer.
            EXPECT_EQ(result.verdict, Verdict::pass) << describe(result);
            continue;
        }
        EXPECT_EQ(result.verdict, Verdict::fail) << describe(result);
        bool forwarded_seen = std::any_of(result.checks.begin(), result.checks.end(), [](const auto& check) {
            return check.name == "validation tokens delivered" && check.verdict == Verdict::fail;
        });
        EXPECT_TRUE(forwarded_seen) << result.id << ": a validation token should have reached the denied address";
    }
}

TEST(BuiltinSuite, AnUnreachableTargetIsAnErrorNotAFailure) {
    BuiltinRun run;
    auto url = *mx3pid::net::Url::parse("http://127.0.0.1:1");
    mx3pid::net::ClientOptions client;
    Environment environment{url, run.edition, run.profile, run.suite.catalogue, run.target->identity(), run.target->decoy(),
                            run.target->mailbox(), mx3pid::net::Client(client), *run.fixtures};
    auto results = run_cases(select_cases(run.templates, run.edition, run.profile, {"register/email/*"}), environment);
    ASSERT_FALSE(results.empty());
    for (const auto& result : results) {
        if (result.verdict == Verdict::skip) continue;
        EXPECT_EQ(result.verdict, Verdict::error) << describe(result);
        EXPECT_NE(result.message.find("could not ask"), std::string::npos);
    }
}

TEST(BuiltinSuite, SecretsAreRedactedFromTranscripts) {
    BuiltinRun run;
    auto results = run.run({"register/email/valid"});
    ASSERT_EQ(results.size(), 1u);
    auto requests = run.target->identity().requests();
    ASSERT_EQ(requests.size(), 1u);
    const auto secret = requests[0].body.at("client_secret").get<std::string>();
    const auto& result = results[0];
    std::string everything = result.curl + result.message;
    for (const auto& line : result.side_channel) everything += line;
    for (const auto& exchange : result.exchanges) {
        everything += exchange.url + exchange.request_body + exchange.response_body;
        for (const auto& header : exchange.request_headers) everything += header.second;
    }
    EXPECT_EQ(everything.find(secret), std::string::npos);
    EXPECT_NE(result.exchanges.at(0).request_body.find("\"client_secret\":\"<redacted>\""), std::string::npos);
}

/// The reference in every mode the built-in profiles describe, under the editions users meet most, with
/// the bound addresses mx3pid makes itself where the profile lets it (builtin-self, builtin-delegate).
class ReferenceModes : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(ReferenceModes, PassEverythingThatApplies) {
    const auto& [profile_name, edition_name] = GetParam();
    auto profile = load_profile(cases_dir + "/profiles/" + profile_name + ".yaml");
    auto edition = *mx3pid::spec::Edition::parse(edition_name);
    std::string error;
    Target target(*parse_target("builtin", error), profile, edition);
    FixtureFactory fixtures(3, profile);
    // As a command-line run does: the profile's bound addresses made (registration:) or checked first.
    const auto suite = load_suite(cases_dir);
    auto selected = select_cases(suite.templates, edition, as_planned(profile), {});
    FixtureContext context{target.homeserver_url(), edition, target.identity(), target.decoy(), target.mailbox(),
                           fixtures, target.id_server(profile), mx3pid::net::ClientOptions{}, target.side_channel_grace()};
    auto setup = set_up_fixtures(context, profile, selected);
    ASSERT_EQ(setup.refused, "");
    EXPECT_TRUE(setup.errors.empty()) << setup.errors.front().reason;
    EXPECT_TRUE(setup.warnings.empty()) << setup.warnings.front();
    Environment environment{target.homeserver_url(), edition, profile, suite.catalogue, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    auto results = run_cases(selected, environment);
    std::size_t passed = 0;
    for (const auto& result : results) {
        if (result.verdict == Verdict::skip) {
            EXPECT_FALSE(result.not_run) << describe(result);
            continue;
        }
        EXPECT_EQ(result.verdict, Verdict::pass) << describe(result);
        ++passed;
    }
    EXPECT_GE(passed, 150u);
}

INSTANTIATE_TEST_SUITE_P(Builtin, ReferenceModes,
                         ::testing::Combine(::testing::Values("builtin", "builtin-delegate", "builtin-self",
                                                              "builtin-enumeration"),
                                            ::testing::Values("r0.4.0", "r0.6.1", "v1.11")),
                         [](const auto& info) {
                             std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                             for (auto& c : name)
                                 if (c == '.' || c == '-') c = '_';
                             return name;
                         });
