// Faulty variants that each break a check no other variant breaks: a request repaired instead of
// refused, a handler that crashes on a field it does not expect, REST-minded status codes, a
// relative submit_url, faulty answers where enumeration protection hides
// the address's state, a reset looked up before its address is checked, and refusals the spec
// allows (a repeat, a missing id_access_token, an unsupported medium) in a non-standard body.
#include "reference_homeserver/variants/shared.hpp"

#include <algorithm>
#include <cctype>

#include "spec/grammar.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;
using spec::Medium;
using spec::Purpose;
using spec::Validation;

// --- repairs instead of refusing -----------------------------------------------------------------

/// The letter's digit on a telephone keypad (vanity numbers), or the character itself.
char keypad_digit(char c) {
    static constexpr std::string_view keys = "22233344455566677778889999";
    const auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower >= 'a' && lower <= 'z' ? keys[static_cast<std::size_t>(lower - 'a')] : c;
}

/// Fills in what is missing and coerces what has the wrong type or spelling, then goes on as if the
/// request had been right: what a "be liberal in what you accept" server does with a bad request.
struct RepairsRequest : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        auto& body = x.body;
        body["client_secret"] = repaired_secret(x, body.value("client_secret", json()));
        if (x.endpoint.medium == Medium::email) {
            auto email = body.find("email");
            if (email != body.end() && email->is_object()) *email = email->value("address", json());
            if (email != body.end() && email->is_string()) *email = without_blanks(email->get<std::string>());
        } else {
            body["country"] = repaired_country(body.value("country", json()));
            if (auto phone = body.find("phone_number"); phone != body.end()) {
                if (phone->is_array() && !phone->empty()) *phone = json((*phone)[0]);
                if (phone->is_string()) {
                    auto digits = phone->get<std::string>();
                    std::transform(digits.begin(), digits.end(), digits.begin(), keypad_digit);
                    *phone = digits;
                }
            }
        }
        auto& attempt = body["send_attempt"];
        if (attempt.is_null()) attempt = 1;
        if (attempt.is_number_float()) attempt = static_cast<std::int64_t>(attempt.get<double>());
        if (id_server_required(x) && !body.contains("id_server") && !x.config.trusted_identity_servers.empty())
            body["id_server"] = x.config.trusted_identity_servers.front();
        if (auto link = body.find("next_link"); link != body.end() && !link->is_string()) *link = link->dump();
        if (auto named = body.find("id_server"); named != body.end() && !x.config.trusted_identity_servers.empty()) {
            if (named->is_string()) *named = host_characters(named->get<std::string>());
            if (!named->is_string() || named->get_ref<const std::string&>().empty()) *named = x.config.trusted_identity_servers.front();
        }
        if (auto token = body.find("id_access_token"); token != body.end() && !token->is_string()) body.erase(token);
        return Stages::check_fields(x);
    }

    /// Upper-cased; its default region (GB) when that is not two letters.
    static std::string repaired_country(const json& given) {
        std::string text = given.is_string() ? given.get<std::string>() : "";
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
        return spec::is_country_code(text) ? text : "GB";
    }

    /// Spaces and control characters (a line feed, a NUL) dropped wherever they are.
    static std::string without_blanks(std::string text) {
        std::erase_if(text, [](unsigned char c) { return c <= ' ' || c == 0x7f; });
        return text;
    }

    /// Only what a host name with a port holds: letters, digits, '.', '-', ':', '[' and ']'.
    static std::string host_characters(std::string text) {
        std::erase_if(text, [](unsigned char c) { return !std::isalnum(c) && std::string_view(".-:[]").find(static_cast<char>(c)) == std::string_view::npos; });
        return text;
    }

    /// Numbers as text, characters outside [0-9a-zA-Z.=_-] dropped, cut to 255; a fresh one when none is left.
    static std::string repaired_secret(Exchange& x, const json& given) {
        std::string text = given.is_string() ? given.get<std::string>() : given.is_number() ? given.dump() : "";
        std::string kept;
        for (char c : text)
            if (spec::is_opaque_id(std::string(1, c))) kept += c;
        kept.resize(std::min<std::size_t>(kept.size(), 255));
        return kept.empty() ? x.state.new_id("secret") : kept;
    }
};

