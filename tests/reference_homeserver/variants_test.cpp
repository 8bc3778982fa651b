// Each variant's own answers at the HTTP level, independent of the harness's verdicts: what it does
// differently from the reference, and that it does nothing else differently where that matters.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "reference_homeserver/detail/state.hpp"
#include "smtp_sink/detail/mail.hpp"
#include "spec/grammar.hpp"
#include "tests/reference_homeserver/service.hpp"

using namespace mx3pid;
using namespace mx3pid::reference_homeserver;
using namespace mx3pid::reference_homeserver::testing;
using namespace std::chrono_literals;
using spec::Validation;
using Clock = std::chrono::steady_clock;

namespace {

const char* v3 = "/_matrix/client/v3";

/// Polls `condition` every 10 ms for at most `bound`.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 3s) {
    const auto until = Clock::now() + bound;
    while (Clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

Config self_config(const std::string& edition = "v1.11") { return base_config(edition, Validation::self, Validation::delegate); }

/// The validation link in a mail as the SMTP sink reads it, or empty.
std::string link_in(const Mail& mail) {
    auto read = smtp_sink::detail::read_mail(mail.text);
    return read.validation ? read.validation->url : "";
}

std::string path_of(const std::string& url) { return url.substr(url.find('/', url.find("://") + 3)); }

}  // namespace

TEST(MailsBeforeAnswering, TheMailIsOutWhenTheAnswerComesAQuarterSecondLater) {
    Service service(self_config(), "mails-before-answering");
    const auto start = Clock::now();
    auto answer = service.post("/register/email/requestToken", email_request("new@allowed.example"), v3);
    EXPECT_EQ(answer.status, 200);
    EXPECT_GE(Clock::now() - start, 250ms);
    EXPECT_EQ(service.recorder().sent().size(), 1u);
}

TEST(ForwardsMalformed, RelaysTheIdentityServersRefusalOfAMalformedBody) {
    Service service(base_config("r0.4.0", Validation::delegate, Validation::delegate), "forwards-malformed");
    service.identity_status = 400;
    service.identity_body = R"({"errcode":"M_MISSING_PARAMS","error":"missing parameters: client_secret"})";
    auto request = email_request("new@allowed.example");
    request.erase("client_secret");
    auto answer = service.post("/register/email/requestToken", request);
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(errcode(answer), "M_MISSING_PARAMS");
    auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].url, "http://delegate.test:2/_matrix/identity/api/v1/validate/email/requestToken");
    EXPECT_EQ(posts[0].body, request);
    // The homeserver's own requirement (id_server before r0.6.0) is not the identity server's to judge.
    auto no_id_server = email_request("new@allowed.example");
    no_id_server.erase("id_server");
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", no_id_server)), "M_MISSING_PARAM");
    EXPECT_EQ(service.recorder().posts().size(), 1u);
}

TEST(ForwardsMalformed, NeverForwardsToAnIdentityServerItDoesNotTrust) {
    Service service(base_config("r0.4.0"), "forwards-malformed");
    auto request = email_request("new@allowed.example");
    request["send_attempt"] = "one";
    request["id_server"] = "elsewhere.test:3";
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", request)), "M_INVALID_PARAM");
    EXPECT_TRUE(service.recorder().posts().empty());
    // What the identity server accepts is still refused as the reference would.
    request["id_server"] = "id.test:1";
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", request)), "M_INVALID_PARAM");
}

TEST(BadJson, EveryInputErrorIsBadJsonUnlessTheEditionNamesAnother) {
    Service service(base_config("v1.13"), "bad-json");
    auto missing = email_request("new@allowed.example");
    missing.erase("send_attempt");
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", missing, v3)), "M_BAD_JSON");
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", email_request("not-an-address"), v3)), "M_BAD_JSON");
    EXPECT_EQ(errcode(service.post("/account/3pid/email/requestToken", email_request("not-an-address"), v3)), "M_INVALID_PARAM");
    EXPECT_EQ(errcode(service.post_raw("/register/email/requestToken", "{", v3)), "M_NOT_JSON");
    EXPECT_EQ(errcode(service.post("/register/email/requestToken", email_request("taken@allowed.example"), v3)),
              "M_THREEPID_IN_USE");
}

