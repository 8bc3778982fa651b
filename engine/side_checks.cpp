#include "engine/side_checks.hpp"

#include <algorithm>

#include "engine/detail/checks.hpp"
#include "engine/detail/edition_thresholds.hpp"
#include "suite/check_plan.hpp"
#include "spec/grammar.hpp"

namespace mx3pid::engine {
namespace {

using detail::failed;
using detail::passed;
using nlohmann::json;
using reports::CheckResult;
namespace check = suite::check;

std::string field_text(const json& body, const char* key) {
    auto it = body.is_object() ? body.find(key) : body.end();
    if (it == body.end()) return "(absent)";
    return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, json::error_handler_t::replace);
}

CheckResult count_check(std::string_view name, int wanted, std::size_t actual) {
    auto expected = std::to_string(wanted);
    return actual == static_cast<std::size_t>(wanted) ? passed(name, expected, std::to_string(actual))
                                                      : failed(name, expected, std::to_string(actual));
}

/// What passing a request on to the identity server breaks when it goes wrong, whatever field.
const std::vector<std::string> forwarding{"cs.validation.proxies.r0_3", "cs.validation.proxies.r0_4", "cs.validation.proxied_request.r0_5",
                                          "cs.validation.forwarded_request.r0_6"};

std::vector<std::string> with(std::vector<std::string> ids, std::initializer_list<const char*> more) {
    ids.insert(ids.end(), more.begin(), more.end());
    return ids;
}

/// Does the request the identity server received carry what the client sent? A wrong address is
/// the address's sentences too; a wrong country or number, where it is dialled from.
CheckResult check_forwarded(const mock_identity::ReceivedRequest& forwarded, const json& sent, const detail::Secrets& secrets) {
    std::vector<std::string> wrong, breaks = forwarding;
    for (const char* key : {"client_secret", "email", "country", "phone_number", "send_attempt", "next_link"}) {
        if (!sent.contains(key)) continue;
        auto expected = field_text(sent, key);
        auto actual = field_text(parameters_of(forwarded), key);
        const std::string_view name = key;
        bool same = name == "email" ? spec::ascii_lower(actual) == spec::ascii_lower(expected) : actual == expected;
        if (same) continue;
        wrong.push_back(std::string(key) + "=" + detail::one_line(secrets.redact(actual), 60));
        if (name == "email") breaks.push_back("cs.request.email.target");
        if (name == "country" || name == "phone_number")
            breaks.insert(breaks.end(), {"cs.request.phone_number.target", "cs.request.country.dialled_from"});
    }
    const std::string expected = "one request with the client's client_secret, address, send_attempt and next_link";
    if (wrong.empty()) return passed(check::delivered, expected, "one request, all as sent");
    std::string actual;
    for (const auto& item : wrong) actual += (actual.empty() ? "" : ", ") + item;
    return failed(check::delivered, expected, actual, breaks);
}

CheckResult check_delivered(spec::Validation validation, const Observation& seen, const json& sent,
                            const detail::Secrets& secrets) {
    if (validation == spec::Validation::self) {
        const std::string expected = "one mail to the address with a validation link or code";
        std::vector<const smtp_sink::ReceivedMail*> carrying;
        for (const auto& mail : seen.mails)
            if (carries_token(mail)) carrying.push_back(&mail);
        if (carrying.size() != 1)
            return failed(check::delivered, expected,
                          std::to_string(carrying.size()) + " mails with a token, " + std::to_string(seen.mails.size()) + " in all",
                          {"cs.request.email.target"});
        const auto& mail = *carrying.front();
        auto secret = field_text(sent, "client_secret");
        if (mail.validation && !mail.validation->client_secret.empty() && mail.validation->client_secret != secret)
            return failed(check::delivered, expected, "the link carries another client_secret", {"cs.response.sid.session"});
        return passed(check::delivered, expected, mail.validation ? "one mail with a validation link" : "one mail with a code");
    }
    const auto forwarded = seen.distinct_forwards();
    if (forwarded.size() != 1) {
        // In proxy mode the trusted identity server is the one id_server names.
        auto breaks = validation == spec::Validation::proxy
                          ? with(forwarding, {"cs.request.id_server.target.r0_3", "cs.request.id_server.target.r0_4",
                                              "cs.validation.proxy_to_id_server.r0_5",
                                              "index.deprecation.still_implemented"})
                          : forwarding;
        return failed(check::delivered, "exactly one requestToken at the trusted identity server", std::to_string(forwarded.size()),
                      breaks);
    }
    return check_forwarded(*forwarded.front(), sent, secrets);
}

CheckResult check_sid_matches(spec::Validation validation, const Observation& seen, const std::optional<std::string>& answered) {
    auto actual = answered ? "\"" + detail::one_line(*answered, 80) + "\"" : std::string("no sid");
    if (validation == spec::Validation::self) {
        std::optional<std::string> mailed;
        for (const auto& mail : seen.mails)
            if (mail.validation && !mail.validation->sid.empty()) mailed = mail.validation->sid;
        if (!mailed) return passed(check::sid_matches, "the mailed link's sid", "the link carries no sid to compare");
        return mailed == answered ? passed(check::sid_matches, "\"" + *mailed + "\" (from the mailed link)", actual)
                                  : failed(check::sid_matches, "\"" + *mailed + "\" (from the mailed link)", actual);
    }
    std::optional<std::string> issued;
    for (const auto& message : seen.messages) issued = message.sid;
    if (!issued) return failed(check::sid_matches, "the identity server's sid", actual + "; the identity server issued none");
    return answered == issued ? passed(check::sid_matches, "\"" + *issued + "\" (issued by the identity server)", actual)
                              : failed(check::sid_matches, "\"" + *issued + "\" (issued by the identity server)", actual);
}

/// How the homeserver called the identity server's requestToken, by the sentences of its edition:
/// the API version, the access token and where it goes, the body's form, encoding and keys.
class IdentityRequestJudge {
public:
    IdentityRequestJudge(const Judging& judging, const json& sent) : edition_(judging.where.edition), mode_(judging.where.mode), sent_(sent) {}

