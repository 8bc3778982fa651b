#include "smtp_sink/detail/codec.hpp"
#include "smtp_sink/detail/links.hpp"
#include "smtp_sink/detail/mail.hpp"
#include "smtp_sink/detail/mime.hpp"

#include <gtest/gtest.h>

#include <random>

#include "samples.hpp"

using namespace mx3pid::smtp_sink;
using namespace mx3pid::smtp_sink::detail;

TEST(Mime, SynapseMultipartAlternativeWithBase64Parts) {
    auto mail = read_mail(test::synapse_message());
    EXPECT_EQ(mail.subject, "Validez votre adresse – café");
    EXPECT_NE(mail.text_body.find("Validez votre adresse – café\n\nTo validate"), std::string::npos);
    EXPECT_EQ(mail.text_body.find('\r'), std::string::npos);
    EXPECT_NE(mail.html_body.find("<p>Validez votre adresse &ndash; café</p>"), std::string::npos);
    ASSERT_EQ(mail.links, (std::vector<std::string>{std::string(test::synapse_link)}));
    ASSERT_TRUE(mail.validation);
    EXPECT_EQ(mail.validation->url, test::synapse_link);
    EXPECT_EQ(mail.validation->token, "abc123");
    EXPECT_EQ(mail.validation->client_secret, "s3cr3t");
    EXPECT_EQ(mail.validation->sid, "42");
    EXPECT_EQ(mail.bare_token, "");
    ASSERT_GE(mail.headers.size(), 5u);
    EXPECT_EQ(mail.headers[0], (std::pair<std::string, std::string>{"From", "Matrix <noreply@hs.example>"}));
}

TEST(Mime, QuotedPrintableWithSoftBreaksInsideTheUrl) {
    std::string raw =
        "From: hs@example.org\r\n"
        "Subject: Confirm\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "Caf=C3=A9 =E2=80=93 click: https://hs.example/_matrix/client/unstable/regis=\r\n"
        "tration/email/submit_token?token=3Dabc=\r\n"
        "123&client_secret=3Ds3%2Bcr3t&sid=3D42 =\r\n"
        "thanks\r\n";
    auto mail = read_mail(raw);
    EXPECT_EQ(mail.text_body,
              "Café – click: https://hs.example/_matrix/client/unstable/registration/email/submit_token"
              "?token=abc123&client_secret=s3%2Bcr3t&sid=42 thanks\n");
    ASSERT_TRUE(mail.validation);
    EXPECT_EQ(mail.validation->token, "abc123");
    EXPECT_EQ(mail.validation->client_secret, "s3+cr3t");  // percent-decoded
    EXPECT_EQ(mail.validation->sid, "42");
}

TEST(Mime, FoldedHeadersAndEncodedWordSubject) {
    std::string raw =
        "To: alice@example.org,\r\n"
        "\tbob@example.org\r\n"
        "Subject: =?UTF-8?Q?Validez_votre_adresse_=E2=80=93?=\r\n"
        " =?utf-8?B?IGNhZsOp?= (plain)\r\n"
        "Content-Type: multipart/alternative;\r\n"
        "  boundary=b1\r\n"
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "plain\r\n"
        "--b1\r\n"
        "Content-Type: text/html\r\n"
        "\r\n"
        "<b>html</b>\r\n"
        "--b1--\r\n"
        "epilogue\r\n";
    auto parsed = parse_message(raw);
    ASSERT_EQ(parsed.headers.size(), 3u);
    EXPECT_EQ(parsed.headers[0].second, "alice@example.org,\tbob@example.org");
    EXPECT_EQ(parsed.subject, "Validez votre adresse – café (plain)");
    EXPECT_EQ(parsed.text_body, "plain");
    EXPECT_EQ(parsed.html_body, "<b>html</b>");
}

TEST(Mime, EncodedWordsEdgeCases) {
    EXPECT_EQ(decode_header_words("plain text"), "plain text");
    EXPECT_EQ(decode_header_words("=?iso-8859-1?q?caf=E9?= ok"), "café ok");
    EXPECT_EQ(decode_header_words("a =?utf-8?q?b?=  =?utf-8?q?c?= d"), "a bc d");
    EXPECT_EQ(decode_header_words("=?utf-8?x?bad?= =?broken"), "=?utf-8?x?bad?= =?broken");
    EXPECT_EQ(decode_header_words("=?utf-8?q?a?= =?nope"), "a =?nope");
    EXPECT_EQ(decode_header_words("=?UTF-8*fr?B?w6k=?="), "é");
}

