// The sentence catalogue: strict loading (file and line for every fault), and sentences placed on
// public, rendered pages users can open, in every edition each holds in.
#include "suite/catalogue.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "suite/citation.hpp"
#include "suite/config_error.hpp"

using namespace mx3pid;
using suite::ConfigError;

namespace {

const spec::Endpoint& endpoint(std::string_view key) { return *spec::find_endpoint_by_key(key); }
spec::Edition edition(std::string_view name) { return *spec::Edition::parse(name); }

const suite::Catalogue& shipped() {
    static const auto catalogue = suite::load_catalogue(std::string(MX3PID_SOURCE_DIR) + "/cases/sentences");
    return catalogue;
}

const char* sections = R"(- {name: endpoint, kind: operation, api: client-server, editions: "*", title: "POST"}
- {name: "API Standards", title: "API Standards", api: client-server, editions: "*"}
- {name: "Standard error response", title: "Standard error response", api: client-server, editions: ">= v1.1"}
)";

const char* one_sentence = R"(- id: cs.sample.one
  level: MUST
  editions: "*"
  endpoints: ["*"]
  section: endpoint
  says: "a sample"
)";

ConfigError error_of(const std::map<std::string, std::string>& files) {
    try {
        suite::load_catalogue_texts(files);
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError";
    return ConfigError("", 0, "");
}

std::string with(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

/// Where a URL says it belongs; nothing when it is not a page of the public spec.
struct Parsed {
    std::string edition, api, anchor;
};

std::optional<Parsed> parse_url(const std::string& url) {
    static const std::regex v1(R"(^https://spec\.matrix\.org/(v1\.[0-9]+)/(client-server-api/|identity-service-api/|)#([a-z0-9_-]+)$)");
    static const std::regex r0(R"(^https://matrix\.org/docs/spec/(client_server|identity_service)/(r0\.[0-9]\.[0-9])#([a-z0-9-]+)$)");
    std::smatch m;
    if (std::regex_match(url, m, v1))
        return Parsed{m[1], m[2] == "client-server-api/" ? "cs" : m[2] == "" ? "index" : "is", m[3]};
    if (std::regex_match(url, m, r0)) return Parsed{m[2], m[1] == "client_server" ? "cs" : "is", m[3]};
    return std::nullopt;
}

}  // namespace

TEST(Catalogue, ReadsRecordsAndSections) {
    auto catalogue = suite::load_catalogue_texts({{"sections.yaml", sections}, {"a.yaml", one_sentence}});
    ASSERT_EQ(catalogue.sentences().size(), 1u);
    const auto* one = catalogue.find("cs.sample.one");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->level, suite::SentenceLevel::must);
    EXPECT_EQ(one->line, 1);
    EXPECT_TRUE(one->is_obligation());
    EXPECT_FALSE(one->is_freedom());
}

TEST(Catalogue, RejectsWithFileAndLine) {
    auto unknown_key = error_of({{"sections.yaml", sections}, {"a.yaml", std::string(one_sentence) + "  colour: blue\n"}});
    EXPECT_EQ(unknown_key.file(), "a.yaml");
    EXPECT_EQ(unknown_key.line(), 7);
    EXPECT_NE(std::string(unknown_key.what()).find("unknown key 'colour'"), std::string::npos);

    auto duplicate = error_of({{"sections.yaml", sections}, {"a.yaml", one_sentence}, {"b.yaml", one_sentence}});
    EXPECT_EQ(duplicate.file(), "b.yaml");
    EXPECT_EQ(duplicate.line(), 1);
    EXPECT_NE(std::string(duplicate.what()).find("duplicate id 'cs.sample.one' (first at a.yaml:1)"), std::string::npos)
        << duplicate.what();

    auto no_editions = error_of({{"sections.yaml", sections}, {"a.yaml", with(one_sentence, "  editions: \"*\"\n", "")}});
    EXPECT_NE(std::string(no_editions.what()).find("needs 'editions'"), std::string::npos);
    auto empty_range = error_of({{"sections.yaml", sections}, {"a.yaml", with(one_sentence, "\"*\"", "\"< r0.3.0\"")}});
    EXPECT_EQ(empty_range.line(), 3);
    EXPECT_NE(std::string(empty_range.what()).find("holds no edition"), std::string::npos) << empty_range.what();

    auto unknown_section = error_of({{"sections.yaml", sections}, {"a.yaml", with(one_sentence, "section: endpoint", "section: Chapter 9")}});
    EXPECT_EQ(unknown_section.line(), 5);
    EXPECT_NE(std::string(unknown_section.what()).find("unknown section 'Chapter 9'"), std::string::npos);

    // "Standard error response" is a heading only from v1.1: r0.x keeps that text under "API Standards".
    auto early = with(with(one_sentence, "section: endpoint", "section: \"Standard error response\""), "  endpoints: [\"*\"]\n", "");
    auto too_early = error_of({{"sections.yaml", sections}, {"a.yaml", early}});
    EXPECT_NE(std::string(too_early.what()).find("not in r0.3.0"), std::string::npos) << too_early.what();

    auto level = error_of({{"sections.yaml", sections}, {"a.yaml", with(one_sentence, "level: MUST", "level: MUSTN'T")}});
    EXPECT_EQ(level.line(), 2);
    auto bad_id = error_of({{"sections.yaml", sections}, {"a.yaml", with(one_sentence, "cs.sample.one", "Sample")}});
    EXPECT_EQ(bad_id.line(), 1);
    auto mode = error_of({{"sections.yaml", sections}, {"a.yaml", std::string(one_sentence) + "  modes: [carrier-pigeon]\n"}});
    EXPECT_EQ(mode.line(), 7);
}

