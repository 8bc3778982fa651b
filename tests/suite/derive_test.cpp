// Inputs derived from the fields' grammars and schemas: each breaks (or, at a boundary, keeps) the
#include "spec/grammar.hpp"
// definition it says it does, once applied to a valid body.
#include "suite/derive.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace mx3pid::suite;
using mx3pid::spec::Edition;
using nlohmann::json;

namespace {

json valid_email_body() {
    return {{"client_secret", "mx3pid-Abc123Def456Ghi789Jkl012M"},
            {"email", "mx3pid-x1-3@allowed.example"},
            {"send_attempt", 412},
            {"next_link", "https://client.mx3pid.invalid/validated/x1/register-email-valid"},
            {"id_server", "127.0.0.1:8090"},
            {"id_access_token", "tok"}};
}

json valid_msisdn_body() {
    return {{"client_secret", "mx3pid-Abc123Def456Ghi789Jkl012M"}, {"country", "GB"}, {"phone_number", "7700900001"},
            {"send_attempt", 412}};
}

const mx3pid::spec::Endpoint& endpoint(const char* key) { return *mx3pid::spec::find_endpoint_by_key(key); }
Edition edition(const char* name) { return *Edition::parse(name); }

std::vector<DerivedInput> inputs(const char* field, InputFamily family, const char* endpoint_key = "register/email",
                                 const char* edition_name = "v1.19") {
    const auto* definition = mx3pid::spec::find_field(field, endpoint(endpoint_key), edition(edition_name));
    EXPECT_NE(definition, nullptr) << field;
    return definition ? derive_inputs(*definition, family) : std::vector<DerivedInput>{};
}

}  // namespace

TEST(Derive, EveryCharacterInputOfTheClientSecretBreaksItsGrammar) {
    const auto derived = inputs("client_secret", InputFamily::characters);
    std::size_t outside = 0;
    for (const auto& character : character_classes()) outside += !mx3pid::spec::opaque_id_grammar().allows(character.code_point);
    EXPECT_EQ(outside, character_classes().size() - 1);  // a lower-case letter is the one the grammar takes
    EXPECT_EQ(derived.size(), outside * 3);
    std::set<std::string> names;
    for (const auto& input : derived) {
        EXPECT_TRUE(names.insert(input.name).second) << input.name;
        const auto body = apply_input(input, valid_email_body(), 7);
        const auto parsed = json::parse(body.text);
        const auto secret = parsed.at("client_secret").get<std::string>();
        EXPECT_FALSE(mx3pid::spec::opaque_id_grammar().fits(secret)) << input.name;
        EXPECT_EQ(parsed.at("email"), valid_email_body().at("email"));
    }
}

TEST(Derive, PositionsPutTheCharacterFirstInTheMiddleAndLast) {
    const auto base = valid_email_body().at("client_secret").get<std::string>();
    std::map<std::string, std::string> secrets;
    for (const auto& input : inputs("client_secret", InputFamily::characters))
        if (input.name.rfind("punctuation-", 0) == 0)
            secrets[input.name] = json::parse(apply_input(input, valid_email_body(), 1).text).at("client_secret");
    EXPECT_EQ(secrets["punctuation-first"], "!" + base);
    EXPECT_EQ(secrets["punctuation-last"], base + "!");
    EXPECT_EQ(secrets["punctuation-middle"], base.substr(0, base.size() / 2) + "!" + base.substr(base.size() / 2));
}

TEST(Derive, AQuickRunAsksAFewInputsNoHandWrittenCaseAsks) {
    std::set<std::string> quick;
    for (auto family : {InputFamily::characters, InputFamily::out_of_range, InputFamily::boundaries, InputFamily::types})
        for (const auto& input : inputs("client_secret", family))
            if (input.depth == Depth::quick) quick.insert(input.name);
    EXPECT_EQ(quick, (std::set<std::string>{"line-feed-last", "nul-middle"}));
    for (const auto& input : inputs("send_attempt", InputFamily::wide_integers))
        EXPECT_EQ(input.depth == Depth::quick, input.name == "2147483648") << input.name;
    for (const auto& input : inputs("send_attempt", InputFamily::types)) EXPECT_EQ(input.depth, Depth::full) << input.name;
}

