#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using detail::cap_bytes;
using detail::one_line;
using detail::valid_utf8;
using detail::visible_text;

namespace {
const std::string fffd = "\xEF\xBF\xBD";
/// Each byte of `bytes` as the reports escape an invalid one: \xNN.
std::string hex(const std::string& bytes) {
    std::string out;
    char piece[5];
    for (unsigned char byte : bytes) std::snprintf(piece, sizeof piece, "\\x%02x", byte), out += piece;
    return out;
}
std::string times(const std::string& text, int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out += text;
    return out;
}
}  // namespace

TEST(ValidUtf8, KeepsWellFormedCharactersAtEveryLengthAndBoundary) {
    for (const std::string& text : {
             std::string("plain ascii \x7f"),
             std::string("\xC2\x80"),                     // U+0080, first two-byte
             std::string("\xDF\xBF"),                     // U+07FF, last two-byte
             std::string("\xE0\xA0\x80"),                 // U+0800, first three-byte
             std::string("\xED\x9F\xBF"),                 // U+D7FF, just below the surrogates
             std::string("\xEE\x80\x80"),                 // U+E000, just above them
             std::string("\xEF\xBF\xBF"),                 // U+FFFF
             std::string("\xF0\x90\x80\x80"),             // U+10000, first four-byte
             std::string("\xF4\x8F\xBF\xBF"),             // U+10FFFF, the last code point
             std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
         })
        EXPECT_EQ(valid_utf8(text), text) << text;
}

TEST(ValidUtf8, EscapesOverlongForms) {
    EXPECT_EQ(valid_utf8("\xC0\x80"), hex("\xC0\x80"));
    EXPECT_EQ(valid_utf8("\xC1\xBF"), hex("\xC1\xBF"));
    EXPECT_EQ(valid_utf8("\xE0\x80\xAF"), hex("\xE0\x80\xAF"));
    EXPECT_EQ(valid_utf8("\xE0\x9F\xBF"), hex("\xE0\x9F\xBF"));
    EXPECT_EQ(valid_utf8("\xF0\x80\x80\xAF"), hex("\xF0\x80\x80\xAF"));
    EXPECT_EQ(valid_utf8("\xF0\x8F\xBF\xBF"), hex("\xF0\x8F\xBF\xBF"));
}

TEST(ValidUtf8, EscapesSurrogatesAndValuesAboveTheLastCodePoint) {
    EXPECT_EQ(valid_utf8("\xED\xA0\x80"), hex("\xED\xA0\x80"));  // U+D800
    EXPECT_EQ(valid_utf8("\xED\xBF\xBF"), hex("\xED\xBF\xBF"));  // U+DFFF
    EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), hex("\xF4\x90\x80\x80"));  // U+110000
    EXPECT_EQ(valid_utf8("\xF5\x80\x80\x80"), hex("\xF5\x80\x80\x80"));
    EXPECT_EQ(valid_utf8("\xFE\xFF"), hex("\xFE\xFF"));
}

TEST(ValidUtf8, EscapesTruncatedSequencesWithOneCharacterAndResumes) {
    EXPECT_EQ(valid_utf8("\xC3"), "\\xc3");
    EXPECT_EQ(valid_utf8("a\xE2\x82"), "a\\xe2\\x82");
    EXPECT_EQ(valid_utf8("\xF0\x9F\x98"), "\\xf0\\x9f\\x98");
    EXPECT_EQ(valid_utf8("\xE2\x82z"), "\\xe2\\x82z");
    EXPECT_EQ(valid_utf8("\xF0\x9F\xC3\xA9"), "\\xf0\\x9f\xC3\xA9");
}

TEST(ValidUtf8, EscapesStrayContinuationBytesOneEach) {
    EXPECT_EQ(valid_utf8("\x80"), "\\x80");
    EXPECT_EQ(valid_utf8("a\x80\xBF" "b"), "a\\x80\\xbfb");
    EXPECT_EQ(valid_utf8("\xC3\xA9\xA9"), "\xC3\xA9\\xa9");
}

