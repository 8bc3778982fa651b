#include "suite/case_model.hpp"
#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"

#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

using namespace mx3pid::suite;
using mx3pid::testing::TempDir;

namespace {

const char* minimal = R"(- kind: sample
  title: a sample
  endpoints: [register/*]
  steps:
    - expect: {status: 200}
      sentences: {status: [cs.response.200.sent]}
)";

const Catalogue& catalogue() {
    static const auto loaded = load_catalogue(std::string(MX3PID_SOURCE_DIR) + "/cases/sentences");
    return loaded;
}

ConfigError error_of(const std::string& text) {
    return mx3pid::testing::config_error_of(text, [](const std::string& path) { load_case_file(path, catalogue()); });
}

std::string with(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

}  // namespace

TEST(CaseLoader, ExpandsATemplateOverTheEndpointsItNames) {
    TempDir dir;
    auto templates = load_case_file(dir.write("c.yaml", minimal), catalogue());
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
  address: denied
  requires: {medium_unsupported: true}
  steps:
    - send: {id_server: omit, set: {send_attempt: "1", extra: 2}, remove: [next_link], content_type: "", path_medium: pigeon}
      expect: {status: [403, 400], errcode: {403: [M_THREEPID_DENIED]}, cors: true}
      sentences:
        status: [cs.denied.status]
        errcode: {403: [cs.denied.errcode]}
        cors: [cs.cors.allow_origin]
    - send: {id_access_token: omit}
      expect: {status: 200}
      sentences: {status: [cs.response.200.sent]}
  side_channel:
    tokens_delivered: 0
    decoy_requests: 0
    follow_link: true
    sentences:
      tokens_delivered: {more: [cs.denied.status]}
      decoy_requests: [cs.denied.status]
)"), catalogue());
    const auto& t = templates.at(0);
    EXPECT_EQ(t.address, AddressChoice::denied);
    EXPECT_FALSE(t.editions.contains(*mx3pid::spec::Edition::parse("r0.5.0")));
    const auto& step = t.steps.at(0);
    EXPECT_EQ(step.request.id_server, IdServerChoice::omit);
    EXPECT_TRUE(step.request.set["send_attempt"].is_string()) << "a quoted scalar stays a string";
    EXPECT_TRUE(step.request.set["extra"].is_number_integer());
    EXPECT_EQ(step.request.remove, std::vector<std::string>{"next_link"});
    EXPECT_EQ(step.request.content_type, "");
    EXPECT_EQ(step.request.path_medium, "pigeon");
    EXPECT_EQ(step.expect.status, (std::vector<int>{403, 400}));
    EXPECT_EQ(step.expect.errcode_by_status.at(403), std::vector<std::string>{"M_THREEPID_DENIED"});
    EXPECT_TRUE(step.expect.cors);
    EXPECT_EQ(step.expect.sentences.at("errcode").by_status.at(403), std::vector<std::string>{"cs.denied.errcode"});
    EXPECT_TRUE(step.request.id_access_token) << "sent unless omitted";
    EXPECT_FALSE(t.steps.at(1).request.id_access_token);
    EXPECT_EQ(t.requires_profile.medium_unsupported, true);
    EXPECT_EQ(t.side_channel.tokens_delivered, 0);
    EXPECT_EQ(t.side_channel.decoy_requests, 0);
    EXPECT_TRUE(t.side_channel.follow_link);
    EXPECT_FALSE(t.side_channel.delivered);
    EXPECT_EQ(t.side_channel.sentences.at("tokens_delivered").more, std::vector<std::string>{"cs.denied.status"});
}

TEST(CaseLoader, TheRemovedSideChannelKeysAreUnknownKeys) {
    for (const char* key : {"identity_requests", "messages", "messages_at_most"}) {
        auto e = error_of(std::string(minimal) + "  side_channel: {" + key + ": 0}\n");
        EXPECT_EQ(e.line(), 7);
        EXPECT_NE(std::string(e.what()).find(std::string("unknown key '") + key + "'"), std::string::npos);
    }
}

TEST(CaseLoader, TheCaseWideLevelAndFreeTextCitationsAreGone) {
    EXPECT_NE(std::string(error_of(std::string(minimal) + "  level: SHOULD\n").what()).find("unknown key 'level'"), std::string::npos);
    EXPECT_NE(std::string(error_of(std::string(minimal) + "  spec: []\n").what()).find("unknown key 'spec'"), std::string::npos);
}

TEST(CaseLoader, EveryCheckCitesKnownSentences) {
    auto unknown = error_of(with(minimal, "cs.response.200.sent", "cs.response.200.snet"));
    EXPECT_EQ(unknown.line(), 6);
    EXPECT_NE(std::string(unknown.what()).find("unknown sentence 'cs.response.200.snet'"), std::string::npos);
    auto uncited = error_of(with(minimal, "      sentences: {status: [cs.response.200.sent]}\n", ""));
    EXPECT_NE(std::string(uncited.what()).find("'status' in the step's expect names no sentences"), std::string::npos) << uncited.what();
    auto stray = error_of(with(minimal, "{status: [cs.response.200.sent]}", "{status: [cs.response.200.sent], errcode: [cs.denied.errcode]}"));
    EXPECT_NE(std::string(stray.what()).find("sentences for 'errcode', which the step's expect does not ask for"), std::string::npos)
        << stray.what();
    auto not_a_count = error_of(with(minimal, "{status: [cs.response.200.sent]}", "{status: {more: [cs.response.200.sent]}}"));
    EXPECT_NE(std::string(not_a_count.what()).find("only a count"), std::string::npos);
}

TEST(CaseLoader, EveryCheckCitesAnObligationOrAFreedomWhereverItRuns) {
    // cs.check.unbound holds from r0.5.0 only; before that the check would test nothing.
    auto early = error_of(with(minimal, "cs.response.200.sent", "cs.check.unbound"));
    EXPECT_EQ(early.line(), 6);
    EXPECT_NE(std::string(early.what()).find("in r0.3.0 on register/email"), std::string::npos) << early.what();
    // A freedom alone frees the check where it holds.
    TempDir dir;
    EXPECT_NO_THROW(load_case_file(dir.write("c.yaml", with(minimal, "cs.response.200.sent", "cs.register.200.error_notice")), catalogue()));
    // A count names what arriving too many, and too few, breaks.
    auto counted = std::string(minimal) + "  side_channel:\n    tokens_delivered: 1\n    sentences: {tokens_delivered: {more: [cs.response.200.sent]}}\n";
    EXPECT_NE(std::string(error_of(counted).what()).find("for no arrival"), std::string::npos);
}

TEST(CaseLoader, IdAccessTokenIsOmitOrSend) {
    std::string text = minimal;
    text.replace(text.find("    - expect:"), 0, "    - send: {id_access_token: maybe}\n      expect: {status: 200}\n");
    EXPECT_EQ(error_of(text).line(), 5);
}

TEST(CaseLoader, ResizeGrowsAFieldWithAGrammarFreshInEveryRun) {
    auto text = with(minimal, "    - expect:", "    - send: {resize: {client_secret: 255}}\n      expect:");
    TempDir dir;
    const auto loaded = load_case_file(dir.write("resize.yaml", text), catalogue());
    ASSERT_EQ(loaded.size(), 1u);
    const auto& derived = loaded.front().steps.front().request.derived;
    ASSERT_TRUE(derived.has_value());
    EXPECT_EQ(derived->field, "client_secret");
    EXPECT_EQ(derived->edit.kind, Edit::Kind::resize);
    EXPECT_EQ(derived->edit.length, 255u);
    // The case's own secret grown to the asked length; another run's randomness grows it otherwise.
    const nlohmann::json valid{{"client_secret", "mx3pid-first"}};
    auto grown = [&](std::uint64_t entropy) {
        return nlohmann::json::parse(apply_input(*derived, valid, entropy).text)["client_secret"].get<std::string>();
    };
    const auto one = grown(1), two = grown(2);
    EXPECT_EQ(one.size(), 255u);
    EXPECT_EQ(one.rfind("mx3pid-first", 0), 0u);
    EXPECT_EQ(two.rfind("mx3pid-first", 0), 0u);
    EXPECT_NE(one, two);

    EXPECT_EQ(error_of(with(minimal, "    - expect:", "    - send: {resize: {send_attempt: 3}}\n      expect:")).line(), 5)
        << "send_attempt has no grammar to grow it from";
    EXPECT_EQ(error_of(with(minimal, "    - expect:", "    - send: {resize: {client_secret: 0}}\n      expect:")).line(), 5);
    EXPECT_EQ(error_of(with(minimal, "    - expect:", "    - send: {resize: [client_secret, 255]}\n      expect:")).line(), 5);
}

TEST(CaseLoader, WhenServedIsABoolean) {
    auto text = std::string(minimal) + "  side_channel: {when_served: true, tokens_delivered: 1, sentences: {tokens_delivered: [cs.response.200.sent]}}\n";
    TempDir dir;
    const auto loaded = load_case_file(dir.write("served.yaml", text), catalogue());
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_TRUE(loaded.front().side_channel.when_served);
    EXPECT_EQ(error_of(with(text, "when_served: true", "when_served: sometimes")).line(), 7);
}

TEST(CaseLoader, UnknownKeyNamesFileAndLine) {
    auto e = error_of(std::string(minimal) + "  colour: blue\n");
    EXPECT_EQ(e.line(), 7);
    EXPECT_NE(std::string(e.what()).find("unknown key 'colour'"), std::string::npos);
}

TEST(CaseLoader, UnknownKeyInsideAStepNamesItsLine) {
    auto text = std::string(minimal);
    text.replace(text.find("{status: 200}"), 13, "{status: 200, stauts: 1}");
    EXPECT_EQ(error_of(text).line(), 5);
}

TEST(CaseLoader, WrongTypesNameFileAndLine) {
    auto with = [](const std::string& from, const std::string& to) { return ::with(minimal, from, to); };
    EXPECT_EQ(error_of(with("{status: 200}", "{status: ok}")).line(), 5);
    EXPECT_EQ(error_of(with("{status: 200}", "{status: 99}")).line(), 5);
    EXPECT_EQ(error_of(with("[register/*]", "[nowhere/*]")).line(), 3);
    EXPECT_EQ(error_of(with("kind: sample", "kind: Not Valid")).line(), 1);
    EXPECT_EQ(error_of(with("title: a sample", "title: [a, b]")).line(), 2);
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
    EXPECT_THROW(load_cases(dir.path().string(), catalogue()), ConfigError);
}

TEST(CaseLoader, SameIdForDisjointEditionsPicksTheOneThatApplies) {
    TempDir dir;
    std::string old_one = minimal, new_one = minimal;
    old_one.insert(old_one.find("  steps:"), "  editions: \"< r0.6.0\"\n");
    new_one.insert(new_one.find("  steps:"), "  editions: \">= r0.6.0\"\n");
    new_one.replace(new_one.find("title: a sample"), 15, "title: the new one");
    dir.write("a.yaml", old_one);
    dir.write("b.yaml", new_one);
    auto templates = load_cases(dir.path().string(), catalogue());
    Profile profile;
    auto selected = select_cases(templates, *mx3pid::spec::Edition::parse("v1.1"), profile, {});
    ASSERT_EQ(selected.size(), 2u);
    EXPECT_EQ(selected[0].instance.source->title, "the new one");
    EXPECT_FALSE(selected[0].skip_reason);
}

TEST(Selection, SkipsWithAReasonWhatTheEditionOrProfileExcludes) {
    TempDir dir;
    std::string text = minimal;
    text.insert(text.find("  steps:"), "  editions: \">= v1.1\"\n  address: bound\n");
    auto templates = load_case_file(dir.write("c.yaml", text), catalogue());
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

TEST(Selection, AnEndpointOlderEditionsDoNotDocumentIsSkippedThere) {
    TempDir dir;
    auto templates = load_case_file(dir.write("c.yaml", minimal), catalogue());
    Profile profile;
    auto r0_3 = select_cases(templates, *mx3pid::spec::Edition::parse("r0.3.0"), profile, {});
    ASSERT_EQ(r0_3.size(), 2u);
    EXPECT_EQ(r0_3[0].instance.id, "register/email/sample");
    EXPECT_FALSE(r0_3[0].skip_reason);
    EXPECT_EQ(*r0_3[1].skip_reason, "register/msisdn is not in r0.3.0 (documented from r0.4.0)");
    EXPECT_FALSE(r0_3[1].instance.applies_in(*mx3pid::spec::Edition::parse("r0.3.0")));
    EXPECT_TRUE(r0_3[1].instance.applies_in(*mx3pid::spec::Edition::parse("r0.4.0")));
}

TEST(CaseLoader, TheShippedCasesLoadBesideTheirSentencesAndProfiles) {
    auto suite = load_suite(std::string(MX3PID_SOURCE_DIR) + "/cases");
    EXPECT_GE(expand(suite.templates).size(), 24u);
    EXPECT_GE(suite.catalogue.sentences().size(), 250u);
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
    unsupported.insert(unsupported.find("  steps:"), "  requires: {medium_unsupported: true}\n");
    dir.write("a.yaml", usual);
    dir.write("b.yaml", unsupported);
    auto templates = load_cases(dir.path().string(), catalogue());
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
