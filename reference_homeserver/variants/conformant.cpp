// Conformant variants: each uses one freedom the spec gives, names the sentence that gives it, and
// must pass every case in the editions and profiles it declares.
#include "reference_homeserver/variants/shared.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Session;
using detail::Stages;
using nlohmann::json;
using spec::Medium;
using spec::Purpose;
using spec::Validation;
using namespace std::chrono_literals;

const std::vector<std::string_view> all_profiles{"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration"};
const std::vector<std::string_view> mailing_profiles{"builtin-self", "builtin-enumeration"};

/// 429 with Retry-After for the first request of each client_secret, then answers; from v1.10,
/// where retry_after_ms is deprecated, without it.
struct RateLimitedOnce : Stages {
    detail::SeenOnce seen;
    std::optional<net::Response> rate_limit(Exchange& x) override {
        if (!seen.first(x.fields.client_secret)) return std::nullopt;
        auto answer = limited(20ms);
        if (x.since(Epoch::retry_after_header)) answer = json_answer(429, {{"errcode", "M_LIMIT_EXCEEDED"}, {"error", "too many requests"}});
        if (x.since(Epoch::retry_after_header)) answer.headers.emplace_back("Retry-After", "0");
        return answer;
    }
};

struct NoBodyLimit : Stages {
    std::size_t body_limit() const override { return std::size_t{64} << 20; }
};

struct RequiresIdAccessToken : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        if (auto refusal = Stages::check_fields(x)) return refusal;
        // r0.6.x documents neither field on password/msisdn (fixed in v1.1).
        const bool documented = x.endpoint.key != "password/msisdn" || x.since(Epoch::identity_v1_removed);
        if (documented && !x.fields.id_server.empty() && x.fields.id_access_token.empty())
            return error(400, "M_MISSING_PARAM", "id_access_token is required with id_server");
        return std::nullopt;
    }
};

/// Holds its answer until a while after the mail went out, as a server busy with SMTP would.
struct MailsBeforeAnswering : Stages {
    bool send_mail(Exchange& x, const std::string& to, const std::string& text) override {
        const bool sent = Stages::send_mail(x, to, text);
        x.state.later().pause(250ms);
        return sent;
    }
};

struct LateMail : Stages {
    bool send_mail(Exchange& x, const std::string& to, const std::string& text) override {
        auto* state = &x.state;
        return state->later().after(300ms, [state, to, text] { state->mail(to, text); });
    }
};

/// Leaves judging a malformed body to the identity server and relays its refusal.
struct ForwardsMalformed : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override { return relayed(x, Stages::parse_body(x)); }
    std::optional<net::Response> check_fields(Exchange& x) override { return relayed(x, Stages::check_fields(x)); }

    std::optional<net::Response> relayed(Exchange& x, std::optional<net::Response> refusal) {
        if (!refusal || !choose_raw(x)) return refusal;
        auto api = identity_api(x);
        auto url = x.identity_base + api.prefix + "/validate/" + std::string(spec::medium_name(x.endpoint.medium)) + "/requestToken";
        auto reply = x.state.post(url, x.request.body, api.bearer);
        auto body = json::parse(reply.body, nullptr, false);
        if (!reply.reached || reply.status < 400 || reply.status >= 500 || !body.is_object() || !body.contains("errcode"))
            return refusal;
        return json_answer(reply.status, body);
    }

    /// Where the body would have gone: the configured identity server, or a trusted id_server in it.
    bool choose_raw(Exchange& x) {
        if (x.validation == Validation::self) return false;
        const auto& body = x.body;
        auto text = [&](const char* key) {
            return body.is_object() && body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
        };
        x.fields.id_access_token = text("id_access_token");
        // A missing id_server is the homeserver's own requirement, not the identity server's to judge;
        // so are id_server and id_access_token of the wrong type.
        if (id_server_required(x) && text("id_server").empty()) return false;
        for (const char* own : {"id_server", "id_access_token"})
            if (body.is_object() && body.contains(own) && !body[own].is_string()) return false;
        const auto link = text("next_link");
        if (body.contains("next_link") && !next_link_valid(x, link)) return false;
        if (x.validation == Validation::delegate) {
            x.identity_base = x.config.delegate_identity_url;
            return true;
        }
        x.fields.id_server = text("id_server");
        if (x.fields.id_server.empty() || !trusts(x, x.fields.id_server)) return false;
        x.identity_base = x.config.identity_scheme + "://" + x.fields.id_server;
        return true;
    }
};