TEST(VisibleText, EscapesControlCharactersButKeepsWhitespace) {
    EXPECT_EQ(visible_text(std::string("\x00", 1)), "\\x00");
    EXPECT_EQ(visible_text("\x01\x1b[31m"), "\\x01\\x1b[31m");
    EXPECT_EQ(visible_text("\x1f\x7f"), "\\x1f\\x7f");
    EXPECT_EQ(visible_text("tab\tnew\n"), "tab\tnew\n");
    EXPECT_EQ(visible_text("crlf\r\nlone\rend\r"), "crlf\nlone\\rend\\r");
    EXPECT_EQ(visible_text("\xC2\x85\xC2\x9F\xC2\xA0"), "\\u0085\\u009F\xC2\xA0");
}

TEST(VisibleText, EscapesTheNonCharactersXmlForbidsAndEscapesInvalidBytes) {
    EXPECT_EQ(visible_text("\xEF\xBF\xBE\xEF\xBF\xBF"), "\\uFFFE\\uFFFF");
    EXPECT_EQ(visible_text("\xEF\xBF\xBD"), fffd) << "a U+FFFD the server sent stays one";
    EXPECT_EQ(visible_text("\xEF\xBF\xBC"), "\xEF\xBF\xBC");
    EXPECT_EQ(visible_text("\xF0\x9F\x8F\xBF"), "\xF0\x9F\x8F\xBF");
    EXPECT_EQ(visible_text("\xff]]><&>"), "\\xff]]><&>");
}

TEST(OneLine, CollapsesLineBreaksAndTabsButNotPlainSpaces) {
    EXPECT_EQ(one_line("expected 400,\n got 200"), "expected 400, got 200");
    EXPECT_EQ(one_line("a\r\n\tb"), "a b");
    EXPECT_EQ(one_line("a  b"), "a  b");
    EXPECT_EQ(one_line("  \n x \t"), "x");
    EXPECT_EQ(one_line("\n\n"), "");
    EXPECT_EQ(one_line("bell\x07"), "bell\\x07");
    EXPECT_EQ(one_line("a\xE2\nb"), "a\\xe2 b");
}

TEST(OneLine, CapsByCharactersNotBytes) {
    EXPECT_EQ(one_line(times("\xC3\xA9", 500)), times("\xC3\xA9", 500));
    EXPECT_EQ(one_line(times("\xC3\xA9", 501)), times("\xC3\xA9", 500) + "\xE2\x80\xA6");
    EXPECT_EQ(one_line("abc def", 4), "abc\xE2\x80\xA6");
}

TEST(CapBytes, KeepsShortBodiesAndMarksWhatItCuts) {
    EXPECT_EQ(cap_bytes("abc", 3), "abc");
    EXPECT_EQ(cap_bytes("abcdef", 4), "abcd[\xE2\x80\xA6 2 bytes cut]");
    EXPECT_EQ(cap_bytes("", 0), "");
}

TEST(CapBytes, NeverSplitsACharacter) {
    EXPECT_EQ(cap_bytes("a\xC3\xA9", 2), "a[\xE2\x80\xA6 2 bytes cut]");
    EXPECT_EQ(cap_bytes("a\xF0\x9F\x98\x80", 4), "a[\xE2\x80\xA6 4 bytes cut]");
    EXPECT_EQ(cap_bytes("a\xF0\x9F\x98\x80z", 5), "a\xF0\x9F\x98\x80[\xE2\x80\xA6 1 byte cut]");
}

TEST(TimeFormat, PrintsUtcWithMillisecondsAndJunitTimestamps) {
    using test_support::at;
    EXPECT_EQ(detail::iso8601_ms(at(0)), "2024-05-01T12:00:00.000Z");
    EXPECT_EQ(detail::iso8601_ms(at(86'399'999 - 12 * 3'600'000)), "2024-05-01T23:59:59.999Z");
    EXPECT_EQ(detail::junit_timestamp(at(1'999)), "2024-05-01T12:00:01");
    EXPECT_EQ(detail::iso8601_ms(Clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(TimeFormat, PrintsDecimalSecondsWithThreeDecimals) {
    EXPECT_EQ(detail::decimal_seconds(0), "0.000");
    EXPECT_EQ(detail::decimal_seconds(0.012), "0.012");
    EXPECT_EQ(detail::decimal_seconds(1234.5), "1234.500");
    EXPECT_EQ(detail::decimal_seconds(-1), "0.000");
}