TEST(Mime, ContinuwuityStyleLinkGivesSidFromSession) {
    std::string raw =
        "Subject: Verify your email\r\n"
        "\r\n"
        "Open https://matrix.example/_continuwuity/3pid/email/validate?session=SeSsIoN&token=ToKeN1.\r\n";
    auto mail = read_mail(raw);
    ASSERT_TRUE(mail.validation);
    EXPECT_EQ(mail.validation->url, "https://matrix.example/_continuwuity/3pid/email/validate?session=SeSsIoN&token=ToKeN1");
    EXPECT_EQ(mail.validation->token, "ToKeN1");
    EXPECT_EQ(mail.validation->sid, "SeSsIoN");
    EXPECT_EQ(mail.validation->client_secret, "");
}

TEST(Mime, ValidationIsTheFirstLinkWithAToken) {
    std::vector<std::string> links = {"https://hs.example/", "https://hs.example/x?sid=1",
                                      "https://hs.example/#/validate?token=frag&sid=9",
                                      "https://hs.example/v?token=t&sid=2"};
    auto link = find_validation(links);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->token, "frag");
    EXPECT_EQ(link->sid, "9");
    links.erase(links.begin() + 2);
    link = find_validation(links);
    ASSERT_TRUE(link);
    EXPECT_EQ(link->token, "t");
    EXPECT_FALSE(find_validation({"https://a.example/?tokens=1"}));
}

TEST(Mime, LinksFromTextThenHrefsInOrderWithoutRepeats) {
    std::string text = "See (https://a.example/x_(y)) and https://b.example/p?q=1&r=2. Or HTTP://C.example/,\n"
                       "not ftp://d.example nor http:/broken, again https://a.example/x_(y)";
    std::string html = "<a href=\"https://b.example/p?q=1&amp;r=2\">b</a> <A HREF='https://e.example/&#x41;&#66;'>e</A>"
                       "<a href=https://f.example/u>f</a><a href=\"mailto:x@y\">m</a><a data-href=\"https://g.example\">";
    EXPECT_EQ(find_links(text, html),
              (std::vector<std::string>{"https://a.example/x_(y)", "https://b.example/p?q=1&r=2", "HTTP://C.example/",
                                        "https://e.example/AB", "https://f.example/u"}));
}

TEST(Mime, BareTokenWhenThereIsNoLink) {
    auto mail = read_mail("Subject: code\r\n\r\nHello,\r\nYour verification code is: 482913.\r\n");
    EXPECT_TRUE(mail.links.empty());
    EXPECT_FALSE(mail.validation);
    EXPECT_EQ(mail.bare_token, "482913");

    EXPECT_EQ(find_bare_token("Your token is ready. See below.", ""), "");
    EXPECT_EQ(find_bare_token("Token: AbCdEfGhIjKlMnOpQr", ""), "AbCdEfGhIjKlMnOpQr");
    EXPECT_EQ(find_bare_token("", "<p>Your code is <b>7731</b></p>"), "7731");
    EXPECT_EQ(find_bare_token("code a b c d 9999", ""), "");  // too far from the keyword
}

TEST(Mime, NestedMultipartAndAttachmentsAreSkipped) {
    std::string raw =
        "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
        "\r\n"
        "preamble\r\n"
        "--outer\r\n"
        "Content-Type: text/plain; name=notes.txt\r\n"
        "Content-Disposition: attachment; filename=notes.txt\r\n"
        "\r\n"
        "attached https://attached.example/\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=inner\r\n"
        "\r\n"
        "--inner\r\n"
        "Content-Type: text/plain; charset=\"ISO-8859-1\"\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "caf=E9 https://inner.example/?token=1\r\n"
        "--inner\r\n"
        "Content-Type: text/html; charset=windows-1252\r\n"
        "\r\n"
        "<p>\x93quoted\x94</p>\r\n"
        "--inner--\r\n"
        "--outer--\r\n";
    auto mail = read_mail(raw);
    EXPECT_EQ(mail.text_body, "café https://inner.example/?token=1");
    EXPECT_EQ(mail.html_body, "<p>“quoted”</p>");
    EXPECT_EQ(mail.links, (std::vector<std::string>{"https://inner.example/?token=1"}));
}

TEST(Mime, MessageWithoutMimeHeadersIsPlainText) {
    auto mail = read_mail("From: a@b\r\nSubject: x\r\n\r\nhello https://x.example/\r\n");
    EXPECT_EQ(mail.text_body, "hello https://x.example/\n");
    EXPECT_EQ(mail.links, (std::vector<std::string>{"https://x.example/"}));
    // No header section at all.
    mail = read_mail("just a line\r\nand another\r\n");
    EXPECT_TRUE(mail.headers.empty());
    EXPECT_EQ(mail.text_body, "just a line\nand another\n");
}