/// repairs-request on a server that also sends a password reset for an address nobody has: the
/// two faults together bring a token to a malformed number a reset names.
struct RepairsAndResetsAnyone : RepairsRequest {
    std::optional<net::Response> state_refusal(Exchange& x) override {
        if (x.endpoint.purpose == Purpose::reset_password) return std::nullopt;
        return RepairsRequest::state_refusal(x);
    }
};

// --- a handler that trusts the body's shape ------------------------------------------------------

/// Reads the body with throwing typed accessors and turns what they throw into a 500.
struct TypedReads500 : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        try {
            x.body = json::parse(x.request.body);
        } catch (const json::exception&) {
            return crashed();
        }
        return std::nullopt;
    }

    std::optional<net::Response> check_fields(Exchange& x) override {
        auto& f = x.fields;
        try {
            f.client_secret = x.body.at("client_secret").get<std::string>();
            if (x.endpoint.medium == Medium::email) {
                f.email = x.body.at("email").get<std::string>();
            } else {
                f.country = x.body.at("country").get<std::string>();
                f.phone_number = x.body.at("phone_number").get<std::string>();
            }
            f.id_server = id_server_required(x) ? x.body.at("id_server").get<std::string>()
                                                 : x.body.value("id_server", std::string());
            f.id_access_token = x.body.value("id_access_token", std::string());
            f.next_link = x.body.value("next_link", std::string());
            f.send_attempt = x.body.at("send_attempt").get<std::int64_t>();  // 2.5 reads as 2
        } catch (const json::exception&) {
            return crashed();
        }
        if (!client_secret_valid(f.client_secret))
            return error(400, "M_INVALID_PARAM", "client_secret does not match [0-9a-zA-Z.=_-]{1,255}");
        return std::nullopt;
    }

    net::Response crashed() { return error(500, "M_UNKNOWN", "internal server error"); }
};

// --- status codes ----------------------------------------------------------------------------------

/// 201 Created for a validation session, 409 Conflict for an address in use.
struct RestStatusCodes : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        auto created = Stages::answer(x, sid, submit_url);
        created.status = 201;
        return created;
    }
    std::optional<net::Response> state_refusal(Exchange& x) override {
        auto refusal = Stages::state_refusal(x);
        if (refusal && detail::errcode_of(*refusal) == "M_THREEPID_IN_USE") refusal->status = 409;
        return refusal;
    }
};

// --- 200 bodies --------------------------------------------------------------------------------------



/// The submit_url without scheme and host: the path alone.
std::optional<std::string> relative(const std::optional<std::string>& url) {
    if (!url) return url;
    auto path = url->find(detail::submit_path);
    return path == std::string::npos ? url : std::optional<std::string>(url->substr(path));
}

/// Self-made sids in standard base64, whose '+' and '/' the sid grammar does not allow.
std::string base64ish(const std::string& sid) { return sid + "+/A=="; }

template <std::string (*Wrong)(Exchange&, const std::string&)>
struct OwnSessionSid : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        return Stages::answer(x, x.validation == Validation::self ? Wrong(x, sid) : sid, submit_url);
    }
};

std::string base64_sid(Exchange&, const std::string& sid) { return base64ish(sid); }
std::string another_sid(Exchange& x, const std::string&) { return x.state.new_id("ans"); }

// --- what enumeration protection answers --------------------------------------------------------------

/// Hides more than the reference under enumeration protection, as the cases allow: a denied password
/// reset too, and an address in use on /account/3pid/email from r0.5.0. `Concealed` makes the answer.
template <net::Response (*Concealed)(Stages&, Exchange&)>
struct ConcealsMore : Stages {
    std::optional<net::Response> policy(Exchange& x) override {
        auto refusal = Stages::policy(x);
        if (refusal && x.config.enumeration_protection && x.endpoint.purpose == Purpose::reset_password) return conceal(x);
        return refusal;
    }
    std::optional<net::Response> bound_state(Exchange& x) override {
        auto refusal = state_refusal(x);
        if (!refusal || !x.config.enumeration_protection) return refusal;
        const bool add = x.endpoint.purpose == Purpose::add_threepid;
        if (add && (x.endpoint.medium != Medium::email || !x.since(Epoch::submit_url))) return refusal;
        return conceal(x);
    }
    net::Response conceal(Exchange& x) override {
        Stages::conceal(x);  // the notice mail
        return Concealed(*this, x);
    }
};