TEST(Derive, LengthsAtAndPastTheLimitsAreFreshForEachCase) {
    const auto range = inputs("client_secret", InputFamily::out_of_range);
    ASSERT_EQ(range.size(), 2u);
    EXPECT_EQ(range[0].name, "empty");
    EXPECT_EQ(range[1].name, "length-256");
    const auto limits = inputs("client_secret", InputFamily::boundaries);
    ASSERT_EQ(limits.size(), 2u);
    EXPECT_EQ(limits[0].name, "shortest");
    EXPECT_EQ(limits[1].name, "longest");
    for (const auto& input : limits) {
        const auto one = json::parse(apply_input(input, valid_email_body(), 1).text).at("client_secret").get<std::string>();
        const auto two = json::parse(apply_input(input, valid_email_body(), 2).text).at("client_secret").get<std::string>();
        EXPECT_TRUE(mx3pid::spec::opaque_id_grammar().fits(one)) << input.name;
        EXPECT_EQ(one.size(), input.edit.length);
        EXPECT_NE(one, two) << input.name << ": the same value in two cases";
    }
    const auto past = json::parse(apply_input(range[1], valid_email_body(), 1).text).at("client_secret").get<std::string>();
    EXPECT_EQ(past.size(), 256u);
    EXPECT_FALSE(mx3pid::spec::opaque_id_grammar().fits(past));
}

// A case's units in one run draw consecutive entropies: their one-character secrets must all differ,
// or a later unit repeats an earlier one's session at the identity server they share.
TEST(Derive, TheShortestSecretDiffersForConsecutiveEntropies) {
    const auto shortest = inputs("client_secret", InputFamily::boundaries).at(0);
    ASSERT_EQ(shortest.name, "shortest");
    std::set<std::string> secrets;
    const std::uint64_t base = 0x9e3779b97f4a7c15ull;
    for (std::uint64_t ordinal = 0; ordinal < 20; ++ordinal)
        secrets.insert(json::parse(apply_input(shortest, valid_email_body(), base + ordinal).text).at("client_secret").get<std::string>());
    EXPECT_EQ(secrets.size(), 20u);
}

TEST(Derive, WrongTypesAreEveryTypeButTheFields) {
    std::set<std::string> names;
    for (const auto& input : inputs("send_attempt", InputFamily::types)) {
        names.insert(input.name);
        const auto value = json::parse(apply_input(input, valid_email_body(), 1).text).at("send_attempt");
        EXPECT_FALSE(value.is_number_integer()) << input.name;
    }
    EXPECT_EQ(names, (std::set<std::string>{"type-string", "type-boolean", "type-null", "type-array", "type-object"}));
    for (const auto& input : inputs("email", InputFamily::types))
        EXPECT_FALSE(json::parse(apply_input(input, valid_email_body(), 1).text).at("email").is_string()) << input.name;
}

TEST(Derive, NumbersAreWrittenAsDerivedNotAsADoubleWouldPrintThem) {
    std::vector<std::string> texts;
    for (auto family : {InputFamily::fractions, InputFamily::wide_integers, InputFamily::huge_numbers})
        for (const auto& input : inputs("send_attempt", family)) texts.push_back(apply_input(input, valid_email_body(), 1).text);
    ASSERT_EQ(texts.size(), 6u);
    EXPECT_NE(texts[1].find("\"send_attempt\":3.0000000000000001"), std::string::npos);
    EXPECT_NE(texts[3].find("\"send_attempt\":9007199254740991"), std::string::npos);
    EXPECT_NE(texts[4].find("\"send_attempt\":18446744073709551616"), std::string::npos);
    EXPECT_NE(texts[5].find("\"send_attempt\":1e400"), std::string::npos);
}