/// M_BAD_JSON for every request error after the body parsed (the edition's own code where it names one).
struct BadJsonEverywhere : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override { return as_bad_json(Stages::check_fields(x)); }
    std::optional<net::Response> check_address(Exchange& x) override {
        auto refusal = Stages::check_address(x);
        // From v1.13 /account/3pid names M_INVALID_PARAM for an address that is not valid.
        if (x.endpoint.purpose == Purpose::add_threepid && x.since(Epoch::add_threepid_errors)) return refusal;
        return as_bad_json(std::move(refusal));
    }
    std::optional<net::Response> as_bad_json(std::optional<net::Response> refusal) {
        if (!refusal) return refusal;
        auto body = json::parse(refusal->body, nullptr, false);
        return error(refusal->status, "M_BAD_JSON", body.is_object() ? body.value("error", "malformed request") : "malformed request");
    }
};

struct NewSidOnRepeat : Stages {
    std::atomic<unsigned> repeats{0};
    bool should_mail(Exchange& x, Session& session, bool created) override {
        const bool send = Stages::should_mail(x, session, created);
        if (!send) session.sids.push_back("repeat" + std::to_string(++repeats) + "." + session.sids.front());
        return send;
    }
};

struct PasswordUnknownNotice : Stages {
    std::optional<net::Response> bound_state(Exchange& x) override {
        const bool notice = x.endpoint.purpose == Purpose::reset_password && x.endpoint.medium == Medium::email &&
                            x.validation == Validation::self && !detail::is_bound(x.config, x.address);
        if (notice) return conceal(x);
        return Stages::bound_state(x);
    }
};

struct ExtraFields : Stages {
    net::Response json_answer(int status, const json& body) override {
        json extended = body;
        if (extended.is_object()) extended["org.mx3pid.extra"] = {{"note", "a field the spec does not define"}, {"n", 1}};
        return Stages::json_answer(status, extended);
    }
};

struct CharsetUtf8 : Stages {
    net::Response json_answer(int status, const json& body) override {
        auto answer = Stages::json_answer(status, body);
        for (auto& [name, value] : answer.headers)
            if (name == "Content-Type") value = "application/json; charset=utf-8";
        return answer;
    }
};

struct IgnoresIdServer : Stages {
    bool id_server_required(const Exchange&) override { return false; }
    std::optional<net::Response> check_fields(Exchange& x) override {
        x.body.erase("id_server");
        x.body.erase("id_access_token");
        return Stages::check_fields(x);
    }
};

struct MediumNotSupported : Stages {
    std::optional<net::Response> check_medium(Exchange& x) override {
        if (x.endpoint.purpose == Purpose::add_threepid && x.endpoint.medium == Medium::msisdn)
            return error(400, "M_THREEPID_MEDIUM_NOT_SUPPORTED", "phone numbers cannot be added to accounts here");
        return Stages::check_medium(x);
    }
};

/// Hides the bound state, and hides how long that took: the concealed answer comes 100–400 ms late.
struct EnumerationRandomDelay : Stages {
    std::mutex mutex;
    std::mt19937 random{std::random_device{}()};
    net::Response conceal(Exchange& x) override {
        std::chrono::milliseconds delay;
        {
            std::lock_guard lock(mutex);
            delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(100, 400)(random));
        }
        x.state.later().pause(delay);
        return Stages::conceal(x);
    }
};

struct LinkOnly : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        return Stages::answer(x, sid, x.validation == Validation::self ? std::nullopt : submit_url);
    }
};