net::Response empty_object(Stages& s, Exchange&) { return s.json_answer(200, json::object()); }
net::Response accepted_202(Stages& s, Exchange& x) { return s.json_answer(202, json{{"sid", x.state.new_id("ref")}}); }
/// What a real answer would be: a sid, and a submit_url where the server validates by mail.
net::Response like_an_answer(Stages& s, Exchange& x) {
    std::optional<std::string> submit_url;
    if (x.validation == Validation::self && x.since(Epoch::submit_url))
        submit_url = x.state.public_base_url() + std::string(detail::submit_path);
    return s.answer(x, x.state.new_id("ref"), submit_url);
}

struct SubmitUrlRelative : ConcealsMore<like_an_answer> {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        return Stages::answer(x, sid, relative(submit_url));
    }
};

// --- its own refusals in a body of its own ------------------------------------------------------------

net::Response text_refusal(std::string_view, std::string_view message) {
    return net::Response::text(400, std::string(message));
}
net::Response bare_refusal(std::string_view, std::string_view message) {
    return net::Response::json(400, json{{"message", message}}.dump());
}
net::Response lowercase_refusal(std::string_view errcode, std::string_view message) {
    std::string code(errcode);
    for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return net::Response::json(400, json{{"errcode", code.substr(code.find('_') + 1)}, {"error", message}}.dump());
}
net::Response json_text_refusal(std::string_view errcode, std::string_view message) {
    return net::Response::text(400, json{{"errcode", errcode}, {"error", message}}.dump());
}

/// Refuses a request whose send_attempt it has seen for the same session, with `Refusal`.
template <Refusal Refuse>
struct RepeatRefused : Stages {
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (seen_.first(detail::session_key(x) + "#" + std::to_string(x.fields.send_attempt))) return std::nullopt;
        return Refuse("M_UNKNOWN", "this send_attempt was used already");
    }
    detail::SeenOnce seen_;
};

/// From r0.6.0, refuses an id_server without id_access_token (as the case allows), with `Refusal`.
template <Refusal Refuse>
struct TokenRequired : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        if (auto refusal = Stages::check_fields(x)) return refusal;
        if (x.since(Epoch::id_access_token) && !x.fields.id_server.empty() && x.fields.id_access_token.empty())
            return Refuse("M_MISSING_PARAM", "id_access_token is required with id_server");
        return std::nullopt;
    }
};

/// Proxying, refuses an id_server it cannot use (none, or one it does not trust) with `Refuse`.
template <Refusal Refuse>
struct UnusableIdServerRefused : Stages {
    std::optional<net::Response> choose_identity_server(Exchange& x) override {
        if (!Stages::choose_identity_server(x)) return std::nullopt;
        return Refuse("M_SERVER_NOT_TRUSTED", "this server cannot use that identity server");
    }
};

/// Refuses a medium its configuration turns off on /account/3pid with `Refuse`.
template <Refusal Refuse>
struct MediumRefused : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        if (!Stages::check_medium(x)) return std::nullopt;
        return Refuse("M_THREEPID_MEDIUM_NOT_SUPPORTED", "this server does not let accounts add that medium");
    }
};

/// Lets accounts add a medium its configuration turns off.
struct MediumIgnored : Stages {
    std::optional<net::Response> check_medium(Exchange&) override { return std::nullopt; }
};

/// Looks a reset's address up before checking its form: under enumeration protection a malformed
/// address is bound to nobody, so its reset is hidden behind a 200 instead of refused.
struct ResetLooksUpFirst : Stages {
    std::optional<net::Response> check_address(Exchange& x) override {
        auto malformed = Stages::check_address(x);  // reads the address either way
        if (x.endpoint.purpose == Purpose::reset_password)
            if (auto refusal = bound_state(x)) return refusal;
        return malformed;
    }
};

/// A password reset goes to whatever address it names: neither the address's form nor its account is checked.
struct ResetAddressUnchecked : Stages {
    std::optional<net::Response> check_address(Exchange& x) override {
        auto malformed = Stages::check_address(x);  // reads the address either way
        return x.endpoint.purpose == Purpose::reset_password ? std::nullopt : malformed;
    }
    std::optional<net::Response> state_refusal(Exchange& x) override {
        return x.endpoint.purpose == Purpose::reset_password ? std::nullopt : Stages::state_refusal(x);
    }
};

