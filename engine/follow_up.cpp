#include "engine/follow_up.hpp"

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"
#include "suite/check_plan.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::engine {
namespace {

using detail::failed;
using detail::passed;
using nlohmann::json;

namespace check = suite::check;

const std::vector<std::string> refused_session{"cs.response.sid.session", "cs.response.submit_url.accepts_token.r0_5",
                                                "cs.response.submit_url.accepts_token.r0_6",
                                                "cs.response.submit_url.accepts_token", "is.token.pass_through"};

std::optional<std::string> submit_url_of(const std::optional<net::Response>& answer) {
    if (!answer) return std::nullopt;
    auto body = json::parse(answer->body, nullptr, false);
    if (body.is_object() && body.contains("submit_url") && body["submit_url"].is_string())
        return body["submit_url"].get<std::string>();
    return std::nullopt;
}

bool looks_like_error_page(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_object()) return body.contains("errcode") || body.value("success", true) == false;
    const auto text = spec::ascii_lower(response.body);
    for (const char* word : {"invalid", "expired", "error", "failed", "incorrect", "not found"})
        if (text.find(word) != std::string::npos) return true;
    return false;
}

std::string errcode_in(const net::Response& response) {
    auto body = json::parse(response.body, nullptr, false);
    return body.is_object() && body.contains("errcode") && body["errcode"].is_string() ? body["errcode"].get<std::string>() : "";
}

/// Posts sid, client_secret and token to submit_url as a client would.
struct Submitter {
    const net::Url& url;
    Asker& asker;
    const detail::Secrets& secrets;
    std::vector<reports::HttpExchange>& transcript;

    std::optional<net::Response> post(const std::string& sid, const std::string& client_secret, const std::string& token,
                                      std::string& error) {
        net::Request request;
        request.method = "POST";
        request.target = url.path.empty() ? "/" : url.path;
        auto origin = url;
        origin.path = "/";
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = json{{"sid", sid}, {"client_secret", client_secret}, {"token", token}}.dump();
        auto answer = asker.ask(origin, request, secrets, transcript, false);
        if (!answer.response) error = "could not submit the token to submit_url: " + answer.error;
        return answer.response;
    }
};

/// v1.18: submit_url refuses as the identity service's submitToken does. Adds what it got wrong.
void judge_refusals(Submitter& submitter, const std::string& sid, const std::string& client_secret, const std::string& token,
                    std::vector<std::string>& wrong, std::vector<std::string>& breaks, std::string& error) {
    auto refused = [&](const std::optional<net::Response>& answer, const char* errcode, const char* what, const char* sentence) {
        if (!answer) return;
        if (answer->status == 400 && errcode_in(*answer) == errcode) return;
        wrong.push_back(std::string(what) + " got " + std::to_string(answer->status) + " " + detail::one_line(answer->body, 60));
        breaks.push_back(sentence);
    };
    refused(submitter.post(sid, client_secret, token + "x", error), "M_TOKEN_INCORRECT", "a wrong token",
            "cs.response.submit_url.token_incorrect");
    if (!error.empty()) return;
    refused(submitter.post(sid, "not a client secret!", token, error), "M_INVALID_PARAM", "a malformed client_secret",
            "cs.response.submit_url.invalid_param");
}

FollowUp submit(const net::Url& url, const std::string& sid, const std::string& client_secret, const std::string& token,
                const FollowUpRules& rules, Asker& asker, const detail::Secrets& secrets,
                std::vector<reports::HttpExchange>& transcript) {
    Submitter submitter{url, asker, secrets, transcript};
    std::string error;
    std::vector<std::string> wrong, breaks;
    if (rules.probe_submit_url_refusals) judge_refusals(submitter, sid, client_secret, token, wrong, breaks, error);
    if (!error.empty()) return {{}, error};
    auto answer = submitter.post(sid, client_secret, token, error);
    if (!answer) return {{}, error};
    const std::string completes = "submit_url takes the token with the sid and client_secret";
    const std::string answered = "200 {\"success\": true}, refusals as submitToken's (v1.18)";
    const auto actual = std::to_string(answer->status) + " " + detail::one_line(answer->body, 100);
    FollowUp follow;
    const bool redirect = answer->status >= 300 && answer->status < 400;
    if ((answer->status < 200 || answer->status >= 300) && !redirect)
        follow.checks.push_back(failed(check::completes, completes, actual, refused_session));
    else
        follow.checks.push_back(passed(check::completes, completes, std::to_string(answer->status)));
    auto body = json::parse(answer->body, nullptr, false);
    if (redirect) {
        wrong.push_back("a redirect (" + std::to_string(answer->status) + ") to a POST");
        breaks.push_back("cs.request.next_link.post_ignored");
    } else if (answer->status == 200 && !(body.is_object() && body.value("success", false) == true)) {
        wrong.push_back("200 " + detail::one_line(answer->body, 60));
        breaks.insert(breaks.end(), {"cs.response.submit_url.success_body.r0_5", "cs.response.submit_url.accepts_token"});
    }
    if (wrong.empty()) follow.checks.push_back(passed(check::submit_answer, answered, "as asked"));
    else {
        std::string text;
        for (const auto& item : wrong) text += (text.empty() ? "" : "; ") + item;
        follow.checks.push_back(failed(check::submit_answer, answered, text, breaks));
    }
    return follow;
}

