// Observations closed together, one grace after the last request, judge exactly as closing each
// case one grace after its own last request; rate limits end one medium's token cases, not the run.
#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include <gtest/gtest.h>

#include "suite/profile.hpp"
#include "engine/runner.hpp"
#include "suite/selection.hpp"
#include "targets/target.hpp"
#include "reference_homeserver/variants.hpp"

using namespace mx3pid::suite;
using namespace mx3pid::engine;
using namespace mx3pid::targets;
using mx3pid::reports::CaseResult;
using mx3pid::reports::Verdict;

namespace {

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";

struct Settings {
    std::string variant;
    std::string profile;
    std::vector<std::string> filters;
    std::chrono::milliseconds grace{0};
    bool settle_each_case = false;
    std::chrono::milliseconds max_wait{60000};
    std::string edition = "v1.11";
    unsigned jobs = 1;
};

/// What a run leaves beside its results.
struct Leftovers {
    std::vector<std::string> warnings;
    std::vector<mx3pid::reports::UnattributedArrival> unattributed;
    std::map<std::string, int> reported;  ///< how often the listener got each case
};

std::vector<CaseResult> run_suite(const Settings& settings, Leftovers* leftovers = nullptr) {
    auto profile = load_profile(cases_dir + "/profiles/" + settings.profile + ".yaml");
    profile.max_rate_limit_wait = settings.max_wait;
    const auto edition = *mx3pid::spec::Edition::parse(settings.edition);
    const auto* variant = mx3pid::reference_homeserver::find_variant(settings.variant);
    if (!variant) {
        ADD_FAILURE() << "no built-in variant " << settings.variant;
        return {};
    }
    TargetChoice choice;
    choice.name = settings.variant;
    choice.text = "builtin:" + settings.variant;
    choice.variant = variant;
    Target target(choice, profile, edition);
    FixtureFactory fixtures(42, profile);
    static const auto suite = load_suite(cases_dir);
    Environment environment{target.homeserver_url(), edition, profile, suite.catalogue, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    environment.grace = settings.grace;
    environment.settle_each_case = settings.settle_each_case;
    environment.jobs = settings.jobs;
    std::map<std::string, int> reported;
    auto results = run_cases(select_cases(suite.templates, edition, profile, settings.filters), environment,
                             [&](CaseResult& result) { ++reported[result.id]; });
    if (leftovers) {
        *leftovers = {environment.warnings, environment.unattributed, reported};
        return results;
    }
    EXPECT_TRUE(environment.warnings.empty()) << environment.warnings.front();
    EXPECT_TRUE(environment.unattributed.empty()) << mx3pid::reports::describe(environment.unattributed.front());
    return results;
}

/// What a report says of a case, without its times, addresses and sids (which differ run to run).
std::string judged(const CaseResult& result) {
    std::string text = result.id + " " + mx3pid::reports::to_string(result.verdict) + " | " + result.message;
    for (const auto& check : result.checks) text += " | " + check.name + "=" + mx3pid::reports::to_string(check.verdict);
    text += " | " + std::to_string(result.exchanges.size()) + " exchanges";
    return text;
}

}  // namespace

TEST(Settle, ClosingTogetherJudgesAsClosingEachCaseOnLateMail) {
    Settings settings{"late-mail", "builtin-self", {"*/email/valid", "*/email/repeat", "*/email/resend", "*/email/duplicate",
                                                      "*/email/missing-client_secret", "*/email/denied"}};
    settings.grace = std::chrono::milliseconds(600);
    auto together = run_suite(settings);
    settings.settle_each_case = true;
    auto each = run_suite(settings);
    ASSERT_EQ(together.size(), each.size());
    ASSERT_GE(together.size(), 12u);
    for (std::size_t i = 0; i < together.size(); ++i) {
        EXPECT_EQ(judged(together[i]), judged(each[i]));
        EXPECT_TRUE(together[i].verdict == Verdict::pass || together[i].verdict == Verdict::skip) << judged(together[i]);
    }
}

TEST(Settle, WithoutAGraceALateMailIsMissedAndSaidSo) {
    Settings settings{"late-mail", "builtin-self", {"register/email/valid"}};
    auto profile = load_profile(cases_dir + "/profiles/builtin-self.yaml");
    const auto edition = *mx3pid::spec::Edition::parse("v1.11");
    TargetChoice choice;
    choice.name = "late-mail";
    choice.variant = mx3pid::reference_homeserver::find_variant("late-mail");
    ASSERT_NE(choice.variant, nullptr);
    Target target(choice, profile, edition);
    FixtureFactory fixtures(42, profile);
    const auto suite = load_suite(cases_dir);
    Environment environment{target.homeserver_url(), edition, profile, suite.catalogue, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    auto results = run_cases(select_cases(suite.templates, edition, profile, settings.filters), environment);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].verdict, Verdict::fail) << "with grace 0 the mail has not arrived when the case is judged";
}