TEST(Derive, TheCountryGrammarIsOfFixedLengthSoACharacterTakesAPlace) {
    for (const auto& input : inputs("country", InputFamily::characters, "register/msisdn")) {
        const auto country = json::parse(apply_input(input, valid_msisdn_body(), 1).text).at("country").get<std::string>();
        EXPECT_FALSE(mx3pid::spec::country_grammar().fits(country)) << input.name;
        EXPECT_TRUE(input.name.find("-middle") == std::string::npos) << input.name;
    }
    std::set<std::string> names;
    for (const auto& input : inputs("country", InputFamily::out_of_range, "register/msisdn")) names.insert(input.name);
    EXPECT_EQ(names, (std::set<std::string>{"empty", "length-1", "length-3"}));
}

TEST(Derive, GrammarsDecideWhichClassesAreOutside) {
    std::set<std::string> uri;
    for (const auto& input : inputs("next_link", InputFamily::characters)) uri.insert(input.name);
    EXPECT_FALSE(uri.count("slash-first"));  // a URI holds slashes
    EXPECT_TRUE(uri.count("space-middle"));
    EXPECT_TRUE(inputs("next_link", InputFamily::characters, "register/email", "v1.13").empty());  // no format before v1.14
    EXPECT_TRUE(inputs("phone_number", InputFamily::characters, "register/msisdn").empty());      // no grammar
}

TEST(Derive, SpellingsOfTheSameAddress) {
    auto body = valid_email_body();
    body["email"] = "taken@allowed.example";
    std::map<std::string, std::string> spelled;
    for (const auto& input : inputs("email", InputFamily::spellings)) spelled[input.name] = json::parse(apply_input(input, body, 1).text).at("email");
    EXPECT_EQ(spelled["upper-case-domain"], "taken@ALLOWED.EXAMPLE");
    EXPECT_EQ(spelled["upper-case-local-part"], "TAKEN@allowed.example");
    std::map<std::string, std::string> numbers;
    for (const auto& input : inputs("phone_number", InputFamily::spellings, "register/msisdn"))
        numbers[input.name] = json::parse(apply_input(input, valid_msisdn_body(), 1).text).at("phone_number");
    EXPECT_EQ(numbers["international"], "+44 7700900001");
    EXPECT_EQ(mx3pid::spec::phone_digits(numbers["separators"]), "7700900001");
    EXPECT_NE(numbers["separators"], "7700900001");
}

TEST(Derive, MalformedBodiesAreNotJsonObjectsAStrictParserTakes) {
    auto derived = inputs("body", InputFamily::malformed_bodies);
    EXPECT_EQ(derived.size(), 10u);
    const auto non_objects = inputs("body", InputFamily::non_object_bodies);
    EXPECT_EQ(non_objects.size(), 4u);
    derived.insert(derived.end(), non_objects.begin(), non_objects.end());
    for (const auto& input : derived) {
        const auto text = apply_input(input, valid_email_body(), 1).text;
        const auto parsed = json::parse(text, nullptr, false);
        EXPECT_TRUE(parsed.is_discarded() || !parsed.is_object()) << input.name << ": " << text.substr(0, 80);
    }
    for (const auto& input : inputs("body", InputFamily::tolerated_bodies)) {
        const auto text = apply_input(input, valid_email_body(), 1).text;
        EXPECT_GT(text.size(), 10u) << input.name;
    }
    const auto accepted = inputs("body", InputFamily::accepted_bodies);
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_FALSE(apply_input(accepted[0], valid_email_body(), 1).content_type);
    EXPECT_EQ(accepted[0].editions, ">= v1.4");
}

TEST(Derive, AbsentLeavesTheFieldOut) {
    const auto derived = inputs("client_secret", InputFamily::absent);
    ASSERT_EQ(derived.size(), 1u);
    EXPECT_FALSE(json::parse(apply_input(derived[0], valid_email_body(), 1).text).contains("client_secret"));
    EXPECT_EQ(derived[0].sentences, std::vector<std::string>{"cs.request.client_secret.required"});
}

TEST(Derive, FamiliesAndDepthsReadAsCaseFilesWriteThem) {
    for (auto family : {InputFamily::characters, InputFamily::out_of_range, InputFamily::accepted_bodies})
        EXPECT_EQ(parse_family(to_string(family)), family);
    EXPECT_FALSE(parse_family("letters"));
    EXPECT_EQ(parse_depth("full"), Depth::full);
    EXPECT_FALSE(parse_depth("deep"));
}
