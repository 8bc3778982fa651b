// The mutation score is perfect: every faulty variant fails exactly its kill set in every edition
// scored, the reference passes everything in every mode, and every case is failed by some variant.
#include <gtest/gtest.h>

#include "proof/mutation.hpp"

using namespace mx3pid;

TEST(MutationScore, IsPerfect) {
    std::vector<spec::Edition> editions;
    for (const char* name : {"r0.4.0", "r0.5.0", "r0.6.1", "v1.11", "v1.13"}) editions.push_back(*spec::Edition::parse(name));
    std::string findings;
    auto summary = proof::score_all(std::string(MX3PID_SOURCE_DIR) + "/cases", editions, [&](const std::string& line) {
        if (line.rfind("ok ", 0) != 0) findings += line + "\n";
    });
    EXPECT_GE(summary.faulty, 20u);
    EXPECT_GE(summary.conformant, 15u);
    EXPECT_EQ(summary.detected, summary.faulty) << findings;
    EXPECT_EQ(summary.conformant_passed, summary.conformant) << findings;
    EXPECT_EQ(summary.hostile_proven, summary.hostile) << findings;
    EXPECT_EQ(summary.collateral, 0u) << findings;
    std::string unkilled;
    for (const auto& key : summary.unkilled) unkilled += "\n  " + key;
    EXPECT_TRUE(summary.unkilled.empty()) << "cases no variant makes fail or warn:" << unkilled;
    std::string unseen;
    for (const auto& key : summary.checks_never_failed) unseen += "\n  " + key;
    EXPECT_TRUE(summary.checks_never_failed.empty()) << "checks no faulty variant makes fail:" << unseen;
    EXPECT_TRUE(summary.perfect());
    EXPECT_EQ(summary.line().rfind("mutation score: " + std::to_string(summary.faulty) + "/", 0), 0u) << summary.line();
}

TEST(MutationScore, AStaleKillSetIsAFinding) {
    // A variant that claims to break a case it does not: the score must say so.
    reference_homeserver::Variant pretender{.name = "pretender", .description = "claims a kill it has not",
                                            .kills = {{"register/email/valid"}, {"nowhere/*"}}};
    auto cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";
    auto score = proof::score_variant(pretender, suite::load_cases(cases_dir),
                                        suite::load_profile(cases_dir + "/profiles/builtin.yaml"),
                                        *spec::Edition::parse("r0.4.0"));
    EXPECT_FALSE(score.exact());
    ASSERT_EQ(score.missed.size(), 1u);
    EXPECT_EQ(score.missed[0].rfind("register/email/valid (pass)", 0), 0u);
    EXPECT_EQ(score.stale_globs, std::vector<std::string>{"nowhere/*"});
}
