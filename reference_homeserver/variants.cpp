#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver {
namespace {

/// Every case whose answer is an error, from edition `from` on: what a fault in every error body breaks.
std::vector<Kill> error_answers(const std::string& from) {
    const std::string since = ">= " + from;
    std::vector<Kill> kills;
    for (std::string_view cases :
         {"*/duplicate", "*/denied", "register/*/untrusted-id_server", "*/missing-*", "*/client_secret-forbidden-*",
          "*/client_secret-empty", "*/client_secret-256", "*/client_secret-non-ascii", "*/client_secret-number",
          "*/send_attempt-*", "*/email-object", "*/phone_number-array", "*/body-*", "*/email-malformed",
          "*/country-lowercase", "*/phone_number-malformed", "*/wrong-method"})
        kills.push_back({cases, since});
    // Before r0.5.0, add and reset are only asked to refuse an untrusted id_server (SHOULD): a warning.
    kills.push_back({"*/untrusted-id_server", from == "r0.4.0" ? ">= r0.5.0" : since});
    return kills;
}

/// Every case whose answers are 200s with a sid: what a fault in every successful answer breaks.
std::vector<Kill> successful_answers() {
    return {{"*/valid"}, {"*/repeat"}, {"*/resend"}, {"*/client_secret-255"}};
}

}  // namespace

