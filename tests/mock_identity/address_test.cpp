#include "mock_identity/detail/address.hpp"
#include "mock_identity/detail/body.hpp"
#include "spec/json_text.hpp"

#include <gtest/gtest.h>

namespace {

using namespace mx3pid::mock_identity::detail;

TEST(Email, NormalisedOrRejected) {
    EXPECT_EQ(normalise_email("  Alice@Example.ORG\t"), "alice@example.org");
    EXPECT_EQ(normalise_email("x@localhost"), "x@localhost");
    EXPECT_EQ(normalise_email("caf\xc3\xa9@example.org"), "caf\xc3\xa9@example.org");
    for (const char* bad : {"", "   ", "a", "@b", "a@", "a@b@c", "a b@c", "a@b\x7f", "a@b\x01"})
        EXPECT_FALSE(normalise_email(bad)) << bad;
    EXPECT_FALSE(normalise_email(std::string(400, 'a') + "@b"));
}

TEST(Msisdn, PhoneNumberNormalised) {
    EXPECT_EQ(normalise_phone_number("07700 900-001"), "07700900001");
    EXPECT_EQ(normalise_phone_number("+44 7700 900001"), "+447700900001");
    EXPECT_EQ(normalise_phone_number("1"), "1");
    EXPECT_EQ(normalise_phone_number(std::string(20, '9')), std::string(20, '9'));
    for (const char* bad : {"", " - ", "+", "++1", "1+2", "12a", "(020) 123", "١٢٣"})
        EXPECT_FALSE(normalise_phone_number(bad)) << bad;
    EXPECT_FALSE(normalise_phone_number(std::string(21, '9')));
}

TEST(Body, JsonDepthSkipsStrings) {
    EXPECT_EQ(mx3pid::spec::json_depth("{}"), 1);
    EXPECT_EQ(mx3pid::spec::json_depth(R"({"a":[{"b":1}]})"), 3);
    EXPECT_EQ(mx3pid::spec::json_depth(R"({"a":"[[[[\"[["})"), 1);
    EXPECT_EQ(mx3pid::spec::json_depth("1"), 0);
}

TEST(Body, FormObjectKeepsTheFirstValueAndRepairsUtf8) {
    auto object = form_object("a=1&b=x%20y&a=2&c&d=%FF");
    EXPECT_EQ(object["a"], "1");
    EXPECT_EQ(object["b"], "x y");
    EXPECT_EQ(object["c"], "");
    EXPECT_EQ(object["d"], "\xEF\xBF\xBD");
}

}  // namespace