TEST(NewSidOnRepeat, ARepeatGetsANewSidAndNoMailAndEitherSidValidates) {
    Service service(self_config(), "new-sid-on-repeat");
    auto first = body_of(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3));
    auto repeat = body_of(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3));
    ASSERT_TRUE(first["sid"].is_string() && repeat["sid"].is_string());
    EXPECT_NE(first["sid"], repeat["sid"]);
    EXPECT_TRUE(spec::is_valid_sid(repeat["sid"].get<std::string>()));
    auto mails = service.recorder().sent();
    ASSERT_EQ(mails.size(), 1u);
    auto token = smtp_sink::detail::read_mail(mails[0].text).validation->token;
    for (const auto& sid : {first["sid"], repeat["sid"]}) {
        nlohmann::json submit{{"sid", sid}, {"client_secret", "secret-1"}, {"token", token}};
        auto answer = service.post_raw("", submit.dump(), "/_matrix/client/unstable/mx3pid/submit_token");
        EXPECT_EQ(answer.status, 200) << answer.body;
    }
}

TEST(PasswordUnknownNotice, AnUnknownAddressGets200AndANoticeWithoutAToken) {
    Service service(self_config(), "password-unknown-notice");
    auto answer = service.post("/account/password/email/requestToken", email_request("nobody@allowed.example"), v3);
    EXPECT_EQ(answer.status, 200);
    auto mails = service.recorder().sent();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].to, "nobody@allowed.example");
    EXPECT_FALSE(smtp_sink::detail::read_mail(mails[0].text).validation.has_value());
    // A denied address is still refused, and msisdn (delegated) is answered as by the reference.
    EXPECT_EQ(errcode(service.post("/account/password/email/requestToken", email_request("x@denied.example"), v3)),
              "M_THREEPID_DENIED");
    EXPECT_EQ(errcode(service.post("/account/password/msisdn/requestToken", msisdn_request("GB", "7700900999"), v3)),
              "M_THREEPID_NOT_FOUND");
}

TEST(ProxyV2, UsesTheV2ApiWhereTheReferenceStillUsesV1) {
    for (auto validation : {Validation::proxy, Validation::delegate}) {
        Service service(base_config("r0.6.1", validation, validation), "proxy-v2");
        EXPECT_EQ(service.post("/register/email/requestToken", email_request("new@allowed.example")).status, 200);
        auto posts = service.recorder().posts();
        ASSERT_EQ(posts.size(), 1u);
        EXPECT_NE(posts[0].url.find("/_matrix/identity/v2/validate/email/requestToken"), std::string::npos);
        EXPECT_EQ(posts[0].bearer, "own-token");
    }
}

TEST(ExtraFields, EveryJsonAnswerCarriesAnExtraFieldBesideWhatTheSpecSays) {
    Service service(base_config("r0.4.0"), "extra-fields");
    auto ok = body_of(service.post("/register/email/requestToken", email_request("new@allowed.example")));
    EXPECT_EQ(ok["sid"], "is-sid-1");
    EXPECT_TRUE(ok.contains("org.mx3pid.extra"));
    auto refused = body_of(service.post("/register/email/requestToken", email_request("x@denied.example")));
    EXPECT_EQ(refused["errcode"], "M_THREEPID_DENIED");
    EXPECT_TRUE(refused["error"].is_string());
    EXPECT_TRUE(refused.contains("org.mx3pid.extra"));
}

TEST(CharsetUtf8, JsonAnswersNameTheirCharset) {
    Service service(base_config("v1.11"), "charset-utf8");
    EXPECT_EQ(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3).header("Content-Type"),
              "application/json; charset=utf-8");
    EXPECT_EQ(service.post_raw("/register/email/requestToken", "{", v3).header("Content-Type"), "application/json; charset=utf-8");
}

TEST(MsisdnSubmitElsewhere, DelegatedMsisdnGetsASubmitUrlThatPassesTheCodeOn) {
    Service service(base_config("v1.11", Validation::delegate, Validation::delegate), "msisdn-submit-elsewhere");
    auto answer = body_of(service.post("/register/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3));
    ASSERT_TRUE(answer.contains("submit_url")) << answer;
    EXPECT_EQ(answer["submit_url"], "http://hs.test/_matrix/client/unstable/mx3pid/msisdn/submit");
    EXPECT_FALSE(body_of(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3)).contains("submit_url"));
    service.identity_body = R"({"success":true})";
    nlohmann::json code{{"sid", answer["sid"]}, {"client_secret", "secret-1"}, {"token", "123456"}};
    auto submitted = service.post_raw("", code.dump(), "/_matrix/client/unstable/mx3pid/msisdn/submit");
    EXPECT_EQ(submitted.status, 200);
    EXPECT_EQ(body_of(submitted)["success"], true);
    auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 3u);
    EXPECT_EQ(posts[2].url, "http://delegate.test:2/_matrix/identity/v2/validate/msisdn/submitToken");
    EXPECT_EQ(posts[2].body, code);
}