TEST(Catalogue, ResolvesCitationsWhereACheckIsJudged) {
    const auto& catalogue = shipped();
    const suite::JudgedIn old{edition("r0.4.0"), &endpoint("register/email"), spec::Validation::proxy};
    auto resolved = catalogue.resolve({"cs.error.both_keys*", "cs.gap.missing_key.errcode"}, old);
    EXPECT_EQ(resolved.obligations, std::vector<std::string>{"cs.error.both_keys.r0"});
    EXPECT_EQ(resolved.freedoms, std::vector<std::string>{"cs.gap.missing_key.errcode"});
    EXPECT_EQ(resolved.level, "MUST");
    // A sentence of one validation mode holds only there; one of some endpoints only on those.
    const suite::JudgedIn self{edition("r0.5.0"), &endpoint("register/email"), spec::Validation::self};
    EXPECT_TRUE(catalogue.resolve({"cs.validation.proxied_request.r0_5"}, self).obligations.empty());
    const suite::JudgedIn add{edition("v1.11"), &endpoint("3pid/email"), spec::Validation::self};
    EXPECT_EQ(catalogue.resolve({"cs.3pid.in_use.errcode*", "cs.register.in_use.errcode"}, add).level, "SHOULD")
        << "before v1.13 M_THREEPID_IN_USE is only the 400's example on /account/3pid";
    const suite::JudgedIn v1_13{edition("v1.13"), &endpoint("3pid/email"), spec::Validation::self};
    EXPECT_EQ(catalogue.resolve({"cs.3pid.in_use.errcode*"}, v1_13).level, "MUST");
}

// What a run keeps (resolve_judged, placed, a case's citations filtered per edition) is what working
// it out again gives, in every edition, whichever edition asked first.
TEST(Catalogue, WhatARunKeepsIsWhatResolvingAgainGives) {
    const auto& catalogue = shipped();
    const std::vector<std::string> cited{"cs.error.both_keys*", "cs.gap.missing_key.errcode", "cs.validation.proxied_request.r0_5"};
    const auto editions = spec::Edition::all();
    for (auto mode : {spec::Validation::proxy, spec::Validation::self})
        for (auto e = editions.rbegin(); e != editions.rend(); ++e) {  // newest first: a kept result is not the first edition's
            const suite::JudgedIn where{*e, &endpoint("register/email"), mode};
            const auto fresh = catalogue.resolve(cited, where);
            const auto& kept = catalogue.resolve_judged(cited, where);
            EXPECT_EQ(kept.obligations, fresh.obligations) << e->name();
            EXPECT_EQ(kept.freedoms, fresh.freedoms) << e->name();
            EXPECT_EQ(kept.level, fresh.level) << e->name();
        }
    const auto& sentence = *catalogue.find("cs.response.sid.required");
    const auto first = catalogue.placed(sentence, &endpoint("3pid/msisdn"), edition("v1.11"));
    const auto& again = catalogue.placed(sentence, &endpoint("3pid/msisdn"), edition("v1.11"));
    EXPECT_EQ(again.url, first.url);
    EXPECT_NE(catalogue.placed(sentence, &endpoint("3pid/email"), edition("v1.11")).url, first.url)
        << "an operation's sentence is placed on each endpoint's own operation";
    const suite::SentenceRecord stranger = sentence;
    EXPECT_THROW(catalogue.placed(stranger, nullptr, edition("v1.11")), std::logic_error);
}

