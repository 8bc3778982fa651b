#include "suite/case_model.hpp"
#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"

#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using namespace mx3pid::suite;
using mx3pid::testing::TempDir;

namespace {

const char* minimal = R"(- kind: sample
  title: a sample
  endpoints: [register/*]
  spec: [{edition: r0.4.0, section: endpoint, says: "a sample"}]
  steps:
    - expect: {status: 200}
)";

ConfigError error_of(const std::string& text) {
    return mx3pid::testing::config_error_of(text, [](const std::string& path) { load_case_file(path); });
}

}  // namespace

TEST(CaseLoader, ExpandsATemplateOverTheEndpointsItNames) {
    TempDir dir;
    auto templates = load_case_file(dir.write("c.yaml", minimal));
    ASSERT_EQ(templates.size(), 1u);
    EXPECT_EQ(templates[0].line, 1);
    auto cases = expand(templates);
    ASSERT_EQ(cases.size(), 2u);
    EXPECT_EQ(cases[0].id, "register/email/sample");
    EXPECT_EQ(cases[1].id, "register/msisdn/sample");
}

TEST(CaseLoader, ReadsRequestAndExpectations) {
    TempDir dir;
    auto templates = load_case_file(dir.write("c.yaml", R"(- kind: k
  title: t
  endpoints: ["*"]
  editions: ">= r0.6.0"
  level: SHOULD
  address: denied
  requires: {medium_unsupported: true}
  spec: [{edition: r0.6.0, section: "Standard error response", says: "errors are JSON objects"}]
  steps:
    - send: {id_server: omit, set: {send_attempt: "1", extra: 2}, remove: [next_link]}
      expect: {status: [403, 400], errcode: {403: [M_THREEPID_DENIED]}}
    - send: {id_access_token: omit}
      expect: {status: 200}
  side_channel: {tokens_delivered: 0, decoy_requests: 0, follow_link: true}
)"));
    const auto& t = templates.at(0);
    EXPECT_EQ(t.level, Level::should);
    EXPECT_EQ(t.address, AddressChoice::denied);
    EXPECT_FALSE(t.editions.contains(*mx3pid::spec::Edition::parse("r0.5.0")));
    const auto& step = t.steps.at(0);
    EXPECT_EQ(step.request.id_server, IdServerChoice::omit);
    EXPECT_TRUE(step.request.set["send_attempt"].is_string()) << "a quoted scalar stays a string";
    EXPECT_TRUE(step.request.set["extra"].is_number_integer());
    EXPECT_EQ(step.request.remove, std::vector<std::string>{"next_link"});
    EXPECT_EQ(step.expect.status, (std::vector<int>{403, 400}));
    EXPECT_EQ(step.expect.errcode_by_status.at(403), std::vector<std::string>{"M_THREEPID_DENIED"});
    EXPECT_TRUE(step.request.id_access_token) << "sent unless omitted";
    EXPECT_FALSE(t.steps.at(1).request.id_access_token);
    EXPECT_EQ(t.requires_profile.medium_unsupported, true);
    EXPECT_EQ(t.side_channel.tokens_delivered, 0);
    EXPECT_EQ(t.side_channel.decoy_requests, 0);
    EXPECT_TRUE(t.side_channel.follow_link);
    EXPECT_FALSE(t.side_channel.delivered);
    ASSERT_EQ(t.spec.size(), 1u);
    EXPECT_EQ(t.spec[0].section, "Standard error response");
    EXPECT_EQ(t.spec[0].says, "errors are JSON objects");
}

TEST(CaseLoader, TheRemovedSideChannelKeysAreUnknownKeys) {
    for (const char* key : {"identity_requests", "messages", "messages_at_most"}) {
        auto e = error_of(std::string(minimal) + "  side_channel: {" + key + ": 0}\n");
        EXPECT_EQ(e.line(), 7) << key;
        EXPECT_NE(std::string(e.what()).find(std::string("unknown key '") + key + "'"), std::string::npos) << e.what();
    }
}

TEST(CaseLoader, ACitationNeedsAKnownSectionAndWhatItSays) {
    auto with = [](const std::string& to) {
        std::string text = minimal;
        const std::string from = "spec: [{edition: r0.4.0, section: endpoint, says: \"a sample\"}]";
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    auto unknown = error_of(with("spec:\n    - {edition: r0.4.0, section: \"Chapter 9\", says: x}"));
    EXPECT_EQ(unknown.line(), 5);
    EXPECT_NE(std::string(unknown.what()).find("unknown section 'Chapter 9'"), std::string::npos);
    auto too_early = error_of(with("spec:\n    - {edition: r0.6.1, section: \"Common error codes\", says: x}"));
    EXPECT_NE(std::string(too_early.what()).find("from v1.1"), std::string::npos) << too_early.what();
    EXPECT_NE(std::string(error_of(with("spec: [{edition: r0.4.0, section: endpoint}]")).what()).find("'says'"),
              std::string::npos);
    EXPECT_NE(std::string(error_of(with("spec: [{edition: r0.4.0, ref: x}]")).what()).find("unknown key 'ref'"),
              std::string::npos);
}

TEST(CaseLoader, IdAccessTokenIsOmitOrSend) {
    std::string text = minimal;
    text.replace(text.find("    - expect:"), 0, "    - send: {id_access_token: maybe}\n      expect: {status: 200}\n");
    EXPECT_EQ(error_of(text).line(), 6);
}

TEST(CaseLoader, UnknownKeyNamesFileAndLine) {
    auto e = error_of(std::string(minimal) + "  colour: blue\n");
    EXPECT_EQ(e.line(), 7);
    EXPECT_NE(std::string(e.what()).find("unknown key 'colour'"), std::string::npos);
}

TEST(CaseLoader, UnknownKeyInsideAStepNamesItsLine) {
    auto text = std::string(minimal);
    text.replace(text.find("{status: 200}"), 13, "{status: 200, stauts: 1}");
    EXPECT_EQ(error_of(text).line(), 6);
}

TEST(CaseLoader, WrongTypesNameFileAndLine) {
    auto with = [](const std::string& from, const std::string& to) {
        std::string text = minimal;
        text.replace(text.find(from), from.size(), to);
        return text;
    };
    EXPECT_EQ(error_of(with("{status: 200}", "{status: ok}")).line(), 6);
    EXPECT_EQ(error_of(with("{status: 200}", "{status: 99}")).line(), 6);
    EXPECT_EQ(error_of(with("[register/*]", "[nowhere/*]")).line(), 3);
    EXPECT_EQ(error_of(with("edition: r0.4.0", "edition: r0.3.0")).line(), 4);
    EXPECT_EQ(error_of(with("kind: sample", "kind: Not Valid")).line(), 1);
    EXPECT_EQ(error_of(with("title: a sample", "title: [a, b]")).line(), 2);
    EXPECT_EQ(error_of(with("spec: [{edition: r0.4.0, section: endpoint, says: \"a sample\"}]", "spec: []")).line(), 4);
}

TEST(CaseLoader, MissingRequiredKeyNamesTheCase) {
    std::string text = minimal;
    text.erase(text.find("  title: a sample\n"), 18);
    auto e = error_of(text);
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(std::string(e.what()).find("'title'"), std::string::npos);
}

TEST(CaseLoader, BadYamlNamesFileAndLine) {
    auto e = error_of(std::string(minimal) + "- kind: [\n");
    EXPECT_GE(e.line(), 7);
}

TEST(CaseLoader, SameIdForOverlappingEditionsIsRejected) {
    TempDir dir;
    dir.write("a.yaml", minimal);
    dir.write("b.yaml", minimal);
    EXPECT_THROW(load_cases(dir.path().string()), ConfigError);
}

TEST(CaseLoader, SameIdForDisjointEditionsPicksTheOneThatApplies) {
    TempDir dir;
    std::string old_one = minimal, new_one = minimal;
    old_one.insert(old_one.find("  spec:"), "  editions: \"< r0.6.0\"\n");
    new_one.insert(new_one.find("  spec:"), "  editions: \">= r0.6.0\"\n");
    new_one.replace(new_one.find("title: a sample"), 15, "title: the new one");
    dir.write("a.yaml", old_one);
    dir.write("b.yaml", new_one);
    auto templates = load_cases(dir.path().string());
    Profile profile;
    auto selected = select_cases(templates, *mx3pid::spec::Edition::parse("v1.1"), profile, {});
    ASSERT_EQ(selected.size(), 2u);
    EXPECT_EQ(selected[0].instance.source->title, "the new one");
    EXPECT_FALSE(selected[0].skip_reason);
}

TEST(Selection, SkipsWithAReasonWhatTheEditionOrProfileExcludes) {
    TempDir dir;
    std::string text = minimal;
    text.insert(text.find("  spec:"), "  editions: \">= v1.1\"\n  address: bound\n");
    auto templates = load_case_file(dir.write("c.yaml", text));
    Profile profile;
    auto old_edition = select_cases(templates, *mx3pid::spec::Edition::parse("r0.4.0"), profile, {});
    ASSERT_EQ(old_edition.size(), 2u);
    EXPECT_EQ(*old_edition[0].skip_reason, "applies to editions >= v1.1, not r0.4.0");
    auto no_bound = select_cases(templates, *mx3pid::spec::Edition::parse("v1.1"), profile, {});
    EXPECT_NE(no_bound[0].skip_reason->find("bound.email"), std::string::npos);
    profile.bound_email = "a@b.example";
    auto filtered = select_cases(templates, *mx3pid::spec::Edition::parse("v1.1"), profile, {"*/email/*"});
    ASSERT_EQ(filtered.size(), 1u);
    EXPECT_FALSE(filtered[0].skip_reason);
}

TEST(CaseLoader, TheShippedCasesLoad) {
    auto templates = load_cases(std::string(MX3PID_SOURCE_DIR) + "/cases");
    EXPECT_GE(expand(templates).size(), 24u);
}

TEST(CaseLoader, ValuesThatExpandPastTheBudgetAreRefused) {
    std::string base = minimal;
    // !repeat of a long text: the product, not the count, is what is bounded.
    std::string long_unit = base;
    long_unit.replace(long_unit.find("    - expect:"), 0,
                      "    - send: {set: {pad: !repeat [\"" + std::string(4096, 'x') + "\", 1048576]}}\n      expect: {status: 200}\n");
    EXPECT_NE(std::string(error_of(long_unit).what()).find("expand past"), std::string::npos);
    // YAML aliases nested eight deep: a billion laughs.
    std::string laughs = base;
    laughs.replace(laughs.find("    - expect:"), 0,
                   "    - send:\n        set:\n          a: &a [!repeat [x, 1000], !repeat [x, 1000]]\n"
                   "          b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n          c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n"
                   "          d: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n          e: [*d, *d, *d, *d, *d, *d, *d, *d]\n"
                   "      expect: {status: 200}\n");
    auto e = error_of(laughs);
    EXPECT_GE(e.line(), 6);
    EXPECT_NE(std::string(e.what()).find("expand past"), std::string::npos);
}

TEST(Selection, AMediumTheServerDoesNotSupportOnAccount3pidRunsOnlyItsOwnTemplate) {
    TempDir dir;
    std::string usual = minimal, unsupported = minimal;
    usual.replace(usual.find("[register/*]"), 12, "[\"*\"]");
    unsupported.replace(unsupported.find("kind: sample"), 12, "kind: medium-not-supported");
    unsupported.replace(unsupported.find("[register/*]"), 12, "[3pid/*]");
    unsupported.insert(unsupported.find("  spec:"), "  requires: {medium_unsupported: true}\n");
    dir.write("a.yaml", usual);
    dir.write("b.yaml", unsupported);
    auto templates = load_cases(dir.path().string());
    auto profile = load_profile_text("unsupported_3pid_media: [msisdn]\n", "p.yaml");
    auto selected = select_cases(templates, *mx3pid::spec::Edition::parse("v1.13"), profile, {});
    std::map<std::string, std::optional<std::string>> skip;
    for (const auto& s : selected) skip[s.instance.id] = s.skip_reason;
    ASSERT_EQ(skip.size(), 8u);
    EXPECT_FALSE(skip.at("3pid/msisdn/medium-not-supported"));
    EXPECT_NE(skip.at("3pid/msisdn/sample")->find("unsupported_3pid_media"), std::string::npos);
    EXPECT_FALSE(skip.at("3pid/email/sample"));
    EXPECT_TRUE(skip.at("3pid/email/medium-not-supported")) << "email is supported";
    EXPECT_FALSE(skip.at("register/msisdn/sample")) << "only /account/3pid is concerned";
    auto every_medium = select_cases(templates, *mx3pid::spec::Edition::parse("v1.13"), Profile{}, {});
    for (const auto& s : every_medium)
        if (!s.instance.endpoint->wants_bound_address())  // the default profile names no bound address
            EXPECT_EQ(s.skip_reason.has_value(), s.instance.source->kind == "medium-not-supported") << s.instance.id;
}

TEST(Selection, UnsupportedMediaNameEmailOrMsisdn) {
    auto e = mx3pid::testing::config_error_of("unsupported_3pid_media: [fax]\n",
                                              [](const std::string& path) { load_profile(path); });
    EXPECT_EQ(e.line(), 1);
    EXPECT_NE(std::string(e.what()).find("'fax'"), std::string::npos);
}