TEST(RateLimits, OneMediumLimitedLeavesTheOtherRunning) {
    // rate-limited-per-medium lets three requests of each medium through, then asks for two hours.
    Settings settings{"rate-limited-per-medium", "builtin-delegate", {"*/valid", "*/repeat", "*/resend", "*/missing-client_secret"}};
    settings.max_wait = std::chrono::milliseconds(200);
    auto results = run_suite(settings);
    std::map<std::string, CaseResult> by_id;
    for (const auto& result : results) {
        EXPECT_EQ(result.message.find("stopped answering"), std::string::npos) << judged(result);
        by_id[result.id] = result;
    }
    auto verdict = [&](const std::string& id) { return by_id.count(id) ? by_id[id].verdict : Verdict::skip; };
    EXPECT_EQ(verdict("register/email/valid"), Verdict::pass);
    EXPECT_EQ(verdict("register/email/repeat"), Verdict::pass);
    ASSERT_EQ(verdict("register/email/resend"), Verdict::skip) << "the case the server kept answering 429 was not judged";
    EXPECT_TRUE(by_id["register/email/resend"].not_run);
    EXPECT_EQ(by_id["register/email/resend"].message,
              "not run: rate limited: the homeserver asked email requests to wait 7200 s, beyond --max-wait 0.2 s, when "
              "register/email/resend was sent");
    EXPECT_EQ(by_id["register/email/resend"].exchanges.back().status, 429) << "its 429 is kept as the evidence";
    EXPECT_EQ(verdict("register/email/missing-client_secret"), Verdict::pass) << "a case that sends no token runs on";
    EXPECT_EQ(verdict("register/msisdn/valid"), Verdict::pass) << "msisdn runs on after email is limited";
    EXPECT_EQ(verdict("register/msisdn/repeat"), Verdict::pass);
    ASSERT_EQ(verdict("3pid/email/valid"), Verdict::skip);
    EXPECT_TRUE(by_id["3pid/email/valid"].not_run);
    EXPECT_EQ(by_id["3pid/email/valid"].message,
              "not run: rate limited: the homeserver asked email requests to wait 7200 s, beyond --max-wait 0.2 s, when "
              "register/email/resend was sent");
    EXPECT_TRUE(by_id["3pid/email/valid"].exchanges.empty()) << "a limited medium's token cases are not asked";
    EXPECT_EQ(verdict("3pid/email/missing-client_secret"), Verdict::pass);
    for (const auto& result : results)
        EXPECT_NE(result.verdict, Verdict::error) << "a server may limit its rate: nothing here is an error: " << judged(result);
}

/// Every identity-server request listed under a case carries that case's own next_link, and the
/// number of requestTokens listed under the case.
std::size_t own_forwards(const CaseResult& result) {
    std::string marker = "/" + result.id + "\"";
    for (auto& c : marker)
        if (c == '/' && &c != &marker.front()) c = '-';
    std::size_t forwards = 0;
    for (const auto& line : result.side_channel) {
        if (line.rfind("identity server:", 0) != 0 && line.rfind("untrusted identity server:", 0) != 0) continue;
        // A case that sends no next_link is known by its other keys; its forwards carry no marker.
        if (line.find("\"next_link\"") != std::string::npos || result.kind != "valid-no-next_link")
            EXPECT_NE(line.find(marker), std::string::npos) << result.id << " lists another's request: " << line;
        forwards += line.find("/requestToken") != std::string::npos;
    }
    return forwards;
}

struct ForwardsLate : ::testing::TestWithParam<std::tuple<std::string, std::string, unsigned>> {};

TEST_P(ForwardsLate, EveryRepeatedForwardIsListedUnderItsOwnCase) {
    const auto& [profile, edition, jobs] = GetParam();
    Settings settings{"forwards-late", profile, {}};
    settings.grace = std::chrono::milliseconds(1000);
    settings.edition = edition;
    settings.jobs = jobs;
    auto results = run_suite(settings);
    std::size_t repeated = 0;
    for (const auto& result : results) {
        EXPECT_TRUE(result.verdict == Verdict::pass || result.verdict == Verdict::skip) << judged(result);
        const auto forwards = own_forwards(result);
        if (result.kind == "valid" && result.verdict == Verdict::pass) EXPECT_EQ(forwards, 2u) << result.id << ": the forward and its repeat";
        repeated += forwards >= 2;
    }
    EXPECT_GE(repeated, 12u);
}

