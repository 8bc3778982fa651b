#include "smtp_sink/smtp_sink.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "net/smtp_client.hpp"
#include "net/stream_server.hpp"
#include "raw_client.hpp"
#include "samples.hpp"
#include "smtp_sink/detail/dialogue.hpp"

using namespace mx3pid;
using namespace mx3pid::smtp_sink;
using test::RawClient;
using namespace std::chrono_literals;

namespace {

net::SmtpTarget target_of(const SmtpSink& sink) { return net::SmtpTarget{"127.0.0.1", sink.port(), "client.test"}; }

net::MailMessage small_message(std::string to = "alice@example.org") {
    return net::MailMessage{"noreply@hs.example", {std::move(to)}, "Subject: small\r\n\r\nsmall body\r\n"};
}

/// A dialogue that answers EHLO with 502, as an old HELO-only server would.
class HeloOnly final : public net::Conversation {
public:
    HeloOnly() : inner_({}, [](smtp_sink::detail::Envelope) { return std::uint64_t{1}; }) {}
    std::string greeting() override { return inner_.greeting(); }
    std::string receive(std::string_view bytes) override {
        std::string out;
        pending_.append(bytes);
        for (auto lf = pending_.find('\n'); lf != std::string::npos; lf = pending_.find('\n')) {
            auto line = pending_.substr(0, lf + 1);
            pending_.erase(0, lf + 1);
            if (line.starts_with("EHLO")) {
                out += "502 Command not implemented\r\n";
                ehlo_refused = true;
            } else {
                out += inner_.receive(line);
            }
        }
        return out;
    }
    bool finished() const override { return inner_.finished(); }
    static inline std::atomic<bool> ehlo_refused{false};

private:
    smtp_sink::detail::Dialogue inner_;
    std::string pending_;
};

/// Says one fixed thing on connect and then nothing.
class Fixed final : public net::Conversation {
public:
    explicit Fixed(std::string greeting) : greeting_(std::move(greeting)) {}
    std::string greeting() override { return greeting_; }
    std::string receive(std::string_view) override { return {}; }
    bool finished() const override { return false; }

private:
    std::string greeting_;
};

}  // namespace

TEST(SmtpSink, RecordsAMessageSentWithSendMail) {
    SmtpSink sink;
    EXPECT_EQ(sink.authority(), "127.0.0.1:" + std::to_string(sink.port()));
    EXPECT_EQ(sink.last_sequence(), 0u);
    auto data = test::synapse_message();
    data.insert(data.find("\r\n\r\n") + 2, "X-Dots: yes\r\n");
    data += ".a line that starts with a dot\r\n";
    auto before = std::chrono::system_clock::now();
    auto receipt = net::send_mail(target_of(sink),
                                  net::MailMessage{"noreply@hs.example", {"alice@example.org", "Bob@Example.org"}, data});
    ASSERT_TRUE(receipt.ok()) << receipt.failure().describe();
    EXPECT_TRUE(receipt->reply.starts_with("250 ")) << receipt->reply;

    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    const auto& mail = messages[0];
    EXPECT_EQ(mail.sequence, 1u);
    EXPECT_EQ(sink.last_sequence(), 1u);
    EXPECT_EQ(mail.mail_from, "noreply@hs.example");
    EXPECT_EQ(mail.recipients, (std::vector<std::string>{"alice@example.org", "Bob@Example.org"}));
    EXPECT_EQ(mail.raw, data);
    EXPECT_EQ(mail.subject, "Validez votre adresse – café");
    EXPECT_NE(mail.text_body.find("café"), std::string::npos);
    EXPECT_NE(mail.html_body.find("<a href="), std::string::npos);
    ASSERT_TRUE(mail.validation);
    EXPECT_EQ(mail.validation->token, "abc123");
    EXPECT_EQ(mail.validation->client_secret, "s3cr3t");
    EXPECT_EQ(mail.validation->sid, "42");
    EXPECT_GE(mail.received_at, before);
    EXPECT_TRUE(sink.messages_since(1).empty());
    EXPECT_EQ(sink.messages_since(0).size(), 1u);
}

