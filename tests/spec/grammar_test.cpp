#include "spec/grammar.hpp"

#include <gtest/gtest.h>

using namespace mx3pid::spec;

TEST(OpaqueId, AcceptsEveryAllowedCharacterAndTheLengthBounds) {
    EXPECT_TRUE(is_opaque_id("a"));
    EXPECT_TRUE(is_opaque_id("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.=_-"));
    EXPECT_TRUE(is_opaque_id(std::string(255, 'x')));
    for (char c : std::string(".=_-")) EXPECT_TRUE(is_opaque_id(std::string(1, c))) << c;
}

TEST(OpaqueId, RejectsEmptyTooLongAndForbiddenCharacters) {
    EXPECT_FALSE(is_opaque_id(""));
    EXPECT_FALSE(is_opaque_id(std::string(256, 'x')));
    for (const char* bad : {"a b", "a/b", "a+b", "a'b", "a\"b", "a\nb", "d0n'tT3ll", "caf\xc3\xa9"}) {
        EXPECT_FALSE(is_opaque_id(bad)) << bad;
    }
    EXPECT_FALSE(is_opaque_id(std::string("ab\0c", 4)));
}

TEST(OpaqueId, ForbiddenCharacterAtFirstMiddleAndLastPosition) {
    EXPECT_FALSE(is_opaque_id("!abc"));
    EXPECT_FALSE(is_opaque_id("ab!c"));
    EXPECT_FALSE(is_opaque_id("abc!"));
    EXPECT_FALSE(is_valid_client_secret(std::string(254, 'a') + "!"));
    EXPECT_FALSE(is_valid_sid("/" + std::string(254, 'a')));
}

TEST(CountryCode, TwoUpperCaseLetters) {
    EXPECT_TRUE(is_country_code("GB"));
    for (const char* bad : {"gb", "Gb", "G", "GBR", "G1", ""}) EXPECT_FALSE(is_country_code(bad)) << bad;
}

TEST(Email, PlausibleShape) {
    EXPECT_TRUE(is_plausible_email("a@b.example"));
    for (const char* bad : {"", "a", "@b.example", "a@", "a@b", "a@@b.example", "a b@c.example", "a@b.example.", "a@.example"})
        EXPECT_FALSE(is_plausible_email(bad)) << bad;
}

TEST(PhoneNumber, DigitsWithInnerSeparators) {
    EXPECT_TRUE(is_plausible_phone_number("7700900123"));
    EXPECT_TRUE(is_plausible_phone_number("7700 900-123"));
    EXPECT_TRUE(is_plausible_phone_number(std::string(20, '1')));
    for (const char* bad : {"", " 7700", "7700 ", "+447700", "77a00", "123456789012345678901"})
        EXPECT_FALSE(is_plausible_phone_number(bad)) << bad;
}
