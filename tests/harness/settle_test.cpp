// Observations closed together, one grace after the last request, judge exactly as closing each
// case one grace after its own last request; rate limits end one medium's token cases, not the run.
#include <gtest/gtest.h>

#include "harness/profile.hpp"
#include "harness/runner.hpp"
#include "harness/selection.hpp"
#include "harness/target.hpp"
#include "reference_homeserver/variants.hpp"

using namespace mx3pid::harness;
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
};

std::vector<CaseResult> run_suite(const Settings& settings) {
    auto profile = load_profile(cases_dir + "/profiles/" + settings.profile + ".yaml");
    profile.max_rate_limit_wait = settings.max_wait;
    const auto edition = *mx3pid::spec::Edition::parse("v1.11");
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
    Environment environment{target.homeserver_url(), edition, profile, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    environment.grace = settings.grace;
    environment.settle_each_case = settings.settle_each_case;
    auto results = run_cases(select_cases(load_cases(cases_dir), edition, profile, settings.filters), environment);
    EXPECT_TRUE(environment.warnings.empty()) << environment.warnings.front();
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
                                                      "*/email/missing-*", "*/email/denied"}};
    settings.grace = std::chrono::milliseconds(700);
    auto together = run_suite(settings);
    settings.settle_each_case = true;
    auto each = run_suite(settings);
    ASSERT_EQ(together.size(), each.size());
    ASSERT_GE(together.size(), 12u);
    for (std::size_t i = 0; i < together.size(); ++i) {
        EXPECT_EQ(judged(together[i]), judged(each[i]));
        EXPECT_EQ(together[i].verdict, Verdict::pass) << judged(together[i]);
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
    Environment environment{target.homeserver_url(), edition, profile, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    auto results = run_cases(select_cases(load_cases(cases_dir), edition, profile, settings.filters), environment);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].verdict, Verdict::fail) << "with grace 0 the mail has not arrived when the case is judged";
}

TEST(RateLimits, OneMediumLimitedLeavesTheOtherRunning) {
    Settings settings{"rate-limited-per-medium", "builtin-delegate", {"*/valid", "*/missing-client_secret"}};
    settings.max_wait = std::chrono::milliseconds(200);
    auto results = run_suite(settings);
    ASSERT_FALSE(results.empty());
    std::size_t email_errors = 0, msisdn_passes = 0, malformed_passes = 0;
    for (const auto& result : results) {
        const bool email = result.endpoint.find("email") != std::string::npos;
        if (result.kind == "missing-client_secret") {
            malformed_passes += result.verdict == Verdict::pass;
            continue;
        }
        if (email && result.verdict == Verdict::error) {
            ++email_errors;
            EXPECT_NE(result.message.find("rate limited"), std::string::npos) << result.message;
            EXPECT_EQ(result.message.find("stopped answering"), std::string::npos) << result.message;
        }
        if (!email && result.verdict == Verdict::pass) ++msisdn_passes;
    }
    EXPECT_EQ(email_errors, 3u) << "every email valid case is rate limited";
    EXPECT_EQ(msisdn_passes, 3u) << "the msisdn cases still run after the email ones are limited";
    EXPECT_EQ(malformed_passes, 6u) << "cases that send no token run on";
}