TEST(SmtpSink, SendMailNormalisesLineEndsAndStuffsDots) {
    SmtpSink sink;
    auto receipt = net::send_mail(target_of(sink),
                                  net::MailMessage{"a@b", {"c@d"}, "Subject: x\n\n.\n..\nlast line without end"});
    ASSERT_TRUE(receipt.ok()) << receipt.failure().describe();
    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].raw, "Subject: x\r\n\r\n.\r\n..\r\nlast line without end\r\n");
}

TEST(SmtpSink, WaitForMessageIsBounded) {
    SmtpSink sink;
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(sink.wait_for_message(0, 100ms));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    std::thread sender([&] { net::send_mail(target_of(sink), small_message()); });
    auto mail = sink.wait_for_message(0, 5s);
    sender.join();
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->text_body, "small body\n");
}

TEST(SmtpSink, KeepsAtMostMaxKeptMessagesAndResetKeepsCounting) {
    Limits limits;
    limits.max_kept_messages = 3;
    SmtpSink sink({}, limits);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(net::send_mail(target_of(sink), small_message()).ok());
    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0].sequence, 3u);
    EXPECT_EQ(messages[2].sequence, 5u);
    EXPECT_EQ(sink.messages_since(4).size(), 1u);
    sink.reset();
    EXPECT_TRUE(sink.messages().empty());
    EXPECT_EQ(sink.last_sequence(), 5u);
    ASSERT_TRUE(net::send_mail(target_of(sink), small_message()).ok());
    ASSERT_EQ(sink.messages().size(), 1u);
    EXPECT_EQ(sink.messages()[0].sequence, 6u);
}

TEST(SmtpSink, ConcurrentSendersAreAllRecorded) {
    SmtpSink sink;
    std::vector<std::thread> senders;
    std::atomic<int> delivered{0};
    for (int i = 0; i < 8; ++i)
        senders.emplace_back([&, i] {
            for (int j = 0; j < 5; ++j)
                if (net::send_mail(target_of(sink), small_message("u" + std::to_string(i) + "@x")).ok()) ++delivered;
        });
    for (auto& sender : senders) sender.join();
    EXPECT_EQ(delivered.load(), 40);
    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 40u);
    for (std::size_t i = 0; i < messages.size(); ++i) EXPECT_EQ(messages[i].sequence, i + 1);
}

TEST(SmtpSink, OversizedMessageIsRefusedAndTheSinkGoesOn) {
    Limits limits;
    limits.max_message_bytes = 1000;
    SmtpSink sink({}, limits);
    auto big = small_message();
    big.data = "Subject: big\r\n\r\n" + std::string(3000, 'x') + "\r\n";
    auto refused = net::send_mail(target_of(sink), big);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.failure().error, net::TransportError::malformed_response);
    EXPECT_NE(refused.failure().detail.find("552"), std::string::npos) << refused.failure().detail;
    EXPECT_NE(refused.failure().detail.find("message data"), std::string::npos) << refused.failure().detail;
    EXPECT_TRUE(sink.messages().empty());
    ASSERT_TRUE(net::send_mail(target_of(sink), small_message()).ok());
    EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(SmtpSink, TooManyRecipientsIsAFailureNamingTheCommand) {
    Limits limits;
    limits.max_recipients = 1;
    SmtpSink sink({}, limits);
    auto outcome = net::send_mail(target_of(sink), net::MailMessage{"a@b", {"one@x", "two@x"}, "x\r\n"});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::malformed_response);
    EXPECT_NE(outcome.failure().detail.find("RCPT TO:<two@x>"), std::string::npos) << outcome.failure().detail;
    EXPECT_NE(outcome.failure().detail.find("452"), std::string::npos) << outcome.failure().detail;
    EXPECT_TRUE(sink.messages().empty());
}

