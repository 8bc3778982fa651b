#include "engine/side_channel.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/client.hpp"
#include "net/smtp_client.hpp"
#include "tests/engine/addresses.hpp"

using namespace mx3pid;
using engine::CaseIdentity;
using engine::SideChannel;
using engine::testing::email;

namespace {

/// What a homeserver proxying a requestToken sends the identity server.
void request_token(mock_identity::IdentityServer& server, const std::string& address, const std::string& secret,
                   int send_attempt = 1) {
    net::Request request{"POST", "/_matrix/identity/api/v1/validate/email/requestToken",
                         {{"Content-Type", "application/json"}},
                         nlohmann::json{{"email", address}, {"client_secret", secret}, {"send_attempt", send_attempt}}.dump(),
                         ""};
    auto outcome = net::send(*net::Url::parse(server.base_url()), request);
    ASSERT_TRUE(outcome) << outcome.failure().describe();
    ASSERT_EQ(outcome->status, 200) << outcome->body;
}

void mail(smtp_sink::SmtpSink& sink, const std::string& to, const std::string& link) {
    std::string data = "From: hs@example.org\r\nTo: <" + to + ">\r\nSubject: Validate\r\n\r\n" +
                       (link.empty() ? std::string("Someone tried to use your address.") : "Follow " + link) + "\r\n";
    auto receipt = net::send_mail({"127.0.0.1", sink.port()}, {"hs@example.org", {to}, data});
    ASSERT_TRUE(receipt.ok()) << receipt.failure().describe();
}

struct SideChannelTest : ::testing::Test {
    mock_identity::IdentityServer trusted;
    mock_identity::IdentityServer decoy;
    smtp_sink::SmtpSink sink;
};

}  // namespace

TEST_F(SideChannelTest, ArrivalsGoToTheCaseTheyCarryWhateverTheOrder) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"first", email("one@allowed.example"), {"secret-one"}});
    side.watch(1, CaseIdentity{"second", email("two@allowed.example"), {"secret-two"}});
    request_token(trusted, "two@allowed.example", "secret-two");
    request_token(trusted, "one@allowed.example", "secret-one");
    request_token(decoy, "one@allowed.example", "secret-one");
    auto first = side.observe(0);
    auto second = side.observe(1);
    EXPECT_EQ(first.trusted.size(), 1u);
    EXPECT_EQ(first.decoy_request_tokens(), 1u);
    EXPECT_EQ(first.tokens_delivered(), 2u) << "the identity servers each sent one message";
    EXPECT_EQ(second.trusted.size(), 1u);
    EXPECT_EQ(second.decoy.size(), 0u);
    EXPECT_EQ(second.tokens_delivered(), 1u);
    EXPECT_TRUE(side.unattributed().empty());
}

TEST_F(SideChannelTest, ASharedAddressIsToldApartBySecretOrSid) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"register", email("taken@allowed.example"), {"secret-a"}});
    side.watch(1, CaseIdentity{"password", email("taken@allowed.example"), {"secret-b"}});
    side.learn_sid(1, "sid-of-b");
    mail(sink, "taken@allowed.example", "http://hs.invalid/validate?token=tok1&sid=sid-of-b");
    mail(sink, "taken@allowed.example", "http://hs.invalid/validate?token=tok2&client_secret=secret-a&sid=x");
    EXPECT_EQ(side.observe(0).mails.size(), 1u);
    EXPECT_EQ(side.observe(0).tokens_delivered(), 1u);
    EXPECT_EQ(side.observe(1).mails.size(), 1u);
    EXPECT_EQ(side.observe(1).mails.front().validation->token, "tok1");
}

TEST_F(SideChannelTest, ANoticeWithoutATokenIsAMessageButNoToken) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"duplicate", email("taken@allowed.example"), {"secret-a"}});
    mail(sink, "taken@allowed.example", "");
    auto seen = side.observe(0);
    EXPECT_EQ(seen.mails.size(), 1u);
    EXPECT_EQ(seen.tokens_delivered(), 0u);
}

TEST_F(SideChannelTest, WhatComesAfterCloseIsStillItsCasesAndHandedOverOnce) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"register/email/valid", email("one@allowed.example"), {"secret-one"}});
    side.watch(1, CaseIdentity{"register/email/repeat", email("two@allowed.example"), {"secret-two"}});
    auto probe = net::send(*net::Url::parse(trusted.base_url()), net::Request{"GET", "/_matrix/identity/versions", {}, "", ""});
    ASSERT_TRUE(probe);
    EXPECT_TRUE(side.unattributed().empty()) << "a probe is nobody's traffic";
    side.close(0);
    request_token(trusted, "one@allowed.example", "secret-one");
    EXPECT_EQ(side.observe(1).trusted.size(), 0u) << "the open case gets nothing that names another";
    EXPECT_EQ(side.observe(0).trusted.size(), 1u) << "a closed case still gets what names it";
    auto late = side.late_arrivals();
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].id, 0u);
    ASSERT_EQ(late[0].arrivals.size(), 2u);  // the request, and the identity server's message
    EXPECT_NE(late[0].arrivals[0].find("a request to the identity server"), std::string::npos) << late[0].arrivals[0];
    EXPECT_TRUE(side.late_arrivals().empty()) << "handed over once";
    EXPECT_TRUE(side.unattributed().empty());
}

