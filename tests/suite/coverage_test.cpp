// Coverage: every testable sentence of every edition is cited by some check of some case, and
// cases/LEVELS.md is the generated view of the catalogue and the cases as they are.
#include "suite/coverage.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "suite/check_plan.hpp"

using namespace mx3pid;

namespace {

const suite::Suite& shipped() {
    static const auto loaded = suite::load_suite(std::string(MX3PID_SOURCE_DIR) + "/cases");
    return loaded;
}

}  // namespace

TEST(Coverage, NoEditionLeavesATestableSentenceUncovered) {
    for (const auto& edition : spec::Edition::all()) {
        auto coverage = suite::coverage_of(shipped(), edition);
        std::string uncovered;
        for (const auto& entry : coverage.sentences)
            if (entry.state == suite::Covered::uncovered) uncovered += " " + entry.sentence->id;
        EXPECT_EQ(uncovered, "") << edition.name();
        EXPECT_EQ(coverage.last_line().rfind("sentences: " + std::to_string(coverage.sentences.size()) + " normative, ", 0), 0u);
        EXPECT_NE(coverage.last_line().find(", 0 uncovered"), std::string::npos) << coverage.last_line();
    }
}

TEST(Coverage, ListsEachSentenceWithItsChecksAndCasesOrWhyItIsUntestable) {
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("v1.11"));
    EXPECT_GE(coverage.sentences.size(), 80u);
    for (const auto& entry : coverage.sentences) {
        EXPECT_FALSE(entry.placed.url.empty()) << entry.sentence->id;
        if (entry.state == suite::Covered::untestable) EXPECT_FALSE(entry.sentence->untestable.empty());
        if (entry.state == suite::Covered::covered) EXPECT_FALSE(entry.tests.empty()) << entry.sentence->id;
    }
    std::ostringstream text;
    suite::write_coverage_text(coverage, text);
    EXPECT_NE(text.str().find("cs.response.sid.required  schema"), std::string::npos);
    EXPECT_NE(text.str().find("    sid: */valid"), std::string::npos) << text.str().substr(0, 2000);
    EXPECT_NE(text.str().find("\n" + coverage.last_line() + "\n\nmx3pid coverage: the request fields of v1.11"), std::string::npos);
}

TEST(Coverage, CompactsCaseIdsOverEndpoints) {
    EXPECT_EQ(suite::compact_case_ids({"register/email/valid", "register/msisdn/valid", "3pid/email/valid", "3pid/msisdn/valid",
                                       "password/email/valid", "password/msisdn/valid", "3pid/email/duplicate",
                                       "register/email/duplicate", "register/msisdn/duplicate"}),
              (std::vector<std::string>{"*/valid", "register/*/duplicate", "3pid/email/duplicate"}));
}

TEST(Coverage, TheJudgesOwnChecksNameSentencesOfTheCatalogue) {
    const auto& catalogue = shipped().catalogue;
    for (const auto& check : suite::judge_checks())
        for (const auto& id : check.sentences) EXPECT_TRUE(catalogue.find(id)) << check.name << ": " << id;
    for (const auto& id : suite::errcode_form_sentences()) EXPECT_TRUE(catalogue.find(id)) << id;
}

// The committed cases/LEVELS.md is what `mx3pid coverage --levels-md` writes now.
TEST(LevelsMd, IsTheGeneratedViewOfTheCatalogueAndTheCases) {
    std::ostringstream generated;
    suite::write_levels_markdown(shipped(), generated);
    std::ifstream in(std::string(MX3PID_SOURCE_DIR) + "/cases/LEVELS.md");
    std::stringstream committed;
    committed << in.rdbuf();
    EXPECT_TRUE(committed.str() == generated.str())
        << "cases/LEVELS.md is stale: run `build/bin/mx3pid coverage --levels-md cases/LEVELS.md` and commit it";
}