TEST(DelegateIgnoresIdServer, NeitherRequiresNorReadsIdServer) {
    Service service(base_config("r0.5.0", Validation::delegate, Validation::delegate), "delegate-ignores-id-server");
    auto request = email_request("new@allowed.example");
    request.erase("id_server");
    EXPECT_EQ(service.post("/register/email/requestToken", request).status, 200);
    request["id_server"] = 5;
    EXPECT_EQ(service.post("/register/email/requestToken", request).status, 200);
    for (const auto& post : service.recorder().posts()) EXPECT_EQ(post.url.rfind("http://delegate.test:2/", 0), 0u);
}

TEST(MediumUnsupported, AddingAPhoneNumberIsRefusedWithTheV113Errcode) {
    // Without unsupported_3pid_media in its config.
    Service service(base_config("v1.13", Validation::delegate, Validation::delegate), "3pid-msisdn-unsupported");
    expect_only_3pid_msisdn_unsupported(service);
}

TEST(EnumerationRandomDelay, TheConcealedAnswerComesLateAndSendsNoToken) {
    auto config = self_config();
    config.enumeration_protection = true;
    Service service(config, "enumeration-random-delay");
    const auto start = Clock::now();
    auto answer = service.post("/register/email/requestToken", email_request("taken@allowed.example"), v3);
    EXPECT_EQ(answer.status, 200);
    EXPECT_GE(Clock::now() - start, 100ms);
    auto mails = service.recorder().sent();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_FALSE(smtp_sink::detail::read_mail(mails[0].text).validation.has_value());
}

TEST(LinkOnly, SelfValidationAnswersNoSubmitUrl) {
    Service service(self_config(), "link-only");
    auto answer = body_of(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3));
    EXPECT_TRUE(answer["sid"].is_string());
    EXPECT_FALSE(answer.contains("submit_url"));
    EXPECT_EQ(service.get(path_of(link_in(service.recorder().sent().at(0)))).status, 200);
}

TEST(LongSid, SidsAre255CharactersOfTheWholeGrammar) {
    Service service(self_config(), "long-sid");
    auto sid = body_of(service.post("/register/email/requestToken", email_request("new@allowed.example"), v3))["sid"].get<std::string>();
    EXPECT_EQ(sid.size(), 255u);
    EXPECT_TRUE(spec::is_valid_sid(sid));
    EXPECT_NE(sid.find_first_of(".=_-"), std::string::npos);
    auto mailed = smtp_sink::detail::read_mail(service.recorder().sent().at(0).text);
    ASSERT_TRUE(mailed.validation);
    EXPECT_EQ(mailed.validation->sid, sid);
}

TEST(MultipartMail, TheSinkFindsTheLinkInBase64MultipartAlternative) {
    Service service(self_config(), "multipart-mail");
    service.post("/register/email/requestToken", email_request("new@allowed.example"), v3);
    auto mail = service.recorder().sent().at(0);
    EXPECT_NE(mail.text.find("multipart/alternative"), std::string::npos);
    EXPECT_NE(mail.text.find("Content-Transfer-Encoding: base64"), std::string::npos);
    EXPECT_EQ(mail.text.find("submit_token"), std::string::npos) << "the link is only in the encoded parts";
    auto link = link_in(mail);
    ASSERT_FALSE(link.empty());
    EXPECT_EQ(service.get(path_of(link)).status, 200);
}

TEST(Scheduler, RunsTasksInTimeOrderAndDropsWhatIsPendingWhenItGoes) {
    std::mutex mutex;
    std::vector<int> ran;
    auto record = [&](int n) {
        return [&, n] {
            std::lock_guard lock(mutex);
            ran.push_back(n);
        };
    };
    {
        detail::Scheduler scheduler(3);
        EXPECT_TRUE(scheduler.after(60ms, record(2)));
        EXPECT_TRUE(scheduler.after(10ms, record(1)));
        EXPECT_TRUE(scheduler.after(10min, record(3)));
        EXPECT_FALSE(scheduler.after(0ms, record(4))) << "a full scheduler refuses";
        ASSERT_TRUE(eventually([&] {
            std::lock_guard lock(mutex);
            return ran.size() == 2;
        }));
    }  // the ten-minute task is dropped, and the thread joined, here
    EXPECT_EQ(ran, (std::vector<int>{1, 2}));
}