TEST_F(SideChannelTest, WhatNoKeyPlacesIsUnattributedWithTheReason) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"register/email/duplicate", email("taken@allowed.example"), {"secret-a"}, "", "the profile's bound email address"});
    side.watch(1, CaseIdentity{"password/email/valid", email("taken@allowed.example"), {"secret-b"}, "", "the profile's bound email address"});
    mail(sink, "stranger@allowed.example", "http://hs.invalid/validate?token=t&sid=s");
    mail(sink, "taken@allowed.example", "");
    EXPECT_TRUE(side.observe(0).mails.empty());
    EXPECT_TRUE(side.observe(1).mails.empty());
    auto unattributed = side.unattributed();
    ASSERT_EQ(unattributed.size(), 2u);
    EXPECT_NE(unattributed[0].what.find("a mail to stranger@allowed.example"), std::string::npos) << unattributed[0].what;
    EXPECT_EQ(unattributed[0].carried, "sid s, email stranger@allowed.example");
    EXPECT_EQ(unattributed[0].reason, "no case sent, or was told, anything it carried");
    EXPECT_NE(unattributed[1].reason.find("the profile's bound email address, which several cases share"), std::string::npos)
        << unattributed[1].reason;
}

TEST_F(SideChannelTest, TheCasesOwnNextLinkOutweighsASecretAnotherCaseSent) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"first", email("taken@allowed.example"), {"shared-secret"}, "https://client.invalid/first", "the bound"});
    side.watch(1, CaseIdentity{"second", email("taken@allowed.example"), {"shared-secret"}, "https://client.invalid/second", "the bound"});
    net::Request request{"POST", "/_matrix/identity/api/v1/validate/email/requestToken",
                         {{"Content-Type", "application/json"}},
                         nlohmann::json{{"email", "taken@allowed.example"}, {"client_secret", "shared-secret"}, {"send_attempt", 1},
                                        {"next_link", "https://client.invalid/second"}}.dump(),
                         ""};
    ASSERT_TRUE(net::send(*net::Url::parse(trusted.base_url()), request));
    EXPECT_EQ(side.observe(0).trusted.size(), 0u);
    EXPECT_EQ(side.observe(1).trusted.size(), 1u);
    EXPECT_EQ(side.observe(1).messages.size(), 1u) << "the identity server's message carries the next_link too";
}

TEST_F(SideChannelTest, TheSameBodyForwardedTwiceCountsOnce) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"register/email/valid", email("one@allowed.example"), {"secret-one"}});
    request_token(trusted, "one@allowed.example", "secret-one", 3);
    request_token(trusted, "one@allowed.example", "secret-one", 3);
    auto seen = side.observe(0);
    EXPECT_EQ(seen.trusted.size(), 2u);
    EXPECT_EQ(seen.distinct_forwards().size(), 1u);
    EXPECT_EQ(seen.tokens_delivered(), 1u) << "the identity server sends nothing for a repeated send_attempt";
    request_token(trusted, "one@allowed.example", "secret-one", 4);
    EXPECT_EQ(side.observe(0).distinct_forwards().size(), 2u);
}

TEST_F(SideChannelTest, AnUnmatchedArrivalIsPlacedOnceItsCaseIsKnown) {
    SideChannel side(trusted, decoy, &sink);
    side.watch(0, CaseIdentity{"first", email("one@allowed.example"), {"secret-one"}});
    mail(sink, "taken@allowed.example", "http://hs.invalid/validate?token=t&sid=late-sid");
    side.watch(1, CaseIdentity{"second", email("taken@allowed.example"), {"secret-two"}});
    side.watch(2, CaseIdentity{"third", email("taken@allowed.example"), {"secret-three"}});
    EXPECT_EQ(side.observe(2).mails.size(), 0u) << "two cases share the address: the sid decides";
    side.learn_sid(2, "late-sid");
    EXPECT_EQ(side.observe(2).mails.size(), 1u);
    EXPECT_TRUE(side.unattributed().empty());
}

TEST_F(SideChannelTest, TrafficOfTheRunsOwnSetUpIsNoCasesAndNoWarning) {
    SideChannel side(trusted, decoy, &sink, true, "https://client.mx3pid.invalid/validated/abc123/");
    side.watch(0, CaseIdentity{"register/email/valid", email("one@allowed.example"), {"secret-one"},
                               "https://client.mx3pid.invalid/validated/abc123/register-email-valid"});
    auto forward = [&](const std::string& next_link) {
        net::Request request{"POST", "/_matrix/identity/api/v1/validate/email/requestToken", {{"Content-Type", "application/json"}},
                             nlohmann::json{{"email", "taken@allowed.example"}, {"client_secret", "setup-secret"}, {"send_attempt", 1},
                                            {"next_link", next_link}}.dump(),
                             ""};
        ASSERT_TRUE(net::send(*net::Url::parse(trusted.base_url()), request));
    };
    forward("https://client.mx3pid.invalid/validated/abc123/setup-register-email");
    forward("https://client.mx3pid.invalid/validated/other-run/setup-register-email");
    EXPECT_TRUE(side.observe(0).trusted.empty());
    auto unattributed = side.unattributed();
    // The set-up's request and the message it caused are nobody's; the stranger's request (a repeat of
    // the same secret and send_attempt, so no message) is unattributed.
    ASSERT_EQ(unattributed.size(), 1u);
    EXPECT_NE(unattributed[0].carried.find("other-run"), std::string::npos) << unattributed[0].carried;
}