namespace {

const suite::FieldCoverage* field_named(const suite::Coverage& coverage, std::string_view name) {
    for (const auto& entry : coverage.fields)
        if (entry.field->name == name) return &entry;
    return nullptr;
}

const suite::FamilyCoverage* family_of(const suite::FieldCoverage& entry, suite::InputFamily family) {
    for (const auto& one : entry.families)
        if (one.family == family) return &one;
    return nullptr;
}

std::string aspects_text(const suite::FieldCoverage& entry) {
    std::string text;
    for (const auto& aspect : entry.aspects) {
        const char* state = aspect.state == suite::Covered::covered ? "covered" : aspect.state == suite::Covered::untestable ? "untestable" : "uncovered";
        text += (text.empty() ? "" : " ") + std::string(suite::to_string(aspect.aspect)) + "=" + state;
    }
    return text;
}

}  // namespace

namespace {

// No edition leaves an aspect of a field uncovered (r0.3.0's register/email schema has definitions
// of its own in spec/fields.cpp: client_secret without a grammar, send_attempt a number).
const std::map<std::string, std::string> known_uncovered{};

std::string uncovered_aspects(const suite::Coverage& coverage) {
    std::string text;
    for (const auto& entry : coverage.fields) {
        std::string aspects;
        for (const auto& aspect : entry.aspects)
            if (aspect.state == suite::Covered::uncovered) aspects += (aspects.empty() ? "" : " ") + std::string(suite::to_string(aspect.aspect));
        if (!aspects.empty()) text += (text.empty() ? "" : "; ") + std::string(entry.field->name) + ": " + aspects;
    }
    return text;
}

}  // namespace

TEST(FieldCoverage, NoEditionLeavesAFieldUncovered) {
    for (const auto& edition : spec::Edition::all()) {
        auto coverage = suite::coverage_of(shipped(), edition);
        const auto known = known_uncovered.find(edition.name());
        EXPECT_EQ(uncovered_aspects(coverage), known == known_uncovered.end() ? "" : known->second) << edition.name();
        if (known == known_uncovered.end())
            EXPECT_NE(coverage.fields_line().find(", 0 uncovered ("), std::string::npos) << coverage.fields_line();
        for (const auto& entry : coverage.fields)
            for (const auto& aspect : entry.aspects)
                if (aspect.state == suite::Covered::uncovered && entry.families.empty())
                    EXPECT_NE(aspect.why.find("does not cite"), std::string::npos) << edition.name() << " " << entry.field->name;
    }
}

namespace {

// Every field definition holding in the edition, each family of inputs derived from it with the
// derived cases that send them; the fields' own classes checked where the edition defines them.
void expect_fields_listed(const std::string& name, const std::vector<std::string>& fields) {
    const auto edition = *spec::Edition::parse(name);
    auto coverage = suite::coverage_of(shipped(), edition);
    std::vector<std::string> listed;
    for (const auto& entry : coverage.fields) {
        listed.emplace_back(entry.field->name);
        EXPECT_TRUE(entry.field->holds_in(edition)) << name << " " << entry.field->name;
        EXPECT_EQ(entry.aspects.size(), 4u);
        for (const auto& aspect : entry.aspects)
            if (aspect.state == suite::Covered::untestable) EXPECT_FALSE(aspect.why.empty()) << name << " " << entry.field->name;
        for (const auto& family : entry.families) {
            EXPECT_FALSE(family.inputs.empty()) << name << " " << entry.field->name;
            // Every case listed sends an input of this field and family: `<endpoint>/<field>.<input>`.
            for (const auto& id : family.cases) {
                const auto input = id.substr(id.rfind('/') + 1);
                EXPECT_EQ(input.rfind(std::string(entry.field->name) + ".", 0), 0u) << id;
                EXPECT_NE(std::find(family.inputs.begin(), family.inputs.end(), input.substr(entry.field->name.size() + 1)),
                          family.inputs.end())
                    << id;
            }
        }
    }
    EXPECT_EQ(listed, fields) << name;
    std::ostringstream text;
    suite::write_coverage_text(coverage, text);
    if (name == "r0.3.0") {  // r0.3.0's own schema: on register/email, no grammar, send_attempt a number
        EXPECT_NE(text.str().find("\nclient_secret  string, required  on register/email"), std::string::npos);
        EXPECT_NE(text.str().find("    grammar: no grammar: r0.3.0 types it a string"), std::string::npos);
        EXPECT_NE(text.str().find("\nsend_attempt  number, required  on register/email"), std::string::npos);
    } else {
        EXPECT_NE(text.str().find("\nclient_secret  string, required  on *"), std::string::npos);
        EXPECT_NE(text.str().find("    grammar: [0-9a-zA-Z.=_-]{1,255}\n"), std::string::npos);
        EXPECT_NE(text.str().find("    grammar: no grammar: an integer, with no range given\n"), std::string::npos);
        EXPECT_NE(text.str().find("    characters: nothing to derive: no grammar: an integer"), std::string::npos);
    }
    EXPECT_EQ(text.str().substr(text.str().rfind("fields: ")), coverage.fields_line() + "\n");
}

}  // namespace