INSTANTIATE_TEST_SUITE_P(ProxyAndDelegate, ForwardsLate,
                         ::testing::Values(std::tuple{"builtin", "r0.5.0", 1u}, std::tuple{"builtin", "r0.5.0", 4u},
                                           std::tuple{"builtin-delegate", "v1.11", 1u}, std::tuple{"builtin-delegate", "v1.11", 4u}),
                         [](const auto& info) {
                             auto name = std::get<0>(info.param) + "_" + std::get<1>(info.param) + "_jobs" +
                                         std::to_string(std::get<2>(info.param));
                             for (auto& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(Settle, AnArrivalAfterItsCaseClosedIsCreditedToItAndRevisesTheVerdict) {
    // Closing each case 100 ms after its request, the denied request forwarded 300 ms after its
    // answer comes while the msisdn cases run.
    Settings settings{"forwards-refused-late", "builtin", {"register/email/denied", "register/msisdn/*"}};
    settings.grace = std::chrono::milliseconds(100);
    settings.settle_each_case = true;
    settings.edition = "r0.5.0";
    Leftovers leftovers;
    auto results = run_suite(settings, &leftovers);
    ASSERT_FALSE(results.empty());
    const auto& denied = results.front();
    ASSERT_EQ(denied.id, "register/email/denied");
    EXPECT_EQ(denied.verdict, Verdict::fail) << judged(denied);
    EXPECT_NE(denied.message.find("validation tokens delivered: expected 0, got 1"), std::string::npos) << denied.message;
    EXPECT_EQ(own_forwards(denied), 1u);
    EXPECT_EQ(leftovers.reported["register/email/denied"], 2) << "first as judged, then as revised";
    ASSERT_FALSE(leftovers.warnings.empty());
    EXPECT_NE(leftovers.warnings.front().find("came for register/email/denied after its observation closed"), std::string::npos)
        << leftovers.warnings.front();
    EXPECT_NE(leftovers.warnings.front().find("its verdict was revised from pass to fail"), std::string::npos)
        << leftovers.warnings.front();
    EXPECT_TRUE(leftovers.unattributed.empty());
    for (std::size_t i = 1; i < results.size(); ++i) {
        const bool refused = results[i].kind == "denied" || results[i].kind == "duplicate" || results[i].kind == "untrusted-id_server";
        if (!refused) EXPECT_NE(results[i].verdict, Verdict::fail) << "only refused requests are forwarded: " << judged(results[i]);
    }
}

TEST(Settle, AForwardWithoutKeysOnASharedAddressIsCreditedToNobody) {
    Settings settings{"forwards-stripped", "builtin", {"password/email/*", "register/email/valid"}};
    settings.edition = "r0.5.0";
    Leftovers leftovers;
    auto results = run_suite(settings, &leftovers);
    std::map<std::string, CaseResult> by_id;
    for (const auto& result : results) by_id[result.id] = result;
    // A fresh address is the case's own: the stripped forward is still its, and fails it.
    const auto& fresh = by_id["register/email/valid"];
    EXPECT_EQ(fresh.verdict, Verdict::fail) << judged(fresh);
    EXPECT_EQ(std::count_if(fresh.side_channel.begin(), fresh.side_channel.end(),
                            [](const std::string& line) { return line.rfind("identity server: POST", 0) == 0; }),
              1);
    for (const auto& id : {"password/email/valid", "password/email/repeat", "password/email/resend"}) {
        EXPECT_EQ(own_forwards(by_id[id]), 0u) << id << ": the bound address alone places nothing";
        EXPECT_TRUE(by_id[id].verdict == Verdict::fail || by_id[id].verdict == Verdict::warn) << judged(by_id[id]);
    }
    ASSERT_GE(leftovers.unattributed.size(), 4u);  // valid, repeat (twice) and resend (twice) on the bound address
    for (const auto& arrival : leftovers.unattributed) {
        EXPECT_EQ(arrival.carried, "email taken@allowed.example");
        EXPECT_NE(arrival.reason.find("the profile's bound email address, which several cases share"), std::string::npos)
            << arrival.reason;
    }
}
