#include "spec/phone.hpp"

#include <gtest/gtest.h>

namespace {

using namespace mx3pid::spec;

TEST(Phone, InternationalForm) {
    EXPECT_EQ(international_msisdn("GB", "07700900001"), "447700900001");
    EXPECT_EQ(international_msisdn("GB", "+447700900001"), "447700900001");
    EXPECT_EQ(international_msisdn("US", "2025550123"), "12025550123");
    EXPECT_EQ(international_msisdn("US", "12025550123"), "12025550123");
    EXPECT_EQ(international_msisdn("IT", "0612345678"), "390612345678");
    EXPECT_EQ(international_msisdn("DE", "030123456"), "4930123456");
    EXPECT_EQ(international_msisdn("XX", "0123"), "0123");
}

TEST(Phone, CallingCodes) {
    EXPECT_EQ(calling_code("GB"), "44");
    EXPECT_EQ(calling_code("US"), "1");
    EXPECT_EQ(calling_code("FI"), "358");
    EXPECT_FALSE(calling_code("XX"));
}

TEST(Phone, SplitsTheStoredFormIntoCountryAndNationalNumber) {
    auto gb = split_international("447700900002");
    ASSERT_TRUE(gb);
    EXPECT_EQ(gb->country, "GB");
    EXPECT_EQ(gb->phone_number, "7700900002");
    auto us = split_international("12025550123");
    ASSERT_TRUE(us);
    EXPECT_EQ(us->country, "US");
    EXPECT_EQ(us->phone_number, "2025550123");
    auto fi = split_international("358401234567");
    ASSERT_TRUE(fi);
    EXPECT_EQ(fi->country, "FI");
    EXPECT_EQ(fi->phone_number, "401234567");
    for (const char* bad : {"", "44", "+447700900002", "4477x", "999123", "0123"}) EXPECT_FALSE(split_international(bad)) << bad;
    // Round trip: the international form of the split is the input.
    EXPECT_EQ(international_msisdn(gb->country, gb->phone_number), "447700900002");
}

}  // namespace
