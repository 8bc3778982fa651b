#include "engine/follow_up.hpp"

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::engine {
namespace {

using detail::failed;
using detail::passed;
using nlohmann::json;

const std::string check_name = "validation completes";

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

FollowUp submit(const net::Url& url, const std::string& sid, const std::string& client_secret, const std::string& token,
                Asker& asker, const detail::Secrets& secrets, std::vector<reports::HttpExchange>& transcript) {
    net::Request request;
    request.method = "POST";
    request.target = url.path.empty() ? "/" : url.path;
    auto origin = url;
    origin.path = "/";
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = json{{"sid", sid}, {"client_secret", client_secret}, {"token", token}}.dump();
    auto answer = asker.ask(origin, request, secrets, transcript, true);
    if (!answer.response) return {std::nullopt, "could not submit the token to submit_url: " + answer.error};
    const std::string expected = "200 {\"success\": true} from submit_url";
    auto body = json::parse(answer.response->body, nullptr, false);
    bool success = answer.response->status == 200 && body.is_object() && body.value("success", false) == true;
    return {success ? passed(check_name, expected, "success")
                    : failed(check_name, expected,
                             std::to_string(answer.response->status) + " " + detail::one_line(answer.response->body, 100)),
            ""};
}

}  // namespace

reports::CheckResult judge_link_answer(const net::Response& response, const std::string& next_link) {
    const std::string expected = "a 2xx page that is not an error, or a redirect to next_link";
    auto actual = std::to_string(response.status) + " " + detail::one_line(response.body, 100);
    if (response.status >= 300 && response.status < 400) {
        auto location = response.header("Location").value_or("");
        bool to_next_link = !next_link.empty() && location.rfind(next_link, 0) == 0;
        return to_next_link ? passed(check_name, expected, "redirected to next_link")
                            : failed(check_name, expected, std::to_string(response.status) + " to " + detail::one_line(location, 100));
    }
    if (response.status >= 200 && response.status < 300 && !looks_like_error_page(response))
        return passed(check_name, expected, std::to_string(response.status));
    return failed(check_name, expected, actual);
}

FollowUpRules follow_up_rules(const spec::Edition& edition) {
    static const auto submit_url_edition = *spec::Edition::parse("r0.5.0");
    return {.link_names_session = edition < submit_url_edition};
}

FollowUp complete_validation(spec::Validation validation, const FollowUpRules& rules, const Observation& seen,
                             const std::optional<net::Response>& first_answer, const std::optional<std::string>& sid,
                             const CaseValues& values, Asker& asker, detail::Secrets& secrets,
                             std::vector<reports::HttpExchange>& transcript) {
    const auto submit_url = submit_url_of(first_answer);
    if (validation == spec::Validation::delegate) {
        if (!submit_url) return {};  // the identity server's own page takes the token, not the homeserver
        if (seen.messages.empty()) return {failed(check_name, "a token from the identity server to submit", "none"), ""};
        const auto& token = seen.messages.front().token;
        secrets.keep(token);
        auto url = net::Url::parse(*submit_url);
        if (!url) return {failed(check_name, "submit_url an http(s) URL", detail::one_line(*submit_url, 80)), ""};
        return submit(*url, sid.value_or(""), values.client_secret, token, asker, secrets, transcript);
    }
    if (validation != spec::Validation::self) return {};

    const smtp_sink::ReceivedMail* mail = nullptr;
    for (const auto& candidate : seen.mails)
        if (!mail && carries_token(candidate)) mail = &candidate;
    if (!mail) return {failed(check_name, "a mail with a token to submit", "none"), ""};
    const auto token = mail->validation ? mail->validation->token : mail->bare_token;
    secrets.keep(token);
    if (submit_url) {
        auto url = net::Url::parse(*submit_url);
        if (!url) return {failed(check_name, "submit_url an http(s) URL", detail::one_line(*submit_url, 80)), ""};
        return submit(*url, sid.value_or(""), values.client_secret, token, asker, secrets, transcript);
    }
    if (!mail->validation) return {failed(check_name, "a submit_url or a link to follow", "a code and no submit_url"), ""};
    if (rules.link_names_session && (mail->validation->sid.empty() || mail->validation->client_secret.empty()))
        return {failed(check_name, "a link carrying sid, client_secret and token", "a link without sid or client_secret"), ""};
    auto url = net::Url::parse(mail->validation->url);
    if (!url) return {failed(check_name, "a link to follow", "none usable: " + detail::one_line(mail->validation->url, 80)), ""};
    net::Request request;
    request.target = url->path;
    url->path = "/";
    auto answer = asker.ask(*url, request, secrets, transcript, false);
    if (!answer.response) return {std::nullopt, "could not follow the mailed link: " + answer.error};
    return {judge_link_answer(*answer.response, values.next_link), ""};
}

}  // namespace mx3pid::engine
