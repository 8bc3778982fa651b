#include "smtp_sink/detail/dialogue.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>

using namespace mx3pid::smtp_sink::detail;

namespace {

/// A dialogue with its deliveries captured.
struct Session {
    std::vector<Envelope> delivered;
    Dialogue dialogue;

    explicit Session(DialogueLimits limits = {})
        : dialogue(limits, [this](Envelope envelope) {
              delivered.push_back(std::move(envelope));
              return static_cast<std::uint64_t>(delivered.size());
          }) {}

    std::string say(std::string_view bytes) { return dialogue.receive(bytes); }
};

/// The codes of the final line of each reply in `out`, in order.
std::vector<int> codes(std::string_view out) {
    std::vector<int> result;
    while (!out.empty()) {
        auto lf = out.find('\n');
        auto line = out.substr(0, lf);
        out = lf == std::string_view::npos ? std::string_view() : out.substr(lf + 1);
        if (line.size() >= 4 && line[3] == ' ') result.push_back(std::stoi(std::string(line.substr(0, 3))));
    }
    return result;
}

int code(std::string_view out) {
    auto all = codes(out);
    return all.size() == 1 ? all.front() : -static_cast<int>(all.size());
}

constexpr std::string_view full_session =
    "EHLO client.example\r\n"
    "MAIL FROM:<noreply@hs.example>\r\n"
    "RCPT TO:<alice@example.org>\r\n"
    "RCPT TO:<bob@example.org>\r\n"
    "DATA\r\n"
    "Subject: hi\r\n"
    "\r\n"
    "body line\r\n"
    ".\r\n"
    "QUIT\r\n";

}  // namespace

TEST(Dialogue, HappyPathStepByStep) {
    Session s;
    auto greeting = s.dialogue.greeting();
    EXPECT_EQ(greeting.rfind("220 ", 0), 0u);
    EXPECT_NE(greeting.find("ESMTP mx3pid"), std::string::npos);
    EXPECT_TRUE(greeting.ends_with("\r\n"));

    auto ehlo = s.say("EHLO client.example\r\n");
    EXPECT_EQ(code(ehlo), 250);
    EXPECT_NE(ehlo.find("250-SIZE 1048576\r\n"), std::string::npos);
    EXPECT_NE(ehlo.find("8BITMIME"), std::string::npos);
    EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos);
    EXPECT_EQ(ehlo.find("AUTH"), std::string::npos);

    EXPECT_EQ(code(s.say("MAIL FROM:<noreply@hs.example> BODY=8BITMIME\r\n")), 250);
    EXPECT_EQ(code(s.say("RCPT TO:<alice@example.org>\r\n")), 250);
    EXPECT_EQ(code(s.say("RCPT TO:<bob@example.org>\r\n")), 250);
    EXPECT_EQ(code(s.say("DATA\r\n")), 354);
    EXPECT_EQ(s.say("Subject: hi\r\n\r\nbody line\r\n"), "");
    auto accepted = s.say(".\r\n");
    EXPECT_EQ(code(accepted), 250);
    EXPECT_NE(accepted.find("queued as 1"), std::string::npos);
    EXPECT_FALSE(s.dialogue.finished());
    EXPECT_EQ(code(s.say("QUIT\r\n")), 221);
    EXPECT_TRUE(s.dialogue.finished());

    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].mail_from, "noreply@hs.example");
    EXPECT_EQ(s.delivered[0].recipients, (std::vector<std::string>{"alice@example.org", "bob@example.org"}));
    EXPECT_EQ(s.delivered[0].data, "Subject: hi\r\n\r\nbody line\r\n");
}

TEST(Dialogue, PipelinedCommandsInOneChunk) {
    Session s;
    auto out = s.say(full_session);
    EXPECT_EQ(codes(out), (std::vector<int>{250, 250, 250, 250, 354, 250, 221}));
    EXPECT_TRUE(s.dialogue.finished());
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].data, "Subject: hi\r\n\r\nbody line\r\n");
}

TEST(Dialogue, ByteAtATimeGivesTheSameResult) {
    Session whole;
    auto expected = whole.say(full_session);
    Session s;
    std::string out;
    for (char c : full_session) out += s.say(std::string_view(&c, 1));
    EXPECT_EQ(out, expected);
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].data, whole.delivered[0].data);
    EXPECT_EQ(s.delivered[0].recipients, whole.delivered[0].recipients);
}

TEST(Dialogue, InputAfterQuitIsIgnored) {
    Session s;
    EXPECT_EQ(codes(s.say("QUIT\r\nNOOP\r\n")), (std::vector<int>{221}));
    EXPECT_TRUE(s.dialogue.finished());
    EXPECT_EQ(s.say("NOOP\r\n"), "");
}

TEST(Dialogue, DotStuffingIsUndone) {
    Session s;
    s.say("HELO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
    EXPECT_EQ(code(s.say("..leading dot\r\n...\r\n. \r\nmid.dle\r\n.\r\n")), 250);
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].data, ".leading dot\r\n..\r\n \r\nmid.dle\r\n");
}