TEST(FieldCoverage, ListsEveryFieldHoldingInV1_11WithTheClassesDerivedFromIt) {
    expect_fields_listed("v1.11", {"body", "client_secret", "email", "country", "phone_number", "send_attempt", "next_link",
                                   "id_server", "id_access_token"});
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("v1.11"));
    const auto& secret = *field_named(coverage, "client_secret");
    EXPECT_EQ(aspects_text(secret), "presence=covered type=covered characters=covered lengths=covered");
    const auto* characters = family_of(secret, suite::InputFamily::characters);
    ASSERT_NE(characters, nullptr);
    EXPECT_NE(std::find(characters->inputs.begin(), characters->inputs.end(), "nul-middle"), characters->inputs.end());
    EXPECT_NE(std::find(characters->cases.begin(), characters->cases.end(), "register/email/client_secret.nul-middle"),
              characters->cases.end());
    EXPECT_EQ(aspects_text(*field_named(coverage, "send_attempt")),
              "presence=covered type=covered characters=untestable lengths=untestable");
    EXPECT_EQ(aspects_text(*field_named(coverage, "country")), "presence=covered type=covered characters=covered lengths=covered");
    // id_server is a host name with an optional port (cs.request.id_server.hostname): its characters
    // and its empty value are asked of register, for a server that proxies.
    const auto& id_server = *field_named(coverage, "id_server");
    EXPECT_EQ(aspects_text(id_server), "presence=untestable type=covered characters=covered lengths=covered");
    const auto* id_server_characters = family_of(id_server, suite::InputFamily::characters);
    ASSERT_NE(id_server_characters, nullptr);
    EXPECT_NE(std::find(id_server_characters->cases.begin(), id_server_characters->cases.end(), "register/email/id_server.slash-middle"),
              id_server_characters->cases.end());
}

TEST(FieldCoverage, ListsEveryFieldHoldingInR0_3_0WithTheClassesDerivedFromIt) {
    // r0.3.0 documents the email endpoints only, and gives their bodies no schema.
    expect_fields_listed("r0.3.0", {"body", "client_secret", "email", "send_attempt", "next_link", "id_server"});
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("r0.3.0"));
    const auto& body = *field_named(coverage, "body");
    EXPECT_EQ(aspects_text(body), "presence=covered type=covered characters=untestable lengths=untestable");
    const auto* malformed = family_of(body, suite::InputFamily::malformed_bodies);
    ASSERT_NE(malformed, nullptr);
    EXPECT_NE(std::find(malformed->cases.begin(), malformed->cases.end(), "register/email/body.nan"), malformed->cases.end());
    // r0.3.0 types client_secret a string and gives it no grammar: its presence and type are asked,
    // on register/email, the one endpoint whose body r0.3.0 gives a schema.
    const auto& secret = *field_named(coverage, "client_secret");
    EXPECT_EQ(aspects_text(secret), "presence=covered type=covered characters=untestable lengths=untestable");
    EXPECT_EQ(secret.field->grammar, nullptr);
    const auto* types = family_of(secret, suite::InputFamily::types);
    ASSERT_NE(types, nullptr);
    EXPECT_NE(std::find(types->cases.begin(), types->cases.end(), "register/email/client_secret.type-number"), types->cases.end());
    // send_attempt is a number in r0.3.0: a fraction fits, so no fraction is derived; a string does not.
    const auto& attempt = *field_named(coverage, "send_attempt");
    EXPECT_EQ(attempt.field->type, spec::JsonType::number);
    EXPECT_EQ(family_of(attempt, suite::InputFamily::fractions), nullptr);
    const auto* attempt_types = family_of(attempt, suite::InputFamily::types);
    ASSERT_NE(attempt_types, nullptr);
    EXPECT_NE(std::find(attempt_types->cases.begin(), attempt_types->cases.end(), "register/email/send_attempt.type-string"),
              attempt_types->cases.end());
    EXPECT_EQ(aspects_text(*field_named(coverage, "email")), "presence=covered type=covered characters=untestable lengths=untestable");
    // id_server has no sentence of r0.3.0 its inputs would break: said, not hidden.
    const auto& id_server = *field_named(coverage, "id_server");
    EXPECT_EQ(aspects_text(id_server), "presence=untestable type=untestable characters=untestable lengths=untestable");
    EXPECT_NE(id_server.aspects[1].why.find("the catalogue records no sentence of r0.3.0"), std::string::npos) << id_server.aspects[1].why;
}