/// Session IDs of 255 characters, using every character the grammar allows.
struct LongSid : Stages {
    bool should_mail(Exchange& x, Session& session, bool created) override {
        if (created) {
            std::string sid = session.sids.front() + ".=_-";
            static constexpr std::string_view fill = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            while (sid.size() < 255) sid += fill[sid.size() % fill.size()];
            session.sids = {sid};
        }
        return Stages::should_mail(x, session, created);
    }
};

std::string base64(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        unsigned chunk = 0;
        for (std::size_t k = 0; k < 3; ++k) chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
        for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[chunk >> (18 - 6 * k) & 63] : '=';
        if ((i + 3) % 57 == 0) out += "\r\n";  // 76 characters a line
    }
    return out;
}

/// Mails as Synapse does: multipart/alternative, plain text and HTML, both base64.
struct MultipartMail : Stages {
    std::string mail_text(const std::string& to, const std::string& subject, const std::string& body) override {
        const std::string boundary = "mx3pid-alternative-boundary";
        std::string html = "<!DOCTYPE html><html><body><p>";
        for (char c : body) html += c == '\n' ? std::string("<br>\n") : c == '<' ? std::string("&lt;") : std::string(1, c);
        html += "</p></body></html>";
        auto part = [&](const char* type, const std::string& content) {
            return "--" + boundary + "\r\nContent-Type: " + type + "; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
                   base64(content) + "\r\n";
        };
        return "From: mx3pid reference homeserver <reference@mx3pid.invalid>\r\nTo: <" + to + ">\r\nSubject: " + subject +
               "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n" +
               part("text/plain", body) + part("text/html", html) + "--" + boundary + "--\r\n";
    }
};

/// Registers nobody: POST /register is refused and there is no shared-secret registration.
struct RegistrationClosed : Stages {
    std::optional<net::Response> other_path(detail::State& state, const net::Request& request) override {
        const auto path = request.path();
        if (path == "/_synapse/admin/v1/register") return error(400, "M_UNKNOWN", "shared secret registration is not enabled");
        for (std::string_view prefix : {"/_matrix/client/r0/register", "/_matrix/client/v3/register"})
            if (path == prefix) return error(403, "M_FORBIDDEN", "registration has been disabled");
        return Stages::other_path(state, request);
    }
};

constexpr std::string_view self_validation =
    "r0.5.0, POST /_matrix/client/r0/register/email/requestToken: the homeserver may validate the address itself "
    "(send the email itself) instead of proxying to id_server; from r0.6.0 it should";

}  // namespace