TEST(Dialogue, BareLineFeedsAreToleratedAndStoredAsCrlf) {
    Session s;
    auto out = s.say("helo c\nmail from:<a@b>\nrcpt to:<c@d>\ndata\nline one\n..two\n.\nquit\n");
    EXPECT_EQ(codes(out), (std::vector<int>{250, 250, 250, 354, 250, 221}));
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].data, "line one\r\n.two\r\n");
}

TEST(Dialogue, CommandsAreCaseInsensitiveAndPathsLenient) {
    Session s;
    EXPECT_EQ(code(s.say("eHlO c\r\n")), 250);
    EXPECT_EQ(code(s.say("mail from: <>\r\n")), 250);  // the null sender, with a space after the colon
    EXPECT_EQ(code(s.say("Rcpt To:bob@example.org\r\n")), 250);
    EXPECT_EQ(codes(s.say("data\r\nx\r\n.\r\n")), (std::vector<int>{354, 250}));
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].mail_from, "");
    EXPECT_EQ(s.delivered[0].recipients, (std::vector<std::string>{"bob@example.org"}));
}

TEST(Dialogue, MailWithoutHeloIsAccepted) {
    Session s;
    EXPECT_EQ(codes(s.say("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nx\r\n.\r\n")),
              (std::vector<int>{250, 250, 354, 250}));
    EXPECT_EQ(s.delivered.size(), 1u);
}

TEST(Dialogue, RsetClearsTheTransaction) {
    Session s;
    EXPECT_EQ(codes(s.say("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRSET\r\nRCPT TO:<c@d>\r\nDATA\r\n")),
              (std::vector<int>{250, 250, 250, 250, 503, 503}));
    EXPECT_EQ(codes(s.say("MAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\nDATA\r\nhello\r\n.\r\n")),
              (std::vector<int>{250, 250, 354, 250}));
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].mail_from, "x@y");
    EXPECT_EQ(s.delivered[0].recipients, (std::vector<std::string>{"z@w"}));
}

TEST(Dialogue, WrongOrderGets503) {
    Session s;
    s.say("EHLO c\r\n");
    EXPECT_EQ(code(s.say("RCPT TO:<c@d>\r\n")), 503);
    EXPECT_EQ(code(s.say("DATA\r\n")), 503);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b>\r\n")), 250);
    EXPECT_EQ(code(s.say("DATA\r\n")), 503);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b>\r\n")), 503);
    EXPECT_TRUE(s.delivered.empty());
}

TEST(Dialogue, OtherCommands) {
    Session s;
    EXPECT_EQ(code(s.say("NOOP\r\n")), 250);
    EXPECT_EQ(code(s.say("VRFY alice\r\n")), 252);
    EXPECT_EQ(code(s.say("HELP\r\n")), 214);
    EXPECT_EQ(code(s.say("STARTTLS\r\n")), 502);
    EXPECT_EQ(code(s.say("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")), 502);
    EXPECT_EQ(code(s.say("FROB\r\n")), 500);
    EXPECT_EQ(code(s.say("\r\n")), 500);
    EXPECT_EQ(code(s.say("HELO\r\n")), 501);
    EXPECT_EQ(code(s.say("MAIL TO:<a@b>\r\n")), 501);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b\r\n")), 501);
    EXPECT_FALSE(s.dialogue.finished());
}

TEST(Dialogue, OversizedMessageGets552AndTheSessionGoesOn) {
    DialogueLimits limits;
    limits.max_message_bytes = 100;
    Session s(limits);
    auto ehlo = s.say("EHLO c\r\n");
    EXPECT_NE(ehlo.find("SIZE 100\r\n"), std::string::npos);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b> SIZE=101\r\n")), 552);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b> SIZE=99999999999999999999999\r\n")), 552);
    EXPECT_EQ(code(s.say("MAIL FROM:<a@b> SIZE=ten\r\n")), 501);
    EXPECT_EQ(codes(s.say("MAIL FROM:<a@b> SIZE=50\r\nRCPT TO:<c@d>\r\nDATA\r\n")), (std::vector<int>{250, 250, 354}));
    std::string big;
    for (int i = 0; i < 50; ++i) big += "0123456789012345678901234567890123456789\r\n";
    EXPECT_EQ(s.say(big), "");
    EXPECT_EQ(code(s.say(".\r\n")), 552);
    EXPECT_TRUE(s.delivered.empty());
    EXPECT_EQ(codes(s.say("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nsmall\r\n.\r\n")),
              (std::vector<int>{250, 250, 354, 250}));
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].data, "small\r\n");
}

