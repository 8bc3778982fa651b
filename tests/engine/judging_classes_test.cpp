// Which editions judge alike: those that hold the same catalogue sentences and sit on the same side
// of every edition the judge's own code compares against.
#include "engine/detail/judging_classes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include "engine/detail/edition_thresholds.hpp"

using mx3pid::spec::Edition;
using namespace mx3pid::engine::detail;

namespace {

const mx3pid::suite::Catalogue& catalogue() {
    static const auto loaded = mx3pid::suite::load_catalogue(std::string(MX3PID_SOURCE_DIR) + "/cases/sentences");
    return loaded;
}

std::size_t index_of(const char* name) {
    const auto& all = Edition::all();
    return static_cast<std::size_t>(std::find(all.begin(), all.end(), *Edition::parse(name)) - all.begin());
}

}  // namespace

TEST(JudgingClasses, EditionsOfOneClassHoldTheSameSentences) {
    const auto& all = Edition::all();
    const auto classes = judging_classes(all, catalogue());
    ASSERT_EQ(classes.size(), all.size());
    for (std::size_t e = 0; e < all.size(); ++e) {
        ASSERT_LE(classes[e], e);
        EXPECT_EQ(classes[classes[e]], classes[e]) << "a class is named by its first edition";
        for (const auto& sentence : catalogue().sentences())
            EXPECT_EQ(sentence.holds_in(all[e]), sentence.holds_in(all[classes[e]]))
                << sentence.id << " in " << all[e].name() << " and " << all[classes[e]].name();
    }
}

TEST(JudgingClasses, EditionsThatHoldTheSameSentencesShareAClass) {
    const auto classes = judging_classes(Edition::all(), catalogue());
    EXPECT_EQ(classes[index_of("r0.6.1")], index_of("r0.6.0"));
    EXPECT_EQ(classes[index_of("v1.3")], index_of("v1.1"));
    EXPECT_EQ(classes[index_of("v1.19")], index_of("v1.18"));
    EXPECT_EQ(classes[index_of("v1.10")], index_of("v1.10"));
    EXPECT_LT(std::set(classes.begin(), classes.end()).size(), classes.size() * 2 / 3) << "most editions share their judgement";
}

TEST(JudgingClasses, EachThresholdOfTheJudgesOwnCodeStartsAClass) {
    const mx3pid::suite::Catalogue empty;
    const auto& all = Edition::all();
    const auto classes = judging_classes(all, empty);
    for (const auto& info : thresholds()) {
        const auto at = index_of(std::string(info.edition).c_str());
        ASSERT_GT(at, 0u) << info.what;
        EXPECT_EQ(classes[at], at) << info.what << ": " << info.edition << " judges unlike the edition before it";
        EXPECT_NE(classes[at - 1], classes[at]) << info.what;
        EXPECT_TRUE(since(all[at], info.threshold));
        EXPECT_FALSE(since(all[at - 1], info.threshold));
    }
    EXPECT_EQ(classes[index_of("v1.2")], index_of("v1.1")) << "no threshold between them";
}

TEST(JudgingClasses, TheJudgeComparesEditionsOnlyThroughItsThresholds) {
    // Anything else the judge's code asked of the edition would judge two editions of one class apart.
    for (const char* file : {"engine/judge.cpp", "engine/side_checks.cpp", "engine/detail/checks.cpp", "engine/detail/judged.cpp"}) {
        std::ifstream in(std::string(MX3PID_SOURCE_DIR) + "/" + file);
        ASSERT_TRUE(in) << file;
        std::string line;
        for (int number = 1; std::getline(in, line); ++number)
            for (const char* asked : {"Edition::parse", "is_v1(", "edition <", "edition >", "edition_ <", "edition_ >", "edition.name()",
                                      "edition_.name()", "client_prefix("})
                EXPECT_EQ(line.find(asked), std::string::npos) << file << ":" << number << " asks the edition " << asked;
    }
}