const std::vector<Variant>& variants() {
    static const std::vector<Variant> table{
        {"reference", Fault::none, "the spec-correct reference homeserver", {}, "builtin", Behaviour::conformant},
        {"in-use-accepted", Fault::in_use_answers_200, "an address in use is forwarded as if it were free",
         {{"register/*/duplicate"}, {"3pid/*/duplicate"}}},
        {"in-use-wrong-errcode", Fault::in_use_wrong_errcode, "400 M_UNKNOWN instead of M_THREEPID_IN_USE",
         {{"register/*/duplicate"}, {"3pid/*/duplicate"}}},
        {"bound-check-after-forwarding", Fault::bound_check_after_forwarding,
         "asks the identity server first, then refuses the address by its bound state", {{"*/duplicate"}}},
        {"untrusted-id-server-forwarded", Fault::untrusted_id_server_forwarded,
         "trusts any id_server and forwards to it",
         {{"register/*/untrusted-id_server"}, {"*/untrusted-id_server", ">= r0.5.0"}}},
        {"untrusted-wrong-status", Fault::untrusted_wrong_status, "M_SERVER_NOT_TRUSTED with 403 instead of 400",
         {{"register/*/untrusted-id_server"}, {"*/untrusted-id_server", ">= r0.5.0"}}},
        {"no-sid", Fault::no_sid, "200 without a sid", successful_answers()},
        {"sid-not-string", Fault::sid_not_string, "a sid that is a number",
         successful_answers()},
        {"sid-forbidden-character", Fault::sid_forbidden_character, "a sid with a '/' in it",
         successful_answers()},
        {"sid-too-long", Fault::sid_too_long, "a sid of 256 characters", successful_answers()},
        {"own-sid", Fault::own_sid, "a sid of its own instead of the identity server's", {{"*/valid"}}},
        {"next-link-dropped", Fault::next_link_dropped, "next_link is not forwarded", {{"*/valid"}}},
        {"send-attempt-reset", Fault::send_attempt_dropped, "send_attempt is forwarded as 1 whatever the client sent",
         {{"*/valid"}, {"*/resend"}}},
        {"resend-on-repeat", Fault::resend_on_repeat, "a repeated request is forwarded with send_attempt + 1",
         {{"*/repeat"}}},
        {"error-without-errcode", Fault::error_without_errcode, "error bodies lack errcode",
         error_answers("r0.4.0")},
        {"error-not-json", Fault::error_not_json, "error bodies are plain text",
         error_answers("r0.4.0")},
        {"error-wrong-content-type", Fault::error_wrong_content_type,
         "error bodies are JSON but sent as text/plain (wrong from v1.4)",
         error_answers("v1.4")},
        {"error-without-message", Fault::error_without_message, "error bodies lack the error string",
         error_answers("r0.4.0")},
        {"valid-request-500", Fault::valid_request_500, "a valid request gets 500",
         successful_answers()},
        {"policy-skipped-on-3pid", Fault::policy_skipped_on_3pid, "the address policy is not applied on account/3pid",
         {{"3pid/*/denied"}}},
        {"password-unknown-accepted", Fault::password_unknown_200,
         "a password reset for an address bound to nobody is forwarded", {{"password/*/duplicate"}}},
        {"password-denied-forwarded", Fault::password_denied_proxied,
         "a password reset for a denied address skips the policy and the bound check", {{"password/*/denied"}}},
        {"denied-wrong-status", Fault::denied_wrong_status, "M_THREEPID_DENIED with 400 instead of 403", {{"*/denied"}}},
        {"msisdn-policy-skipped", Fault::msisdn_policy_skipped, "the address policy is applied to email only",
         {{"register/msisdn/denied"}, {"3pid/msisdn/denied"}}},
        {"register-msisdn-missing", Fault::register_msisdn_missing,
         "/register/msisdn/requestToken is not implemented (404 M_UNRECOGNIZED)",
         // An oversized body is refused before any route is looked up.
         {{"register/msisdn/*", "*", "register/msisdn/oversized-body"}}},
        {"password-email-as-register", Fault::password_email_as_register,
         "/account/password/email/requestToken behaves like /register/email/requestToken",
         {{"password/email/valid"}, {"password/email/duplicate"}, {"password/email/repeat"}, {"password/email/resend"},
          {"password/email/client_secret-255"},
          {"password/email/untrusted-id_server", ">= r0.6.0"}}},
        {"client-secret-first-character", Fault::client_secret_first_character_only,
         "the client_secret grammar is checked on its first character only",
         {{"*/email/client_secret-forbidden-middle"}, {"*/email/client_secret-forbidden-last"}, {"*/email/client_secret-256"},
          {"*/email/client_secret-non-ascii"}},
         "builtin-self"},
        {"send-attempt-string-accepted", Fault::send_attempt_string_accepted,
         "send_attempt \"3\" (a string) is taken as 3", {{"*/send_attempt-string"}}},
        {"self-no-mail", Fault::self_no_mail, "validates email itself, answers 200, and mails nothing",
         {{"*/email/valid"}, {"*/email/repeat"}, {"*/email/resend"}, {"*/email/valid-no-id_server", ">= r0.6.0"}},
         "builtin-self"},
        {"self-wrong-token", Fault::self_wrong_token, "the mailed link carries a token the server then refuses",
         {{"*/email/valid"}}, "builtin-self"},
        {"self-resends-on-repeat", Fault::self_resends_on_repeat, "mails again for a repeated send_attempt",
         {{"*/email/repeat"}}, "builtin-self"},
        {"delegate-follows-id-server", Fault::delegate_follows_id_server,
         "validates through its own identity server, unless the request names another", {{"*/untrusted-id_server"}},
         "builtin-delegate"},
        {"id-server-still-required", Fault::id_server_still_required,
         "validates through its own identity server, yet still refuses a request without id_server",
         {{"*/valid-no-id_server", ">= r0.6.0"}}, "builtin-delegate"},
        {"address-unchecked", Fault::address_unchecked,
         "leaves checking email, country and phone_number to the identity server",
         {{"*/email-malformed"}, {"3pid/msisdn/country-lowercase", ">= v1.13"}, {"3pid/msisdn/phone_number-malformed", ">= v1.13"}},
         "builtin-self"},
        {"wrong-method-404", Fault::wrong_method_404, "a GET on an endpoint gets 404 instead of 405",
         {{"*/wrong-method", ">= v1.6"}}},
        {"no-body-limit", Fault::no_body_limit, "takes request bodies of any size", {{"*/oversized-body"}}},
        {"enumeration-leaks-token", Fault::enumeration_leaks_token,
         "claims enumeration protection, but validates a bound (or unknown) address as usual", {{"*/duplicate"}},
         "builtin-enumeration"},
        {"rate-limited", Fault::rate_limited_once,
         "answers the first request of each client_secret with 429 and Retry-After (a right answer)", {}, "builtin",
         Behaviour::conformant},
        {"rate-limited-forever", Fault::rate_limited_always, "answers every requestToken with 429", {}, "builtin",
         Behaviour::hostile},
    };
    return table;
}

const Variant* find_variant(std::string_view name) {
    for (const auto& variant : variants())
        if (variant.name == name) return &variant;
    return nullptr;
}

}  // namespace mx3pid::reference_homeserver