// A field whose derived inputs no case sends counts as uncovered, aspect by aspect, and the text says so.
TEST(FieldCoverage, AFieldNoDerivedCaseAsksIsUncovered) {
    suite::Suite without{shipped().catalogue, {}};
    for (const auto& one : shipped().templates) {
        const auto& derived = one.steps.front().request.derived;
        if (!derived || derived->field != "send_attempt") without.templates.push_back(one);
    }
    const auto edition = *spec::Edition::parse("v1.11");
    const auto full = suite::coverage_of(shipped(), edition), missing = suite::coverage_of(without, edition);
    EXPECT_EQ(missing.count_fields(suite::Covered::uncovered), full.count_fields(suite::Covered::uncovered) + 1);
    const auto& attempt = *field_named(missing, "send_attempt");
    EXPECT_EQ(attempt.state(), suite::Covered::uncovered);
    EXPECT_EQ(aspects_text(attempt), "presence=uncovered type=uncovered characters=untestable lengths=untestable");
    ASSERT_NE(family_of(attempt, suite::InputFamily::fractions), nullptr);
    EXPECT_TRUE(family_of(attempt, suite::InputFamily::fractions)->cases.empty());
    std::ostringstream text;
    suite::write_coverage_text(missing, text);
    EXPECT_NE(text.str().find("    type: UNCOVERED"), std::string::npos);
    EXPECT_NE(text.str().find("    fractions: 2 inputs (fraction, precise-fraction), no case"), std::string::npos);
    EXPECT_NE(missing.fields_line().find(", 1 uncovered ("), std::string::npos) << missing.fields_line();

    std::ostringstream json_text;
    suite::write_coverage_json(missing, json_text);
    const auto document = nlohmann::json::parse(json_text.str());
    EXPECT_EQ(document["field_counts"]["uncovered"], 1);
    EXPECT_EQ(document["field_counts"]["defined"], missing.fields.size());
    bool listed = false;
    for (const auto& field : document["fields"]) {
        if (field["name"] != "send_attempt") continue;
        listed = true;
        EXPECT_EQ(field["state"], "uncovered");
        EXPECT_EQ(field["type"], "integer");
        EXPECT_EQ(field["grammar"], nullptr);
        EXPECT_EQ(field["aspects"][1], (nlohmann::json{{"aspect", "type"}, {"state", "uncovered"}, {"why", ""}}));
    }
    EXPECT_TRUE(listed);
}

TEST(Coverage, SaysHowTheIdentitySideCountsInEachValidationMode) {
    auto coverage = suite::coverage_of(shipped(), *spec::Edition::parse("v1.11"));
    std::ostringstream text;
    suite::write_coverage_text(coverage, text);
    EXPECT_NE(text.str().find("identity side (identity server request, identity server fields; "), std::string::npos);
    EXPECT_NE(text.str().find("): proxy judged at its sentences' level; delegate advice only; self not made\n"), std::string::npos)
        << text.str().substr(text.str().rfind("by level"));
    std::ostringstream json_text;
    suite::write_coverage_json(coverage, json_text);
    auto document = nlohmann::json::parse(json_text.str());
    const auto& side = document["identity_side"];
    EXPECT_EQ(side["modes"]["proxy"], "judged at its sentences' level");
    EXPECT_EQ(side["modes"]["delegate"], "advice only");
    EXPECT_EQ(side["modes"]["self"], "not made");
    const auto& ids = side["sentences"];
    for (const char* id : {"is.request.path", "is.request.email.defined_keys", "is.request.msisdn.defined_keys", "is.api.utf8"})
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "cs.response.sid.required"), ids.end());
}
