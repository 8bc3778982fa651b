// Observations closed together, one grace after the last request, judge exactly as closing each
// case one grace after its own last request; rate limits end one medium's token cases, not the run.
#include <map>

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
    static const auto suite = load_suite(cases_dir);
    Environment environment{target.homeserver_url(), edition, profile, suite.catalogue, target.identity(), target.decoy(),
                            target.mailbox(), mx3pid::net::Client(), fixtures};
    environment.grace = settings.grace;
    environment.settle_each_case = settings.settle_each_case;
    auto results = run_cases(select_cases(suite.templates, edition, profile, settings.filters), environment);
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
    ASSERT_EQ(verdict("register/email/resend"), Verdict::error);
    EXPECT_NE(by_id["register/email/resend"].message.find("rate limited (429): the homeserver asked to wait 7200 s"),
              std::string::npos) << by_id["register/email/resend"].message;
    EXPECT_NE(by_id["register/email/resend"].message.find("--max-wait"), std::string::npos);
    EXPECT_EQ(verdict("register/email/missing-client_secret"), Verdict::pass) << "a case that sends no token runs on";
    EXPECT_EQ(verdict("register/msisdn/valid"), Verdict::pass) << "msisdn runs on after email is limited";
    EXPECT_EQ(verdict("register/msisdn/repeat"), Verdict::pass);
    ASSERT_EQ(verdict("3pid/email/valid"), Verdict::error);
    EXPECT_EQ(by_id["3pid/email/valid"].message.rfind("not run: rate limited", 0), 0u) << by_id["3pid/email/valid"].message;
    EXPECT_TRUE(by_id["3pid/email/valid"].exchanges.empty()) << "a limited medium's token cases are not asked";
    EXPECT_EQ(verdict("3pid/email/missing-client_secret"), Verdict::pass);
}