TEST(SmtpSink, ConnectionLimitClosesExtraConnections) {
    Limits limits;
    limits.max_connections = 1;
    SmtpSink sink({}, limits);
    RawClient holder(sink.port());
    EXPECT_TRUE(holder.read_until("\r\n").data.starts_with("220 "));
    RawClient extra(sink.port());
    auto read = extra.read_to_close(2s);
    EXPECT_TRUE(read.closed);
    EXPECT_EQ(read.data, "");
    auto outcome = net::send_mail(target_of(sink), small_message(), net::SmtpTimeouts{2s, 2s});
    EXPECT_FALSE(outcome.ok());
    holder.send("QUIT\r\n");
    EXPECT_TRUE(holder.read_to_close().closed);
    bool sent = false;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!sent && std::chrono::steady_clock::now() < deadline) {
        sent = net::send_mail(target_of(sink), small_message(), net::SmtpTimeouts{2s, 2s}).ok();
        if (!sent) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(sent);
}

TEST(SmtpSink, IdleConnectionIsClosedAfterTheTimeout) {
    Limits limits;
    limits.idle_timeout = 200ms;
    SmtpSink sink({}, limits);
    RawClient client(sink.port());
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(client.read_until("\r\n").data.starts_with("220 "));
    client.send("EHLO c\r\n");
    client.read_until("250 ");
    auto read = client.read_to_close(5s);
    EXPECT_TRUE(read.closed);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(SmtpSink, GarbageAndADisconnectMidDataLeaveItWorking) {
    SmtpSink sink;
    {
        RawClient client(sink.port());
        client.read_until("\r\n");
        client.send("EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
        client.read_until("354 ");
        std::mt19937 random(99);
        std::string garbage(20000, '\0');
        for (auto& b : garbage) b = static_cast<char>(random() % 256);
        client.send("Subject: cut\r\n\r\n");
        client.send(garbage);
    }
    {
        RawClient client(sink.port());
        client.read_until("\r\n");
        std::mt19937 random(100);
        std::string garbage(5000, '\0');
        for (auto& b : garbage) b = static_cast<char>(random() % 256);
        client.send(garbage + "\r\n");
        auto read = client.read_until("\r\n");
        EXPECT_TRUE(read.data.starts_with("5")) << read.data;
    }
    ASSERT_TRUE(net::send_mail(target_of(sink), small_message()).ok());
    auto messages = sink.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].subject, "small");
}

TEST(SendMail, FallsBackToHeloWhenEhloIsRefused) {
    net::StreamServer server([](const std::string&) { return std::make_unique<HeloOnly>(); });
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", server.port(), "c"}, small_message());
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_TRUE(HeloOnly::ehlo_refused.load());
}

TEST(SendMail, UnexpectedGreetingIsAMalformedResponse) {
    net::StreamServer server([](const std::string&) { return std::make_unique<Fixed>("554 go away\r\n"); });
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", server.port(), "c"}, small_message());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::malformed_response);
    EXPECT_NE(outcome.failure().detail.find("554 go away"), std::string::npos) << outcome.failure().detail;
}

TEST(SendMail, NotSmtpIsAMalformedResponse) {
    net::StreamServer server([](const std::string&) { return std::make_unique<Fixed>("HTTP/1.1 400 Bad\r\n"); });
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", server.port(), "c"}, small_message());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::malformed_response);
}

TEST(SendMail, SilentServerTimesOut) {
    net::StreamServer server([](const std::string&) { return std::make_unique<Fixed>(""); });
    auto start = std::chrono::steady_clock::now();
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", server.port(), "c"}, small_message(),
                                  net::SmtpTimeouts{1s, 200ms});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(SendMail, EndlessReplyLineIsRefused) {
    net::StreamServer server([](const std::string&) { return std::make_unique<Fixed>("220" + std::string(100000, '-')); });
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", server.port(), "c"}, small_message(),
                                  net::SmtpTimeouts{1s, 2s});
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::response_too_large);
}

TEST(SendMail, RefusedConnectionAndBadArguments) {
    auto outcome = net::send_mail(net::SmtpTarget{"127.0.0.1", 1, "c"}, small_message());
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, net::TransportError::connect_failed);
    SmtpSink sink;
    EXPECT_FALSE(net::send_mail(target_of(sink), net::MailMessage{"a@b", {}, "x"}).ok());
    EXPECT_FALSE(net::send_mail(target_of(sink), net::MailMessage{"a@b", {"c@d>\r\nRSET"}, "x"}).ok());
    EXPECT_TRUE(sink.messages().empty());
}
