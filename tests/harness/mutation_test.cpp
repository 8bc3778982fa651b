// Every built-in variant fails exactly its kill set, in every edition the score runs under,
// and the reference passes everything.
#include <set>

#include <gtest/gtest.h>

#include "harness/mutation.hpp"

using namespace mx3pid;

namespace {

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";

std::string lines(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += "\n  " + item;
    return text;
}

class MutationScore : public ::testing::TestWithParam<std::string> {
protected:
    std::vector<harness::CaseTemplate> templates = harness::load_cases(cases_dir);
    harness::Profile profile = harness::load_profile(cases_dir + "/profiles/builtin.yaml");
};

}  // namespace

TEST_P(MutationScore, EveryVariantFailsExactlyItsKillSet) {
    auto edition = *spec::Edition::parse(GetParam());
    for (const auto& variant : reference_homeserver::variants()) {
        auto score = harness::score_variant(variant, templates, profile, edition);
        SCOPED_TRACE(std::string(variant.name) + " under " + edition.name());
        EXPECT_TRUE(score.missed.empty()) << "kill-set cases that did not fail:" << lines(score.missed);
        EXPECT_TRUE(score.collateral.empty()) << "cases outside the kill set that failed:" << lines(score.collateral);
        EXPECT_TRUE(score.stale_globs.empty()) << "kill-set globs that match no case:" << lines(score.stale_globs);
        if (variant.fault == reference_homeserver::Fault::none) EXPECT_TRUE(score.killed.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Editions, MutationScore, ::testing::Values("r0.4.0", "r0.5.0", "r0.6.1", "v1.11"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (auto& c : name)
                                 if (c == '.') c = '_';
                             return name;
                         });

TEST(MutationScoreCoverage, EveryVariantIsCaughtInSomeEditionAndEveryCaseKillsSomething) {
    auto templates = harness::load_cases(cases_dir);
    auto profile = harness::load_profile(cases_dir + "/profiles/builtin.yaml");
    std::set<std::string> killed;
    std::set<std::string> applicable;
    for (const char* name : {"r0.4.0", "r0.5.0", "r0.6.1", "v1.11"}) {
        auto edition = *spec::Edition::parse(name);
        for (const auto& instance : harness::expand(templates))
            if (instance.source->editions.contains(edition)) applicable.insert(instance.id);
        for (const auto& variant : reference_homeserver::variants()) {
            auto score = harness::score_variant(variant, templates, profile, edition);
            killed.insert(score.killed.begin(), score.killed.end());
            killed.insert(score.warned.begin(), score.warned.end());
        }
    }
    for (const auto& variant : reference_homeserver::variants()) {
        if (variant.fault == reference_homeserver::Fault::none) continue;
        EXPECT_FALSE(variant.kills.empty()) << variant.name;
    }
    for (const auto& id : applicable) EXPECT_TRUE(killed.count(id)) << id << " is never failed by any variant";
}