FollowUp one(reports::CheckResult check) { return {{std::move(check)}, ""}; }

}  // namespace

reports::CheckResult judge_link_answer(const net::Response& response, const std::string& next_link) {
    const std::string expected = "a redirect to next_link (or at least a page that is not an error)";
    auto actual = std::to_string(response.status) + " " + detail::one_line(response.body, 100);
    if (response.status >= 300 && response.status < 400) {
        auto location = response.header("Location").value_or("");
        bool to_next_link = !next_link.empty() && location.rfind(next_link, 0) == 0;
        return to_next_link ? passed(check::completes, expected, "redirected to next_link")
                            : failed(check::completes, expected, std::to_string(response.status) + " to " + detail::one_line(location, 100),
                                     {"cs.request.next_link.redirect"});
    }
    if (response.status >= 200 && response.status < 300 && !looks_like_error_page(response))
        return failed(check::completes, expected, std::to_string(response.status) + " and a page, no redirect to next_link",
                      {"cs.request.next_link.redirect"});
    return failed(check::completes, expected, actual,
                  {"cs.response.sid.session", "cs.response.submit_url.absent.r0_5", "cs.response.submit_url.absent"});
}

FollowUpRules follow_up_rules(const spec::Edition& edition) {
    static const auto submit_url_edition = *spec::Edition::parse("r0.5.0");
    static const auto submit_url_refusals_edition = *spec::Edition::parse("v1.18");
    return {.link_names_session = edition < submit_url_edition,
            .probe_submit_url_refusals = !(edition < submit_url_refusals_edition)};
}

FollowUp complete_validation(spec::Validation validation, const FollowUpRules& rules, const Observation& seen,
                             const std::optional<net::Response>& first_answer, const std::optional<std::string>& sid,
                             const CaseValues& values, Asker& asker, detail::Secrets& secrets,
                             std::vector<reports::HttpExchange>& transcript) {
    const auto submit_url = submit_url_of(first_answer);
    const std::string wanted_token = "a token that reached the address, to submit";
    if (validation == spec::Validation::delegate) {
        if (!submit_url) return {};  // the identity server's own page takes the token, not the homeserver
        if (seen.messages.empty()) return one(failed(check::completes, wanted_token, "none", refused_session));
        const auto& token = seen.messages.front().token;
        secrets.keep(token);
        auto url = net::Url::parse(*submit_url);
        if (!url) return one(failed(check::completes, "submit_url an http(s) URL", detail::one_line(*submit_url, 80), refused_session));
        return submit(*url, sid.value_or(""), values.client_secret, token, rules, asker, secrets, transcript);
    }
    if (validation != spec::Validation::self) return {};

    const smtp_sink::ReceivedMail* mail = nullptr;
    for (const auto& candidate : seen.mails)
        if (!mail && carries_token(candidate)) mail = &candidate;
    if (!mail) return one(failed(check::completes, wanted_token, "no mail with a token", {"cs.response.submit_url.token_sent", "cs.response.sid.session"}));
    const auto token = mail->validation ? mail->validation->token : mail->bare_token;
    secrets.keep(token);
    if (submit_url) {
        auto url = net::Url::parse(*submit_url);
        if (!url) return one(failed(check::completes, "submit_url an http(s) URL", detail::one_line(*submit_url, 80), refused_session));
        return submit(*url, sid.value_or(""), values.client_secret, token, rules, asker, secrets, transcript);
    }
    const std::vector<std::string> no_link{"cs.response.sid.session", "cs.response.submit_url.absent.r0_5", "cs.response.submit_url.absent"};
    if (!mail->validation) return one(failed(check::completes, "a submit_url or a link to follow", "a code and no submit_url", no_link));
    if (rules.link_names_session && (mail->validation->sid.empty() || mail->validation->client_secret.empty()))
        return one(failed(check::completes, "a link carrying sid, client_secret and token", "a link without sid or client_secret",
                          {"cs.response.sid.session"}));
    auto url = net::Url::parse(mail->validation->url);
    if (!url) return one(failed(check::completes, "a link to follow", "none usable: " + detail::one_line(mail->validation->url, 80), no_link));
    net::Request request;
    request.target = url->path;
    url->path = "/";
    auto answer = asker.ask(*url, request, secrets, transcript, false);
    if (!answer.response) return {{}, "could not follow the mailed link: " + answer.error};
    return one(judge_link_answer(*answer.response, values.next_link));
}

}  // namespace mx3pid::engine