    /// The identity server request check, then the identity server fields check.
    std::vector<CheckResult> judge(const std::vector<mock_identity::ReceivedRequest>& requests) {
        return {judge_requests(requests), judge_fields()};
    }

private:
    CheckResult judge_requests(const std::vector<mock_identity::ReceivedRequest>& requests) {
        bool v2_seen = false;
        std::size_t judged = 0;
        for (const auto& request : requests) {
            if (!request.request_token) continue;
            const auto& reading = *request.request_token;
            ++judged;
            if (reading.api == mock_identity::IdentityApi::unknown) {
                wrong("an identity API path no edition has (" + detail::one_line(request.path, 60) + ")",
                      {"is.request.path.v1", "is.request.path.r0_6", "is.request.path"});
            } else {
                const bool v2 = reading.api == mock_identity::IdentityApi::v2;
                judge_path(v2, v2_seen);
                v2_seen = v2_seen || v2;
                if (v2) judge_token(reading);
            }
            for (const auto& deviation : reading.deviations) judge_deviation(deviation);
        }
        judged_ = judged;
        const std::string expected = "requestToken by this edition's identity API, authenticated as it asks, with a JSON object body";
        if (judged == 0) return passed(check::identity_request, expected, "no requestToken to judge");
        if (wrong_.empty()) return passed(check::identity_request, expected, std::to_string(judged) + " as asked");
        std::string actual;
        for (const auto& item : wrong_) actual += (actual.empty() ? "" : "; ") + item;
        return failed(check::identity_request, expected, actual, breaks_);
    }

    CheckResult judge_fields() const {
        const std::string expected = "only the keys the identity API defines for requestToken";
        if (judged_ == 0) return passed(check::identity_fields, expected, "no requestToken to judge");
        if (undefined_.empty()) return passed(check::identity_fields, expected, "none other");
        std::string actual = "also ";
        for (std::size_t i = 0; i < undefined_.size(); ++i) actual += (i ? ", " : "") + detail::one_line(undefined_[i], 40);
        return failed(check::identity_fields, expected, actual, {"is.request.email.defined_keys", "is.request.msisdn.defined_keys"});
    }

    bool since(detail::Threshold threshold) const { return detail::since(edition_, threshold); }

    void wrong(std::string what, std::initializer_list<const char*> sentences) {
        if (std::find(wrong_.begin(), wrong_.end(), what) == wrong_.end()) wrong_.push_back(std::move(what));
        for (const char* id : sentences)
            if (std::find(breaks_.begin(), breaks_.end(), id) == breaks_.end()) breaks_.push_back(id);
    }