TEST(Dialogue, TooManyRecipientsGets452) {
    DialogueLimits limits;
    limits.max_recipients = 2;
    Session s(limits);
    EXPECT_EQ(codes(s.say("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<1@x>\r\nRCPT TO:<2@x>\r\nRCPT TO:<3@x>\r\n"
                          "DATA\r\nx\r\n.\r\n")),
              (std::vector<int>{250, 250, 250, 250, 452, 354, 250}));
    ASSERT_EQ(s.delivered.size(), 1u);
    EXPECT_EQ(s.delivered[0].recipients, (std::vector<std::string>{"1@x", "2@x"}));
}

TEST(Dialogue, LongDataLinesSurviveAnyChunking) {
    std::string line = "." + std::string(10000, 'a') + "\r\n";
    for (std::size_t chunk : {1u, 7u, 4096u, 4097u, 10002u, 100000u}) {
        Session s;
        s.say("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
        std::string input = line + "..\r\n.\r\n";
        std::string out;
        for (std::size_t i = 0; i < input.size(); i += chunk) out += s.say(std::string_view(input).substr(i, chunk));
        EXPECT_EQ(code(out), 250) << chunk;
        ASSERT_EQ(s.delivered.size(), 1u) << chunk;
        EXPECT_EQ(s.delivered[0].data, line.substr(1) + ".\r\n") << chunk;
    }
}

TEST(Dialogue, DeliveryFailureGets451) {
    Dialogue dialogue({}, [](Envelope) -> std::uint64_t { throw std::runtime_error("disk full"); });
    auto out = dialogue.receive("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nx\r\n.\r\nNOOP\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{250, 250, 354, 451, 250}));
}

TEST(Dialogue, OverlongCommandLineGets500AndTheSessionGoesOn) {
    Session s;
    EXPECT_EQ(code(s.say(std::string(5000, 'A') + "\r\n")), 500);
    EXPECT_EQ(code(s.say("NOOP\r\n")), 250);
    // The same, arriving in pieces.
    std::string out;
    for (int i = 0; i < 10; ++i) out += s.say(std::string(700, 'B'));
    out += s.say("\r\nNOOP\r\n");
    EXPECT_EQ(codes(out), (std::vector<int>{500, 250}));
    EXPECT_FALSE(s.dialogue.finished());
    // A line of exactly 1000 bytes with its CRLF is still a command line.
    EXPECT_EQ(code(s.say("NOOP " + std::string(993, 'x') + "\r\n")), 250);
    EXPECT_EQ(code(s.say("NOOP " + std::string(994, 'x') + "\r\n")), 500);
}

TEST(Dialogue, EndlessLineClosesTheSession) {
    Session s;
    std::string out;
    std::string chunk(4096, 'z');
    for (int i = 0; i < 100 && !s.dialogue.finished(); ++i) out += s.say(chunk);
    EXPECT_TRUE(s.dialogue.finished());
    EXPECT_EQ(code(out), 500);
}

TEST(Dialogue, RepeatedErrorsCloseTheSession) {
    Session s;
    std::string out;
    for (int i = 0; i < 50 && !s.dialogue.finished(); ++i) out += s.say("BOGUS\r\n");
    EXPECT_TRUE(s.dialogue.finished());
    auto all = codes(out);
    ASSERT_FALSE(all.empty());
    EXPECT_EQ(all.back(), 421);
    EXPECT_EQ(all.size(), static_cast<std::size_t>(max_errors) + 1);
}

TEST(Dialogue, NulBytesAndBinaryGetErrorReplies) {
    Session s;
    EXPECT_EQ(code(s.say(std::string("NO\0OP\r\n", 7))), 500);
    EXPECT_EQ(code(s.say(std::string("\0\0\0\xff\xfe\r\n", 7))), 500);
    EXPECT_EQ(code(s.say("NOOP\r\n")), 250);
}

TEST(Dialogue, RandomBytesNeverBreakIt) {
    std::mt19937 random(20240601);
    for (int round = 0; round < 200; ++round) {
        Session s;
        std::string out = s.dialogue.greeting();
        std::size_t size = random() % 20000;
        std::string bytes(size, '\0');
        for (auto& b : bytes) b = static_cast<char>(random() % 7 == 0 ? '\n' : random() % 256);
        // Now and then start from a valid transaction so that the data state is fuzzed too.
        if (round % 3 == 0) bytes = "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" + bytes;
        for (std::size_t i = 0; i < bytes.size() && !s.dialogue.finished();) {
            std::size_t n = 1 + random() % 3000;
            out += s.say(std::string_view(bytes).substr(i, n));
            i += n;
        }
        // Every reply is a well-formed reply line.
        std::string_view rest(out);
        while (!rest.empty()) {
            auto lf = rest.find("\r\n");
            ASSERT_NE(lf, std::string_view::npos);
            auto line = rest.substr(0, lf);
            ASSERT_GE(line.size(), 4u);
            EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(line[0])));
            EXPECT_TRUE(line[3] == ' ' || line[3] == '-');
            rest.remove_prefix(lf + 2);
        }
    }
}
