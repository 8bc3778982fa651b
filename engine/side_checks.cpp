#include "engine/side_checks.hpp"

#include <algorithm>

#include "engine/detail/checks.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::engine {
namespace {

using detail::failed;
using detail::passed;
using nlohmann::json;
using reports::CheckResult;

std::string field_text(const json& body, const char* key) {
    auto it = body.is_object() ? body.find(key) : body.end();
    if (it == body.end()) return "(absent)";
    return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, json::error_handler_t::replace);
}

CheckResult count_check(const char* name, int wanted, std::size_t actual) {
    auto expected = std::to_string(wanted);
    return actual == static_cast<std::size_t>(wanted) ? passed(name, expected, std::to_string(actual))
                                                      : failed(name, expected, std::to_string(actual));
}

/// Does the request the identity server received carry what the client sent?
CheckResult check_forwarded(const mock_identity::ReceivedRequest& forwarded, const json& sent, const detail::Secrets& secrets) {
    std::vector<std::string> wrong;
    for (const char* key : {"client_secret", "email", "country", "phone_number", "send_attempt", "next_link"}) {
        if (!sent.contains(key)) continue;
        auto expected = field_text(sent, key);
        auto actual = field_text(forwarded.body, key);
        bool same = std::string_view(key) == "email" ? spec::ascii_lower(actual) == spec::ascii_lower(expected) : actual == expected;
        if (!same) wrong.push_back(std::string(key) + "=" + detail::one_line(secrets.redact(actual), 60));
    }
    const std::string expected = "one request with the client's client_secret, address, send_attempt and next_link";
    if (wrong.empty()) return passed("delivered", expected, "one request, all as sent");
    std::string actual;
    for (const auto& item : wrong) actual += (actual.empty() ? "" : ", ") + item;
    return failed("delivered", expected, actual);
}

CheckResult check_delivered(spec::Validation validation, const Observation& seen, const json& sent,
                            const detail::Secrets& secrets) {
    if (validation == spec::Validation::self) {
        const std::string expected = "one mail to the address with a validation link or code";
        std::vector<const smtp_sink::ReceivedMail*> carrying;
        for (const auto& mail : seen.mails)
            if (carries_token(mail)) carrying.push_back(&mail);
        if (carrying.size() != 1)
            return failed("delivered", expected, std::to_string(carrying.size()) + " mails with a token, " +
                                                     std::to_string(seen.mails.size()) + " in all");
        const auto& mail = *carrying.front();
        auto secret = field_text(sent, "client_secret");
        if (mail.validation && !mail.validation->client_secret.empty() && mail.validation->client_secret != secret)
            return failed("delivered", expected, "the link carries another client_secret");
        return passed("delivered", expected, mail.validation ? "one mail with a validation link" : "one mail with a code");
    }
    const auto forwarded = seen.distinct_forwards();
    if (forwarded.size() != 1)
        return failed("delivered", "exactly one requestToken at the trusted identity server", std::to_string(forwarded.size()));
    return check_forwarded(*forwarded.front(), sent, secrets);
}

CheckResult check_sid_matches(spec::Validation validation, const Observation& seen, const std::optional<std::string>& answered) {
    auto actual = answered ? "\"" + detail::one_line(*answered, 80) + "\"" : std::string("no sid");
    if (validation == spec::Validation::self) {
        std::optional<std::string> mailed;
        for (const auto& mail : seen.mails)
            if (mail.validation && !mail.validation->sid.empty()) mailed = mail.validation->sid;
        if (!mailed) return passed("sid matches", "the mailed link's sid", "the link carries no sid to compare");
        return mailed == answered ? passed("sid matches", "\"" + *mailed + "\" (from the mailed link)", actual)
                                  : failed("sid matches", "\"" + *mailed + "\" (from the mailed link)", actual);
    }
    std::optional<std::string> issued;
    for (const auto& message : seen.messages) issued = message.sid;
    if (!issued) return failed("sid matches", "the identity server's sid", actual + "; the identity server issued none");
    return answered == issued ? passed("sid matches", "\"" + *issued + "\" (issued by the identity server)", actual)
                              : failed("sid matches", "\"" + *issued + "\" (issued by the identity server)", actual);
}

}  // namespace

std::vector<CheckResult> judge_side_channel(const suite::SideChannelExpectation& expect, spec::Validation validation,
                                            const Observation& seen, const json& sent,
                                            const std::optional<std::string>& answered_sid, const detail::Secrets& secrets) {
    std::vector<CheckResult> checks;
    if (expect.tokens_delivered) checks.push_back(count_check("validation tokens delivered", *expect.tokens_delivered, seen.tokens_delivered()));
    if (expect.decoy_requests)
        checks.push_back(count_check("untrusted identity server requests", *expect.decoy_requests, seen.decoy_request_tokens()));
    if (expect.delivered) checks.push_back(check_delivered(validation, seen, sent, secrets));
    if (expect.sid_matches) checks.push_back(check_sid_matches(validation, seen, answered_sid));
    return checks;
}

std::vector<std::string> describe(const Observation& seen, const Address& address, const detail::Secrets& secrets) {
    std::vector<std::string> lines;
    auto requests = [&](const std::vector<mock_identity::ReceivedRequest>& list, const char* who) {
        for (const auto& request : list)
            lines.push_back(std::string(who) + ": " + request.method + " " + request.path + " → " +
                            std::to_string(request.status) + " " + detail::one_line(secrets.redact(request.raw_body), 300));
    };
    requests(seen.trusted, "identity server");
    requests(seen.decoy, "untrusted identity server");
    for (const auto& message : seen.messages)
        lines.push_back("identity server " + message.medium + " to " + detail::one_line(message.address, 80) + " with a token, sid \"" +
                        detail::one_line(message.sid, 80) + "\"");
    for (const auto& mail : seen.mails)
        lines.push_back("mail to " + address.describe() + ": \"" + detail::one_line(mail.subject, 80) + "\"" +
                        (mail.validation ? " with a validation link" : mail.bare_token.empty() ? " with no token" : " with a code"));
    lines.push_back("validation tokens delivered to the address: " + std::to_string(seen.tokens_delivered()));
    return lines;
}

}  // namespace mx3pid::engine
