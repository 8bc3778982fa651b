// The mutation score is perfect: every faulty variant fails exactly its kill set in every edition
// scored, the reference passes everything in every mode, and every case is failed by some variant.
#include <gtest/gtest.h>

#include "proof/mutation.hpp"

using namespace mx3pid;

TEST(MutationScore, IsPerfect) {
    std::vector<spec::Edition> editions;
    for (const auto& name : proof::default_editions()) editions.push_back(*spec::Edition::parse(name));
    std::string findings;
    auto summary = proof::score_all(std::string(MX3PID_SOURCE_DIR) + "/cases", editions, [&](const std::string& line) {
        if (line.rfind("ok ", 0) != 0) findings += line + "\n";
    });
    EXPECT_GE(summary.faulty, 80u);
    EXPECT_GE(summary.conformant, 20u);
    EXPECT_EQ(summary.detected, summary.faulty) << findings;
    EXPECT_EQ(summary.conformant_passed, summary.conformant) << findings;
    EXPECT_EQ(summary.hostile_proven, summary.hostile) << findings;
    EXPECT_EQ(summary.collateral, 0u) << findings;
    auto listed = [](const std::vector<std::string>& keys) {
        std::string text;
        for (const auto& key : keys) text += "\n  " + key;
        return text;
    };
    EXPECT_TRUE(summary.unkilled.empty()) << "cases no variant makes fail or warn:" << listed(summary.unkilled);
    EXPECT_TRUE(summary.checks_never_failed.empty()) << "checks no faulty variant makes fail:" << listed(summary.checks_never_failed);
    EXPECT_TRUE(summary.freedoms_unused.empty()) << "freedoms no conformant variant uses:" << listed(summary.freedoms_unused);
    EXPECT_TRUE(summary.must_unbroken.empty()) << "MUST sentences no faulty variant breaks:" << listed(summary.must_unbroken);
    EXPECT_TRUE(summary.must_unscored.empty()) << "MUST sentences no scored edition holds:" << listed(summary.must_unscored);
    EXPECT_GE(summary.must_sentences, 100u);
    EXPECT_TRUE(summary.perfect());
    const auto line = summary.line();
    EXPECT_EQ(line.rfind("mutation score: " + std::to_string(summary.faulty) + "/", 0), 0u) << line;
    const auto must = std::to_string(summary.must_sentences);
    EXPECT_TRUE(line.ends_with(", " + must + "/" + must + " MUST sentences broken by a faulty variant")) << line;
}

namespace {

const suite::Suite& shipped() {
    static const auto loaded = suite::load_suite(std::string(MX3PID_SOURCE_DIR) + "/cases");
    return loaded;
}

proof::VariantScore score(const reference_homeserver::Variant& variant, const char* profile_name, const char* edition_name) {
    const auto profile = suite::load_profile(std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/" + profile_name + ".yaml");
    const auto edition = *spec::Edition::parse(edition_name);
    const auto selected = suite::select_cases(shipped().templates, edition, profile, {});
    const auto baseline = proof::run_variant(reference_homeserver::reference(), selected, profile, edition, shipped().catalogue);
    return proof::score_variant(variant, shipped(), profile, edition, baseline);
}

}  // namespace

TEST(MutationScore, ADeclaredSentenceNoCheckFailsOnIsAFinding) {
    // The reference claiming to break the sid's grammar: every case citing it passes.
    reference_homeserver::Variant pretender{.name = "pretender", .description = "claims a break it has not",
                                            .kills = {{.sentences = {"cs.response.sid.grammar"}}}};
    auto result = score(pretender, "builtin", "v1.11");
    EXPECT_FALSE(result.exact());
    ASSERT_EQ(result.missed.size(), 1u);
    EXPECT_EQ(result.missed[0].rfind("cs.response.sid.grammar (declared broken; cited by register/email/valid", 0), 0u)
        << result.missed[0];
}

TEST(MutationScore, AFailedCheckNamingNoDeclaredSentenceIsCollateral) {
    // no-sid breaks cs.response.sid.required; declaring another sentence leaves its failures unexplained.
    auto variant = *reference_homeserver::find_variant("no-sid");
    variant.kills = {{.sentences = {"cs.response.sid.grammar"}}};
    auto result = score(variant, "builtin", "v1.11");
    EXPECT_FALSE(result.exact());
    ASSERT_FALSE(result.collateral.empty());
    EXPECT_NE(result.collateral[0].find("sid fails, breaking cs.response.sid.required, which the variant does not declare"),
              std::string::npos)
        << result.collateral[0];
}

TEST(MutationScore, AVariantBreakingOnlyShouldsWarnsAndStillConforms) {
    auto result = score(*reference_homeserver::find_variant("missing-param-unknown"), "builtin", "v1.11");
    EXPECT_TRUE(result.exact()) << (result.collateral.empty() ? "" : result.collateral.front());
    EXPECT_FALSE(result.killed.empty());
    // The hand-written cases of a missing key, and the derived ones (`<field>.absent`).
    for (const auto& id : result.killed)
        EXPECT_TRUE(id.find("/missing-") != std::string::npos || id.find(".absent") != std::string::npos) << id;
}