std::vector<Variant> conformant() {
    const auto c = Behaviour::conformant;
    return {
        {.name = "rate-limited", .behaviour = c,
         .description = "answers the first request of each client_secret with 429 and Retry-After, then as the reference",
         .profiles = {"builtin"}, .epochs = {Epoch::retry_after_header},
         .basis = "r0.4.0, API standards › Rate limiting: any request may be answered 429 M_LIMIT_EXCEEDED, "
                  "with retry_after_ms saying how long to wait",
         .uses = {"cs.error.common*", "cs.ratelimit.retry_after_ms"},
         .make = make<RateLimitedOnce>},
        {.name = "no-body-limit", .behaviour = Behaviour::conformant,
         .description = "takes request bodies of any size",
         .profiles = {"builtin"},
         .basis = "r0.4.0, Standard error response: M_TOO_LARGE names a request too large, but no edition sets or "
                  "recommends a limit",
         .make = make<NoBodyLimit>},
        {.name = "requires-id-access-token", .behaviour = c,
         .description = "refuses id_server without id_access_token (400 M_MISSING_PARAM)", .profiles = all_profiles,
         .editions = ">= r0.6.0",
         .basis = "r0.6.0, POST /_matrix/client/r0/register/email/requestToken (and the other five): id_access_token "
                  "is required if an id_server is supplied",
         .uses = {"cs.request.id_access_token.optional_for_r0_5*"},
         .make = make<RequiresIdAccessToken>},
        {.name = "mails-before-answering", .behaviour = c,
         .description = "validates email itself, and answers 250 ms after the mail has gone out",
         .profiles = mailing_profiles, .editions = ">= r0.5.0", .basis = self_validation,
         .uses = {"cs.validation.choice.r0_5"},
         .make = make<MailsBeforeAnswering>},
        {.name = "late-mail", .behaviour = c, .description = "validates email itself, and mails 300 ms after answering",
         .profiles = mailing_profiles, .editions = ">= r0.5.0", .basis = self_validation, .grace = 1000ms,
         .uses = {"cs.validation.choice.r0_5"},
         .make = make<LateMail>},
        {.name = "delegate-extra-keys", .behaviour = c,
         .description = "delegating, sends the identity server of its configuration keys its API does not define (advice only)",
         .profiles = {"builtin-delegate"},
         .basis = "r0.6.0, POST /_matrix/client/r0/register/email/requestToken: only the id_server a client gives binds what "
                  "the server sends an identity server; one its configuration names is outside the client-server text",
         .make = make<ForwardsExtraKeys>},
        {.name = "forwards-malformed", .behaviour = c,
         .description = "forwards a malformed body to the identity server as it came, and relays its 4xx",
         .profiles = {"builtin", "builtin-delegate"},
         .basis = "r0.4.0, POST /_matrix/client/r0/register/email/requestToken: the homeserver proxies the identity "
                  "server's /validate/email/requestToken, having checked only the address's state first",
         .uses = {"cs.validation.relay_errors", "cs.gap.*"},
         .make = make<ForwardsMalformed>},
        {.name = "bad-json", .behaviour = c,
         .description = "M_BAD_JSON for every input error in a JSON object (M_INVALID_PARAM where v1.13 names it)",
         .profiles = all_profiles, .epochs = {Epoch::add_threepid_errors},
         .basis = "r0.4.0, API standards › Common error codes: M_BAD_JSON: the request contained valid JSON, but it "
                  "was malformed in some way, e.g. missing required keys, invalid values for keys",
         .uses = {"cs.gap.*", "cs.error.common*"},
         .make = make<BadJsonEverywhere>},
        {.name = "new-sid-on-repeat", .behaviour = c,
         .description = "answers a repeated request (same send_attempt) with a new sid, sending nothing",
         .profiles = mailing_profiles, .editions = ">= r0.5.0",
         .basis = "r0.5.0, POST /_matrix/client/r0/register/email/requestToken (send_attempt): a repeat must not "
                  "send again and should succeed; no edition says it gets the same sid",
         .uses = {"cs.gap.repeat.sid", "cs.response.sid.opaque"},
         .make = make<NewSidOnRepeat>},
        {.name = "password-unknown-notice", .behaviour = c,
         .description = "a password reset for an email bound to nobody: 200, and a mail saying so without a token",
         .profiles = {"builtin-self"}, .editions = ">= r0.5.0",
         .basis = "r0.4.0, POST /_matrix/client/r0/account/password/email/requestToken: M_THREEPID_NOT_FOUND may be "
                  "returned; the homeserver may instead send an email to the address prompting the user to register",
         .uses = {"cs.password.not_found.notice"},
         .make = make<PasswordUnknownNotice>},
        {.name = "extra-fields", .behaviour = c, .description = "a namespaced extra field in every JSON answer",
         .profiles = all_profiles,
         .basis = "r0.4.0, API standards › Standard error response: a body holds errcode and error, and may hold "
                  "further keys; the RequestTokenResponse schema does not forbid other properties",
         .uses = {"cs.error.extra_keys*"},
         .make = make<ExtraFields>},
        {.name = "charset-utf8", .behaviour = c, .description = "Content-Type: application/json; charset=utf-8",
         .profiles = all_profiles,
         .basis = "v1.4, API standards: servers must send Content-Type: application/json with JSON bodies; a "
                  "charset parameter keeps the media type application/json",
         .make = make<CharsetUtf8>},
        {.name = "msisdn-submit-elsewhere", .behaviour = c,
         .description = "delegated msisdn answers a submit_url of its own path, which passes the code on",
         .profiles = {"builtin-delegate", "builtin-self"}, .editions = ">= r0.5.0",
         .basis = "r0.5.0, POST /_matrix/client/r0/register/msisdn/requestToken (submit_url): an optional URL to "
                  "which the client submits the token, with the parameters of the identity service's submitToken",
         .make = make<PassesSubmitOn<token_as_given, reply_as_given>>},
        {.name = "delegate-ignores-id-server", .behaviour = c,
         .description = "validates through its own configured identity server and ignores id_server entirely",
         .profiles = {"builtin-delegate", "builtin-self"}, .editions = ">= r0.5.0",
         .basis = "r0.5.0, POST /_matrix/client/r0/register/email/requestToken (id_server): ignored when the "
                  "homeserver handles 3PID verification itself",
         .uses = {"cs.request.id_server.ignored*", "cs.3pid.untrusted.errcode*", "cs.password.untrusted.errcode", "cs.request.password_msisdn.no_id_fields"},
         .make = make<IgnoresIdServer>},
        {.name = "3pid-msisdn-unsupported", .behaviour = c,
         .description = "/account/3pid/msisdn/requestToken answers 400 M_THREEPID_MEDIUM_NOT_SUPPORTED",
         .profiles = {"builtin-no-3pid-msisdn"}, .editions = ">= v1.13",
         .basis = "v1.13, POST /_matrix/client/v3/account/3pid/msisdn/requestToken: 400 "
                  "M_THREEPID_MEDIUM_NOT_SUPPORTED when the homeserver does not support adding that medium",
         .uses = {"cs.contact.may_keep"},
         .make = make<MediumNotSupported>},
        {.name = "enumeration-random-delay", .behaviour = c,
         .description = "hides the bound state, and answers those requests after a random 100–400 ms",
         .profiles = {"builtin-enumeration"}, .editions = ">= r0.5.0",
         .basis = "r0.4.0, POST /_matrix/client/r0/register/email/requestToken: a homeserver able to send email is "
                  "recommended to mail the owner instead of answering M_THREEPID_IN_USE, so that the address's "
                  "state is not revealed",
         .uses = {"cs.register.in_use.conceal", "cs.password.not_found.notice", "cs.register.200.error_notice"},
         .make = make<EnumerationRandomDelay>},
        {.name = "link-only", .behaviour = c, .description = "validates email itself and answers no submit_url",
         .profiles = mailing_profiles, .editions = ">= r0.5.0",
         .basis = "r0.5.0, RequestTokenResponse (submit_url): optional; without it the client may assume the "
                  "homeserver validates the address without the client's involvement",
         .uses = {"cs.response.submit_url.optional"},
         .make = make<LinkOnly>},
        {.name = "long-sid", .behaviour = c,
         .description = "sids of 255 characters using every character of the grammar",
         .profiles = mailing_profiles, .editions = ">= r0.5.0",
         .basis = "r0.5.0, RequestTokenResponse (sid): an opaque session ID of 1 to 255 characters of [0-9a-zA-Z.=_-]",
         .uses = {"cs.response.sid.opaque"},
         .make = make<LongSid>},
        {.name = "registration-closed", .behaviour = c,
         .description = "registers nobody: POST /register answers 403 M_FORBIDDEN, no shared-secret registration",
         .profiles = {"builtin", "builtin-enumeration"}, .editions = ">= r0.5.0",
         .basis = "r0.5.0, POST /_matrix/client/r0/register: 403 when the homeserver does not permit registering the "
                  "account, registration being generally unsupported; the six requestToken endpoints do not depend on it",
         .make = make<RegistrationClosed>},
        {.name = "multipart-mail", .behaviour = c,
         .description = "mails multipart/alternative, plain text and HTML, base64-encoded",
         .profiles = mailing_profiles, .editions = ">= r0.5.0", .basis = self_validation,
         .uses = {"cs.validation.choice.r0_5"},
         .make = make<MultipartMail>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