TEST(MediumUnsupportedAsDenied, RefusesTheUnsupportedMediumAsADeniedAddress) {
    auto config = base_config("v1.13", Validation::delegate, Validation::delegate);
    config.unsupported_3pid_media = {"msisdn"};
    Service service(config, "medium-unsupported-as-denied");
    auto add = service.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3);
    EXPECT_EQ(add.status, 403);
    EXPECT_EQ(errcode(add), "M_THREEPID_DENIED");
    EXPECT_EQ(service.post("/account/3pid/email/requestToken", email_request("new@allowed.example"), v3).status, 200);
}

TEST(RequiresIdAccessToken, RefusesIdServerWithoutTokenOnly) {
    Service service(base_config("r0.6.1"), "requires-id-access-token");
    auto refused = service.post("/register/email/requestToken", email_request("new@allowed.example"));
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(errcode(refused), "M_MISSING_PARAM");
    EXPECT_TRUE(service.recorder().posts().empty());
    auto with_token = email_request("new@allowed.example");
    with_token["id_access_token"] = "client-token";
    EXPECT_EQ(service.post("/register/email/requestToken", with_token).status, 200);
    // r0.6.x documents neither field on password/msisdn.
    EXPECT_EQ(service.post("/account/password/msisdn/requestToken", msisdn_request("GB", "7700900001")).status, 200);
}

TEST(LateMail, AnswersFirstAndMailsAfterwards) {
    Service service(self_config(), "late-mail");
    const auto start = Clock::now();
    auto answer = service.post("/register/email/requestToken", email_request("new@allowed.example"), v3);
    EXPECT_EQ(answer.status, 200);
    EXPECT_TRUE(service.recorder().sent().empty());
    ASSERT_TRUE(eventually([&] { return service.recorder().sent().size() == 1; }));
    EXPECT_GE(Clock::now() - start, 300ms);
    auto link = link_in(service.recorder().sent()[0]);
    EXPECT_EQ(service.get(path_of(link)).status, 200);
    EXPECT_EQ(find_variant("late-mail")->grace, 1000ms);
}

TEST(SecondMailAfterRepeat, ARepeatIsAnsweredRightAndMailedAgainLater) {
    Service service(self_config(), "second-mail-after-repeat");
    service.post("/register/email/requestToken", email_request("new@allowed.example"), v3);
    auto repeat = service.post("/register/email/requestToken", email_request("new@allowed.example"), v3);
    EXPECT_EQ(repeat.status, 200);
    EXPECT_EQ(service.recorder().sent().size(), 1u);
    ASSERT_TRUE(eventually([&] { return service.recorder().sent().size() == 2; }));
    EXPECT_FALSE(link_in(service.recorder().sent()[1]).empty());
    // A resend (a greater send_attempt) mails once, as the reference does.
    service.post("/register/email/requestToken", email_request("new@allowed.example", "secret-1", 2), v3);
    EXPECT_EQ(service.recorder().sent().size(), 3u);
}

TEST(RateLimitedPerMedium, LimitsEachMediumOnItsOwnBeyondAnyWait) {
    Service service(base_config("v1.11"), "rate-limited-per-medium");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(service.post("/register/email/requestToken", email_request("new@allowed.example", "s" + std::to_string(i)), v3).status, 200);
    auto limited = service.post("/register/email/requestToken", email_request("new@allowed.example", "s9"), v3);
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(errcode(limited), "M_LIMIT_EXCEEDED");
    EXPECT_EQ(limited.header("Retry-After"), "7200");
    EXPECT_EQ(service.post("/register/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3).status, 200);
    // A malformed body is still refused for what it is.
    EXPECT_EQ(errcode(service.post_raw("/register/email/requestToken", "{", v3)), "M_NOT_JSON");
}

TEST(MediumUnsupportedFaults, ABareTextRefusalAndARefusalAfterSending) {
    auto config = base_config("v1.13", Validation::delegate, Validation::delegate);
    config.unsupported_3pid_media = {"msisdn"};
    Service bare(config, "medium-unsupported-bare");
    auto text = bare.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3);
    EXPECT_EQ(text.status, 400);
    EXPECT_EQ(body_of(text), (nlohmann::json{{"errcode", 5}}));
    EXPECT_EQ(text.header("Content-Type").value_or("").rfind("text/plain", 0), 0u);
    Service words(config, "medium-unsupported-text");
    EXPECT_TRUE(body_of(words.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3)).is_discarded());
    Service sends(config, "medium-unsupported-still-sends");
    auto refused = sends.post("/account/3pid/msisdn/requestToken", msisdn_request("GB", "7700900123"), v3);
    EXPECT_EQ(errcode(refused), "M_THREEPID_MEDIUM_NOT_SUPPORTED");
    ASSERT_EQ(sends.recorder().posts().size(), 1u) << "the validation went out all the same";
    EXPECT_NE(sends.recorder().posts()[0].url.find("/validate/msisdn/requestToken"), std::string::npos);
}