TEST(Mime, MalformedMimeIsReadBestEffort) {
    // No closing boundary, bad base64, an unknown charset.
    std::string raw =
        "Content-Type: multipart/alternative; boundary=zz\r\n"
        "\r\n"
        "--zz\r\n"
        "Content-Type: text/plain; charset=x-unknown-42\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        "!!!aGVs*bG8g@d29y#bGQ\r\n"
        "--zz\r\n"
        "Content-Type: text/html\r\n"
        "\r\n"
        "<a href=\"https://x.example/?token=t\r\n";
    auto mail = read_mail(raw);
    EXPECT_EQ(mail.text_body, "hello world");
    EXPECT_EQ(mail.html_body, "<a href=\"https://x.example/?token=t\n");
    ASSERT_TRUE(mail.validation);
    EXPECT_EQ(mail.validation->token, "t");

    // Multipart without a boundary, a header without a value, an unterminated quoted parameter.
    mail = read_mail("Content-Type: multipart/mixed\r\nX:\r\n\r\n--x\r\nbody\r\n");
    EXPECT_EQ(mail.text_body, "");
    auto type = parse_content_type("text/html; charset=\"utf-8; boundary=");
    EXPECT_EQ(type.type, "text/html");
    EXPECT_EQ(type.charset, "utf-8; boundary=");
    type = parse_content_type("garbage");
    EXPECT_EQ(type.type, "text/plain");
}

TEST(Mime, DeepNestingIsBounded) {
    std::string raw;
    for (int i = 0; i < 200; ++i)
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
    raw += "Content-Type: text/plain\r\n\r\ndeep\r\n";
    auto mail = read_mail(raw);
    EXPECT_EQ(mail.text_body, "");  // deeper than max_mime_depth: not reached
    std::string shallow;
    for (int i = 0; i < 5; ++i)
        shallow += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" + std::to_string(i) + "\r\n";
    shallow += "Content-Type: text/plain\r\n\r\nshallow\r\n";
    EXPECT_EQ(read_mail(shallow).text_body, "shallow\n");
}

TEST(Mime, ManyPartsAreBounded) {
    std::string raw = "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
    for (int i = 0; i < 5000; ++i) raw += "--p\r\nContent-Type: image/png\r\n\r\nx\r\n";
    raw += "--p\r\nContent-Type: text/plain\r\n\r\nlate\r\n--p--\r\n";
    auto mail = read_mail(raw);
    EXPECT_EQ(mail.text_body, "");  // beyond max_mime_parts
}

TEST(Codec, Base64ToleratesWhitespaceAndJunk) {
    EXPECT_EQ(decode_base64("aGVs\r\nbG8g\r\n d29y bGQ="), "hello world");
    EXPECT_EQ(decode_base64("aGVsbG8"), "hello");
    EXPECT_EQ(decode_base64("a"), "");
    EXPECT_EQ(decode_base64("===="), "");
}

TEST(Codec, QuotedPrintable) {
    EXPECT_EQ(decode_quoted_printable("a=3Db=\r\nc=  \r\nd=\ne=4"), "a=bcde=4");
    EXPECT_EQ(decode_quoted_printable("x=zz=3d="), "x=zz=");
}

TEST(Codec, Charsets) {
    EXPECT_EQ(to_utf8("caf\xe9", "ISO-8859-1"), "café");
    EXPECT_EQ(to_utf8("\x80", "windows-1252"), "€");
    EXPECT_EQ(to_utf8("caf\xe9", "x-unknown"), "caf\xe9");
    EXPECT_EQ(to_utf8("café", "utf-8"), "café");
}

TEST(Codec, HtmlEntities) {
    EXPECT_EQ(decode_html_entities("a&amp;b&lt;&gt;&quot;&apos;&#39;&#x263A;&nbsp;&#;&#xZZ;&"),
              "a&b<>\"''☺&nbsp;&#;&#xZZ;&");
}

TEST(Mime, RandomInputNeverBreaksTheReader) {
    std::mt19937 random(7);
    const std::string pieces[] = {"\r\n", "\n", "--b", "--b--", "Content-Type: multipart/mixed; boundary=b\r\n",
                                  "Content-Type: text/plain\r\n", "Content-Transfer-Encoding: base64\r\n",
                                  "Content-Transfer-Encoding: quoted-printable\r\n", "=?utf-8?q?", "?=", "=",
                                  "https://", "href=\"", "?token=", "&amp;", "&#x", "code ", " ", ":", "\t",
                                  "Content-Type: message/rfc822\r\n", "Content-Type: text/html\r\n"};
    for (int round = 0; round < 500; ++round) {
        std::string raw;
        int count = static_cast<int>(random() % 300);
        for (int i = 0; i < count; ++i) {
            if (random() % 4 == 0)
                raw += static_cast<char>(random() % 256);
            else
                raw += pieces[random() % std::size(pieces)];
        }
        auto mail = read_mail(raw);
        EXPECT_EQ(mail.raw, raw);
    }
}