    void judge_path(bool v2, bool v2_seen) {
        const bool v2_era = since(detail::Threshold::identity_v2), v1_gone = since(detail::Threshold::identity_v1_removed);
        if (!v2_era && v2) wrong("the v2 API, which this edition's identity service lacks", {"is.request.path.v1"});
        if (v2_era && !v1_gone && !v2 && !v2_seen) wrong("the deprecated v1 API without trying v2 first", {"is.v1_deprecation.v2_first"});
        if (v1_gone && !v2) wrong("the v1 API, which this edition no longer has", {"is.request.path"});
    }

    /// Was the token the homeserver presented the client's? (Whether there was one, and where, the mock read.)
    void judge_token(const mock_identity::RequestTokenReading& reading) {
        if (!reading.access_token || mode_ != spec::Validation::proxy) return;
        auto given = sent_.is_object() ? sent_.find("id_access_token") : sent_.end();
        if (given != sent_.end() && given->is_string() && *reading.access_token != given->get<std::string>())
            wrong("a token other than the client's id_access_token",
                  {"cs.request.id_access_token.presented.r0_6", "cs.request.id_access_token.presented"});
    }

    /// What each way the mock saw the call depart from the identity API breaks.
    void judge_deviation(const mock_identity::Deviation& deviation) {
        using Kind = mock_identity::DeviationKind;
        const auto what = mock_identity::describe(deviation);
        switch (deviation.kind) {
        case Kind::body_not_utf8: return wrong(what, {"is.api.utf8.r0", "is.api.utf8"});
        case Kind::body_not_object:
            return wrong(what, {"is.api.request_object", "is.request.email.required_keys", "is.request.msisdn.required_keys"});
        case Kind::json_mislabelled: return wrong(what, {"is.api.json.r0", "is.api.request_content_type"});
        case Kind::missing_key: return wrong(what, {"is.request.email.required_keys", "is.request.msisdn.required_keys"});
        case Kind::no_access_token: return wrong(what, {"is.request.auth_required"});
        case Kind::access_token_in_query: return wrong(what, {"is.auth.header.r0_6", "is.auth.header"});
        case Kind::undefined_key:
            if (std::find(undefined_.begin(), undefined_.end(), deviation.detail) == undefined_.end())
                undefined_.push_back(deviation.detail);
            return;
        }
    }

    spec::Edition edition_;
    spec::Validation mode_;
    const json& sent_;
    std::vector<std::string> wrong_, breaks_;
    std::vector<std::string> undefined_;  ///< keys the identity API does not define for requestToken
    std::size_t judged_ = 0;
};

/// A judge's own check on what reached the identity server, counted as suite::identity_side says
/// for the validation mode.
void add_identity_check(std::vector<CheckResult>& checks, CheckResult check, const Judging& judging) {
    const auto before = checks.size();
    add_own_check(checks, std::move(check), judging);
    if (checks.size() > before && suite::identity_side(judging.where.mode) == suite::IdentitySide::advice)
        checks.back().level = reports::advice_level;
}


}  // namespace

std::vector<CheckResult> judge_side_channel(const suite::SideChannelExpectation& expect, const Observation& seen, const json& sent,
                                            const std::optional<std::string>& answered_sid, const detail::Secrets& secrets,
                                            const Judging& judging) {
    const auto mode = judging.where.mode;
    const auto& sentences = expect.sentences;
    std::vector<CheckResult> checks;
    auto count = [&](std::string_view name, const char* key, int wanted, std::size_t actual) {
        add_check(checks, count_check(name, wanted, actual), sentences.at(key).for_count(wanted, static_cast<long long>(actual)), judging);
    };
    if (expect.tokens_delivered) count(check::tokens, "tokens_delivered", *expect.tokens_delivered, seen.tokens_delivered());
    if (expect.decoy_requests) count(check::decoy, "decoy_requests", *expect.decoy_requests, seen.decoy_request_tokens());
    if (expect.delivered) {
        add_check(checks, check_delivered(mode, seen, sent, secrets), sentences.at("delivered").all(), judging);
        if (suite::identity_side(mode) != suite::IdentitySide::not_made)
            for (auto& check : IdentityRequestJudge(judging, sent).judge(seen.trusted)) add_identity_check(checks, std::move(check), judging);
    }
    if (expect.sid_matches)
        add_check(checks, check_sid_matches(mode, seen, answered_sid), sentences.at("sid_matches").all(), judging);
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