TEST(ForwardsLate, ForwardsThenTheVerySameBodyAgainAfterAnswering) {
    Service service(base_config("r0.5.0"), "forwards-late");
    auto request = email_request("new@allowed.example");
    request["next_link"] = "https://client.test/after";
    auto answer = service.post("/register/email/requestToken", request);
    EXPECT_EQ(answer.status, 200);
    ASSERT_EQ(service.recorder().posts().size(), 1u) << "the answer waits for the first forward only";
    ASSERT_TRUE(eventually([&] { return service.recorder().posts().size() == 2; }));
    const auto posts = service.recorder().posts();
    EXPECT_EQ(posts[1].url, posts[0].url);
    EXPECT_EQ(posts[1].body, posts[0].body) << "same secret, same send_attempt, same next_link";
    EXPECT_EQ(posts[0].body["next_link"], "https://client.test/after");
    EXPECT_EQ(find_variant("forwards-late")->grace, 1000ms);
}

TEST(ForwardsRefusedLate, RefusesAsItShouldThenForwardsTheRefusedRequestAnyway) {
    Service service(base_config("r0.5.0"), "forwards-refused-late");
    auto denied = service.post("/register/email/requestToken", email_request("someone@denied.example"));
    EXPECT_EQ(errcode(denied), "M_THREEPID_DENIED");
    auto in_use = service.post("/register/email/requestToken", email_request("taken@allowed.example", "secret-2"));
    EXPECT_EQ(errcode(in_use), "M_THREEPID_IN_USE");
    auto untrusted_request = email_request("new@allowed.example", "secret-3");
    untrusted_request["id_server"] = "evil.test:9";
    auto untrusted = service.post("/register/email/requestToken", untrusted_request);
    EXPECT_EQ(errcode(untrusted), "M_SERVER_NOT_TRUSTED");
    auto unknown = service.post("/account/password/email/requestToken", email_request("nobody@allowed.example", "secret-4"));
    EXPECT_EQ(errcode(unknown), "M_THREEPID_NOT_FOUND");
    EXPECT_TRUE(service.recorder().posts().empty()) << "nothing is forwarded before the answers";
    ASSERT_TRUE(eventually([&] { return service.recorder().posts().size() == 3; }));
    std::this_thread::sleep_for(400ms);
    auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 3u) << "an unknown address for a password reset is not forwarded";
    std::map<std::string, std::string> url_by_secret;
    for (const auto& post : posts) url_by_secret[post.body["client_secret"].get<std::string>()] = post.url;
    EXPECT_EQ(url_by_secret["secret-1"].rfind("http://id.test:1/", 0), 0u) << url_by_secret["secret-1"];
    EXPECT_EQ(url_by_secret["secret-2"].rfind("http://id.test:1/", 0), 0u) << url_by_secret["secret-2"];
    EXPECT_EQ(url_by_secret["secret-3"].rfind("http://evil.test:9/", 0), 0u) << "to the id_server it refused to trust";
    // A valid request is forwarded once, before the answer, as the reference does.
    EXPECT_EQ(service.post("/register/email/requestToken", email_request("new@allowed.example", "secret-5")).status, 200);
    EXPECT_EQ(service.recorder().posts().size(), 4u);
}

TEST(ForwardsStripped, ForwardsWithoutClientSecretAndNextLink) {
    Service service(base_config("r0.5.0"), "forwards-stripped");
    auto request = email_request("new@allowed.example", "secret-1", 5);
    request["next_link"] = "https://client.test/after";
    EXPECT_EQ(service.post("/register/email/requestToken", request).status, 200);
    const auto posts = service.recorder().posts();
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_FALSE(posts[0].body.contains("client_secret"));
    EXPECT_FALSE(posts[0].body.contains("next_link"));
    EXPECT_EQ(posts[0].body["email"], "new@allowed.example");
    EXPECT_EQ(posts[0].body["send_attempt"], 5);
}