TEST(Catalogue, PlacesHeadingsAndOperationsOnTheirPages) {
    const auto& catalogue = shipped();
    auto error_r0 = catalogue.placed(*catalogue.find("cs.error.standard.r0"), nullptr, edition("r0.6.1"));
    EXPECT_EQ(error_r0.url, "https://matrix.org/docs/spec/client_server/r0.6.1#api-standards");
    auto error_v1 = catalogue.placed(*catalogue.find("cs.error.standard"), nullptr, edition("v1.1"));
    EXPECT_EQ(error_v1.url, "https://spec.matrix.org/v1.1/client-server-api/#standard-error-response");
    auto sid = catalogue.placed(*catalogue.find("cs.response.sid.required"), &endpoint("password/msisdn"), edition("v1.11"));
    EXPECT_EQ(sid.url, "https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3accountpasswordmsisdnrequesttoken");
    EXPECT_EQ(sid.endpoint, "password/msisdn");
    auto old = catalogue.placed(*catalogue.find("cs.response.sid.required"), &endpoint("3pid/msisdn"), edition("r0.4.0"));
    EXPECT_EQ(old.url, "https://matrix.org/docs/spec/client_server/r0.4.0#post-matrix-client-r0-account-3pid-msisdn-requesttoken");
    auto identity = catalogue.placed(*catalogue.find("is.request.path.v1"), &endpoint("3pid/email"), edition("r0.5.0"));
    EXPECT_EQ(identity.url, "https://matrix.org/docs/spec/identity_service/r0.2.1#post-matrix-identity-api-v1-validate-email-requesttoken");
    auto index = catalogue.placed(*catalogue.find("index.deprecation.still_implemented"), nullptr, edition("v1.11"));
    EXPECT_EQ(index.url, "https://spec.matrix.org/v1.11/#deprecation-policy");
}

// Every sentence of the shipped catalogue, in every edition it holds in (on every endpoint it is
// tied to): a well-formed URL of that edition's public page.
TEST(Catalogue, EveryShippedSentenceHasAPlaceUsersCanOpen) {
    std::size_t checked = 0;
    for (const auto& sentence : shipped().sentences())
        for (const auto& judged : spec::Edition::all()) {
            if (!sentence.holds_in(judged)) continue;
            for (const auto& e : spec::endpoints()) {
                if (!sentence.applies_to(e)) continue;
                auto placed = shipped().placed(sentence, &e, judged);
                const auto where = sentence.id + " in " + judged.name() + " on " + std::string(e.key);
                auto parsed = parse_url(placed.url);
                ASSERT_TRUE(parsed) << where << ": " << placed.url;
                if (parsed->api != "is" || judged.is_v1()) EXPECT_EQ(parsed->edition, judged.name()) << where;
                EXPECT_FALSE(placed.section.empty()) << where;
                ++checked;
            }
        }
    EXPECT_GT(checked, 3000u);
}

TEST(Catalogue, ACaseCitingAnUnknownSentenceNamesFileAndLine) {
    const char* text = R"(- kind: sample
  title: a sample
  endpoints: [register/*]
  steps:
    - expect: {status: 200}
      sentences:
        status: [cs.response.200.snet]
)";
    try {
        suite::load_case_text(text, "c.yaml", shipped());
        ADD_FAILURE() << "no ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), "c.yaml");
        EXPECT_EQ(e.line(), 7);
        EXPECT_NE(std::string(e.what()).find("unknown sentence 'cs.response.200.snet'"), std::string::npos) << e.what();
    }
}

TEST(Catalogue, NoCaseProfileOrSentenceCitesTheDevelopersFactsSheet) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(std::string(MX3PID_SOURCE_DIR) + "/cases")) {
        if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        EXPECT_EQ(text.str().find("requestToken-facts"), std::string::npos) << entry.path();
        ++files;
    }
    EXPECT_GE(files, 14u);
}
