#include "spec/utf8.hpp"

#include <gtest/gtest.h>

using mx3pid::spec::is_valid_utf8;
using mx3pid::spec::repair_utf8;

TEST(Utf8, InvalidSequencesAreReplaced) {
    const std::string replacement = "\xEF\xBF\xBD";
    EXPECT_EQ(repair_utf8("plain"), "plain");
    EXPECT_EQ(repair_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
    EXPECT_EQ(repair_utf8("a\xff"
                         "b"),
              "a" + replacement + "b");
    EXPECT_EQ(repair_utf8("\xc3"), replacement);                                                        // truncated
    EXPECT_EQ(repair_utf8("\xc0\xaf"), replacement + replacement);                                      // overlong
    EXPECT_EQ(repair_utf8("\xed\xa0\x80"), replacement + replacement + replacement);                    // surrogate
    EXPECT_EQ(repair_utf8("\xf4\x90\x80\x80"), replacement + replacement + replacement + replacement);  // > U+10FFFF
}

TEST(Utf8, ValidityAtTheBoundaries) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
    for (const char* bad : {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80"})
        EXPECT_FALSE(is_valid_utf8(bad)) << bad;
}
