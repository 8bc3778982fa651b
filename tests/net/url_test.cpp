#include "net/url.hpp"
#include "net/message.hpp"

#include <gtest/gtest.h>

using mx3pid::net::Url;

TEST(Url, ParsesHostPortAndPath) {
    auto url = Url::parse("http://127.0.0.1:8008/base");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "127.0.0.1");
    EXPECT_EQ(url->port, 8008);
    EXPECT_EQ(url->path, "/base");
    EXPECT_EQ(url->authority(), "127.0.0.1:8008");
}

TEST(Url, DefaultsPortFromScheme) {
    EXPECT_EQ(Url::parse("https://hs.example.org")->port, 443);
    EXPECT_EQ(Url::parse("http://hs.example.org")->port, 80);
    EXPECT_EQ(Url::parse("https://hs.example.org")->authority(), "hs.example.org");
}

TEST(Url, ParsesBracketedIpv6) {
    auto url = Url::parse("http://[::1]:9000/");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->host, "::1");
    EXPECT_EQ(url->authority(), "[::1]:9000");
}

TEST(Url, RejectsWhatIsNotAnHttpUrl) {
    for (const char* text : {"", "ftp://x", "http://", "http://:80", "http://host:0", "http://host:65536",
                             "http://host:12ab", "127.0.0.1:8008", "http://user@host/"})
        EXPECT_FALSE(Url::parse(text)) << text;
}

TEST(Form, DecodesPairsAndPercentEscapes) {
    auto pairs = mx3pid::net::parse_form("a=1&email=x%40y.example&sp=a+b&empty=&flag");
    ASSERT_EQ(pairs.size(), 5u);
    EXPECT_EQ(pairs[1].second, "x@y.example");
    EXPECT_EQ(pairs[2].second, "a b");
    EXPECT_EQ(pairs[3].second, "");
    EXPECT_EQ(pairs[4].first, "flag");
    EXPECT_EQ(mx3pid::net::percent_decode("%zz%4"), "%zz%4");
    EXPECT_EQ(mx3pid::net::percent_encode("a b@c"), "a%20b%40c");
}
