// Execution units: a case's requests in several editions sent once where they are the same, and
// across two servers only where the later one answers them as the earlier one does.
#include <gtest/gtest.h>

#include "engine/units.hpp"
#include "suite/case_model.hpp"
#include "suite/selection.hpp"

namespace {

using namespace mx3pid;
using engine::EditionCases;

const std::string cases_dir = std::string(MX3PID_SOURCE_DIR) + "/cases";
const net::Url earlier_server = *net::Url::parse("http://127.0.0.1:1001");
const net::Url later_server = *net::Url::parse("http://127.0.0.1:1002");

struct Planned {
    std::vector<EditionCases> editions;
    engine::UnitPlan plan;
    std::vector<std::string> asked_about;  ///< the bodies answers_as was shown

    /// v1.13 on one server and v1.14 on another; `alike` answers whether the second answers as the first.
    explicit Planned(std::optional<bool> alike) {
        static const auto suite = suite::load_suite(cases_dir, suite::Depth::quick);
        const auto profile = suite::load_profile(cases_dir + "/profiles/builtin.yaml");
        const std::vector<std::string> filters{"register/email/valid", "register/email/next_link-malformed"};
        for (const auto* name : {"v1.13", "v1.14"}) {
            const auto edition = *spec::Edition::parse(name);
            editions.push_back({edition, suite::select_cases(suite.templates, edition, profile, filters),
                                editions.empty() ? earlier_server : later_server, {}});
        }
        if (alike)
            editions.back().answers_as = [this, alike](const spec::Edition& earlier, const std::vector<std::string>& bodies) {
                EXPECT_EQ(earlier.name(), "v1.13");
                asked_about.insert(asked_about.end(), bodies.begin(), bodies.end());
                return *alike;
            };
        plan = engine::plan_units(editions, earlier_server, profile, {{"127.0.0.1:1003", "token"}, {"127.0.0.1:1004", ""}});
    }

    std::size_t index_of(const std::string& id) const {
        const auto& cases = editions.front().cases;
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (cases[i].instance.id == id) return i;
        ADD_FAILURE() << id << " is not selected";
        return 0;
    }
    const engine::Unit& only_unit_of(const std::string& id) const {
        const auto& units = plan.of_case[index_of(id)];
        EXPECT_EQ(units.size(), 1u) << id;
        return plan.units[units.front()];
    }
};

TEST(Units, ARequestTheLaterServerAnswersAlikeIsSentOnceToTheEarlierServer) {
    const Planned planned(true);
    const auto& unit = planned.only_unit_of("register/email/valid");
    EXPECT_EQ(unit.editions, (std::vector<std::size_t>{0, 1}));
    EXPECT_EQ(unit.homeserver.origin(), earlier_server.origin());
    ASSERT_FALSE(planned.asked_about.empty());
    EXPECT_NE(planned.asked_about.front().find("\"next_link\":\"https://"), std::string::npos)
        << "the stand-in next_link is an absolute URI, as the real one is: " << planned.asked_about.front();
}

TEST(Units, ARequestOnlyTheLaterEditionAsksStaysOnItsOwnServer) {
    const Planned planned(true);
    const auto& unit = planned.only_unit_of("register/email/next_link-malformed");
    EXPECT_EQ(unit.editions, (std::vector<std::size_t>{1}));
    EXPECT_EQ(unit.homeserver.origin(), later_server.origin());
}

TEST(Units, ServersThatMayAnswerDifferentlyGetAUnitEach) {
    for (auto alike : {std::optional<bool>(false), std::optional<bool>()}) {
        const Planned planned(alike);
        const auto& units = planned.plan.of_case[planned.index_of("register/email/valid")];
        ASSERT_EQ(units.size(), 2u);
        EXPECT_EQ(planned.plan.units[units[0]].homeserver.origin(), earlier_server.origin());
        EXPECT_EQ(planned.plan.units[units[1]].homeserver.origin(), later_server.origin());
        EXPECT_EQ(planned.plan.units[units[1]].editions, (std::vector<std::size_t>{1}));
    }
}

}  // namespace