/// Delegated validation answers the identity server's submitToken path, without its host, as submit_url.
struct DelegateSubmitPath : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        if (x.validation != Validation::delegate || !x.since(Epoch::submit_url)) return Stages::answer(x, sid, submit_url);
        return Stages::answer(x, sid, identity_api(x).prefix + "/validate/" +
                                          std::string(spec::medium_name(x.endpoint.medium)) + "/submitToken");
    }
};

struct Options405 : Stages {
    std::optional<net::Response> preflight() override { return wrong_method(); }
};

}  // namespace

std::vector<Variant> faulty_checks() {
    using spec::Validation;
    const std::vector<std::string_view> repaired{
        "cs.request.client_secret.required*", "cs.request.client_secret.grammar", "cs.request.client_secret.not_empty",
        "cs.request.client_secret.max_length", "cs.request.client_secret.type*", "cs.request.send_attempt.required*",
        "cs.request.send_attempt.type*", "cs.request.id_server.required", "cs.request.country.required",
        "cs.request.country.type", "cs.request.country.form*", "cs.request.phone_number.type", "cs.request.email.type*",
        "cs.request.via_register.r0_3",
        "cs.request.id_server.type*", "cs.request.id_access_token.type*", "cs.request.id_server.target.r0_4", "cs.request.id_server.hostname*"};
    auto with = [](std::vector<std::string_view> list, std::initializer_list<std::string_view> more) {
        list.insert(list.end(), more);
        return list;
    };
    const std::vector<std::string_view> error_body_text{"cs.error.standard*", "cs.api.json_baseline", "cs.api.response_object"};
    const std::vector<std::string_view> error_body_bare{"cs.error.schema.errcode_required", "cs.error.both_keys*"};
    const std::vector<std::string_view> session{"cs.response.sid.session", "cs.response.submit_url.accepts_token*"};
    return {
        {.name = "repairs-request",
         .description = "fills in or coerces a missing, mistyped or misspelt field (a fresh client_secret, send_attempt 1, "
                        "the first trusted id_server for a missing or empty one and only host characters kept in another, "
                        "country GB where it is not two letters, no spaces or control characters in an email, keypad "
                        "digits for letters) and validates anyway",
         .kills = {breaks(repaired), breaks({"cs.request.next_link.type"}, "< v1.14"),
                   {.sentences = {"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode"}, .endpoints = "[r3]*/msisdn"},
                   {.sentences = {"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode", "cs.request.email.format"},
                    .endpoints = "*/email"},
                   {.sentences = {"cs.error.code.bad_json*", "cs.error.code.invalid_param*", "is.error.code.invalid_email*",
                                  "is.error.code.invalid_address*", "is.error.code.invalid_param*"},
                    .endpoints = "password/*"}},
         .make = make<RepairsRequest>},
        {.name = "repairs-and-resets-anyone",
         .description = "repairs a bad request as repairs-request does, and sends a password reset for an address "
                        "bound to nobody",
         .kills = {breaks(with(repaired, {"cs.check.bound*"})), breaks({"cs.request.next_link.type"}, "< v1.14"),
                   {.sentences = {"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode"}, .endpoints = "*/msisdn"},
                   {.sentences = {"cs.request.address.refuse_malformed*", "cs.3pid.invalid_address.errcode", "cs.request.email.format"},
                    .endpoints = "*/email"}},
         .make = make<RepairsAndResetsAnyone>},
        {.name = "typed-reads-500",
         .description = "reads the body with throwing typed accessors: a body that is no JSON object, a missing field or "
                        "one of another type gets 500 (a fractional send_attempt is read as its integer part)",
         .kills = {breaks({"cs.request.*.required*", "cs.request.*.type*", "cs.request.body.*", "cs.api.json_baseline",
                           "cs.api.request_object", "cs.request.via_register.r0_3"}),
                   breaks({"cs.request.next_link.format"}, ">= v1.14")},
         .make = make<TypedReads500>},
        {.name = "rest-status-codes",
         .description = "answers a new validation session 201 Created and an address in use 409 Conflict",
         .kills = {breaks({"cs.response.200.sent", "cs.register.in_use.status", "cs.3pid.in_use.status", "cs.3pid.identical_to_register",
                           "cs.request.send_attempt.resend", "cs.request.send_attempt.email.repeat_succeeds",
                           "cs.api.request_content_type.optional", "cs.request.id_access_token.with_id_server*",
                           "cs.request.id_server.ignored*"})},
         .profiles = {"builtin", "builtin-delegate", "builtin-self"}, .make = make<RestStatusCodes>},
        {.name = "submit-url-relative",
         .description = "its submit_url is the path alone, not an absolute URI; under enumeration protection it also hides "
                        "a denied password reset, and an address in use on /account/3pid/email, with such an answer",
         .kills = {{.sentences = with(session, {"cs.response.submit_url.is_url", "cs.response.submit_url.format"}),
                    .modes = {Validation::self}}},
         .profiles = {"builtin-self", "builtin-enumeration"}, .editions = ">= r0.5.0", .make = make<SubmitUrlRelative>},
        {.name = "sid-base64",
         .description = "the sids of sessions it validates itself are standard base64, with '+' and '/'",
         .kills = {{.sentences = with(session, {"cs.response.sid.grammar"}), .modes = {Validation::self}},
                   {.sentences = {"cs.response.submit_url.token_incorrect"}, .editions = ">= v1.18", .modes = {Validation::self}}},
         .profiles = {"builtin-self"}, .make = make<OwnSessionSid<base64_sid>>},
        {.name = "self-answers-another-sid",
         .description = "answers a sid of its own making, not the session's sid that the validation mail carries",
         .kills = {{.sentences = session, .modes = {Validation::self}},
                   {.sentences = {"cs.response.submit_url.token_incorrect"}, .editions = ">= v1.18", .modes = {Validation::self}}},
         .profiles = {"builtin-self"},
         .make = make<OwnSessionSid<another_sid>>},
        {.name = "conceal-without-sid",
         .description = "under enumeration protection, the 200 that hides the address's state (also of a denied password "
                        "reset, and of an address in use on /account/3pid/email) has no sid",
         .kills = {breaks({"cs.response.sid.required"})}, .profiles = {"builtin-enumeration"},
         .make = make<ConcealsMore<empty_object>>},
        {.name = "conceal-202",
         .description = "under enumeration protection, the answer that hides the address's state (also of a denied password "
                        "reset, and of an address in use on /account/3pid/email) is 202 Accepted",
         .kills = {breaks({"cs.register.in_use.status", "cs.password.not_found.status", "cs.password.identical_to_register",
                           "cs.denied.status"}),
                   breaks({"cs.3pid.in_use.status"}, ">= r0.5.0")},
         .profiles = {"builtin-enumeration"}, .make = make<ConcealsMore<accepted_202>>},
        {.name = "repeat-refused-text",
         .description = "refuses a send_attempt it has seen for the session with a plain-text 400",
         .kills = {breaks(with(error_body_text, {"cs.request.send_attempt.email.repeat_succeeds"}), ">= r0.4.0")},
         .make = make<RepeatRefused<text_refusal>>},
        {.name = "repeat-refused-bare",
         .description = "refuses a send_attempt it has seen for the session with a 400 {message} (no errcode, no error)",
         .kills = {breaks(with(error_body_bare, {"cs.request.send_attempt.email.repeat_succeeds"}), ">= r0.4.0")},
         .make = make<RepeatRefused<bare_refusal>>},
        {.name = "repeat-refused-lowercase",
         .description = "refuses a send_attempt it has seen for the session with a 400 whose errcode has no namespace",
         .kills = {breaks({"cs.request.send_attempt.email.repeat_succeeds", "cs.error.namespace*"})},
         .make = make<RepeatRefused<lowercase_refusal>>},
        {.name = "other-id-server-refused-bare",
         .description = "validating through its own identity server, refuses an id_server naming another with a 400 "
                        "{message} (no errcode, no error)",
         .kills = {breaks(error_body_bare)}, .profiles = {"builtin-delegate"}, .editions = ">= r0.5.0",
         .make = make<OtherIdServerRefused<bare_refusal>>},
        {.name = "untrusted-id-server-refused-bare",
         .description = "proxying, refuses an id_server it cannot use (empty, or not one it trusts) with a 400 {message} "
                        "(no errcode, no error)",
         .kills = {breaks(error_body_bare)}, .make = make<UnusableIdServerRefused<bare_refusal>>},
        {.name = "untrusted-id-server-refused-lowercase",
         .description = "proxying, refuses an id_server it cannot use (empty, or not one it trusts) with an errcode that "
                        "has no namespace",
         .kills = {breaks({"cs.error.namespace*", "cs.error.code.server_not_trusted*", "cs.*.untrusted.errcode*"})},
         .make = make<UnusableIdServerRefused<lowercase_refusal>>},
        {.name = "token-required-text",
         .description = "from r0.6.0 refuses id_server without id_access_token with a plain-text 400",
         .kills = {breaks(error_body_text, ">= r0.6.0")}, .make = make<TokenRequired<text_refusal>>},
        {.name = "token-required-bare",
         .description = "from r0.6.0 refuses id_server without id_access_token with a 400 {message} (no errcode, no error)",
         .kills = {breaks(error_body_bare, ">= r0.6.0")}, .make = make<TokenRequired<bare_refusal>>},
        {.name = "medium-refusal-text",
         .description = "refuses a medium its configuration turns off on /account/3pid with a plain-text 400",
         .kills = {breaks(error_body_text, ">= r0.4.0")}, .profiles = {"builtin-no-3pid-msisdn"},
         .make = make<MediumRefused<text_refusal>>},
        {.name = "medium-refusal-bare",
         .description = "refuses a medium its configuration turns off on /account/3pid with a 400 {message} (no errcode, "
                        "no error)",
         .kills = {breaks(error_body_bare, ">= r0.4.0")}, .profiles = {"builtin-no-3pid-msisdn"},
         .make = make<MediumRefused<bare_refusal>>},
        {.name = "medium-refusal-text-plain",
         .description = "refuses a medium its configuration turns off on /account/3pid with JSON labelled text/plain",
         .kills = {breaks({"cs.api.content_type.r0", "cs.api.response_content_type"}, ">= r0.4.0")}, .profiles = {"builtin-no-3pid-msisdn"},
         .make = make<MediumRefused<json_text_refusal>>},
        {.name = "medium-refusal-lowercase",
         .description = "refuses a medium its configuration turns off on /account/3pid with an errcode that has no namespace",
         .kills = {breaks({"cs.error.namespace*", "cs.3pid.medium_not_supported.errcode", "cs.error.code.medium_not_supported"})},
         .profiles = {"builtin-no-3pid-msisdn"}, .make = make<MediumRefused<lowercase_refusal>>},
        {.name = "medium-setting-ignored", .description = "lets accounts add a medium its configuration turns off",
         .kills = {breaks({"cs.3pid.medium_not_supported.errcode"})}, .profiles = {"builtin-no-3pid-msisdn"},
         .editions = ">= v1.13", .make = make<MediumIgnored>},
        {.name = "reset-looks-up-first",
         .description = "looks a password reset's address up before checking its form: under enumeration protection a "
                        "malformed address is hidden behind a 200 instead of refused",
         .kills = {{.sentences = {"cs.request.address.refuse_malformed", "cs.request.country.form*", "cs.request.email.format"},
                    .endpoints = "password/*"}},
         .profiles = {"builtin-enumeration"}, .make = make<ResetLooksUpFirst>},
        {.name = "reset-address-unchecked",
         .description = "sends a password reset's token to whatever address it names, checking neither its form nor "
                        "whether an account has it",
         .kills = {{.sentences = {"cs.check.bound*"}, .endpoints = "password/*"},
                   {.sentences = {"cs.request.address.refuse_malformed", "cs.request.email.format"}, .modes = {Validation::self},
                    .endpoints = "password/email"}},
         .profiles = {"builtin-self"}, .make = make<ResetAddressUnchecked>},
        {.name = "delegate-submit-path",
         .description = "delegated validation answers the identity server's submitToken path, without its host, as "
                        "submit_url",
         .kills = {{.sentences = with(session, {"cs.response.submit_url.is_url", "cs.response.submit_url.format", "is.token.pass_through"}),
                    .modes = {Validation::delegate}}},
         .profiles = {"builtin-delegate"}, .editions = ">= r0.5.0", .make = make<DelegateSubmitPath>},
        {.name = "options-405", .description = "refuses an OPTIONS pre-flight 405 as a wrong method",
         .kills = {breaks({"cs.cors.options_expected"}), breaks({"cs.cors.browser_support"}, "< r0.5.0")},
         .make = make<Options405>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
