// The reference homeserver's handler, its identity server replaced by a canned answer and its mail
// server by a recorder, over a short sequence of requests.
// Line 1: "EDITION VARIANT VALIDATION STATUS BODY": the edition the server claims; the index of the
// built-in variant it answers as (0: the reference); how email and msisdn are validated, one
// letter each (p proxy, d delegate, s self), then "e" for enumeration protection; what the identity
// server answers (STATUS "-": it cannot be reached).
// Then requests as text (see fuzz_support.hpp read_request), separated by lines holding "%%".
// {sid}, {secret} and {code} stand for those of the link in the last validation mail.
#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.hpp"
#include "reference_homeserver/detail/request_token.hpp"
#include "reference_homeserver/variants.hpp"
#include "smtp_sink/detail/mail.hpp"
#include "spec/endpoints.hpp"
#include "spec/grammar.hpp"

using namespace mx3pid;
using namespace mx3pid::reference_homeserver;
using nlohmann::json;

namespace {

const std::string trusted = "id.fuzz.example:8090";
const std::string delegate_url = "http://delegate.fuzz.example:8091";
const std::string public_url = "http://hs.fuzz.example";

std::string_view next_word(std::string_view& line) {
    auto space = line.find(' ');
    auto word = line.substr(0, space);
    line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
    return word;
}

int number(std::string_view text) {
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

spec::Validation validation_from(char letter, bool self_allowed) {
    if (letter == 'd') return spec::Validation::delegate;
    if (letter == 's' && self_allowed) return spec::Validation::self;
    return spec::Validation::proxy;
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

struct Forwarded {
    int calls = 0;
    std::string url;
    json body;
};

struct Mailed {
    int count = 0;
    std::string sid, secret, code;
};

const spec::Endpoint* endpoint_of(const net::Request& request) {
    auto path = request.path();
    for (std::string_view prefix : {"/_matrix/client/r0", "/_matrix/client/v3"})
        if (path.rfind(prefix, 0) == 0) return spec::find_endpoint_by_path(std::string_view(path).substr(prefix.size()));
    return nullptr;
}

/// What a spec-correct server may forward for `endpoint`.
void check_forwarded(const Forwarded& forwarded, const spec::Endpoint& endpoint, const Config& config,
                     const std::string& context) {
    auto medium = std::string(spec::medium_name(endpoint.medium));
    auto validation = endpoint.medium == spec::Medium::email ? config.email_validation : config.msisdn_validation;
    fuzz::expect(validation != spec::Validation::self, "forwarded although it validates itself", context);
    auto base = validation == spec::Validation::proxy ? "http://" + trusted : delegate_url;
    const bool v1 = forwarded.url == base + "/_matrix/identity/api/v1/validate/" + medium + "/requestToken";
    const bool v2 = forwarded.url == base + "/_matrix/identity/v2/validate/" + medium + "/requestToken";
    fuzz::expect(v1 || v2,
                 "forwarded to an identity server it does not trust, or to the wrong path", forwarded.url + "\n" + context);
    const json& body = forwarded.body;
    fuzz::expect(body.is_object() && body.contains("client_secret") && body["client_secret"].is_string() &&
                     spec::is_valid_client_secret(body["client_secret"].get<std::string>()),
                 "forwarded without a valid client_secret", context);
    fuzz::expect(body.contains("send_attempt") && body["send_attempt"].is_number_integer(),
                 "forwarded without an integer send_attempt", context);
    if (endpoint.medium == spec::Medium::email) {
        fuzz::expect(body.contains("email") && body["email"].is_string(), "forwarded without the email", context);
        auto email = lower(body["email"].get<std::string>());
        fuzz::expect(email.substr(email.rfind('@') + 1) != "denied.example", "forwarded a denied address", context);
        bool bound = email == "taken@allowed.example";
        fuzz::expect(bound == endpoint.wants_bound_address(),
                     bound ? "forwarded an address already in use" : "forwarded a password reset for an unbound address",
                     context);
    } else {
        fuzz::expect(body.contains("country") && body["country"].is_string() && body.contains("phone_number") &&
                         body["phone_number"].is_string(),
                     "forwarded without country and phone_number", context);
        fuzz::expect(body["country"] != "US", "forwarded a denied address", context);
    }
}

/// A mail as the reference sends it, read back the way the SMTP sink reads it.
void check_mail(const std::string& to, const std::string& text, Mailed& mailed) {
    auto headers_end = text.find("\r\n\r\n");
    fuzz::expect(headers_end != std::string::npos, "a mail without a header section", text);
    for (auto line : fuzz::split(std::string_view(text).substr(0, headers_end), "\r\n"))
        fuzz::expect(line.find(':') != std::string_view::npos && line.find('\n') == std::string_view::npos &&
                         line.find('\r') == std::string_view::npos,
                     "a mail header line that is not 'Name: value'", text);
    auto mail = smtp_sink::detail::read_mail(text);
    if (text.find("\n" + public_url + "/_matrix/client/unstable/mx3pid/submit_token?", headers_end) == std::string::npos)
        return;
    fuzz::expect(mail.validation.has_value(), "the SMTP sink finds no validation link in the mail", text);
    fuzz::expect(mail.validation->url.rfind(public_url, 0) == 0, "a validation link off the public base URL", text);
    mailed.sid = mail.validation->sid;
    mailed.secret = mail.validation->client_secret;
    mailed.code = mail.validation->token;
    (void)to;
}

void check_response(const net::Request& request, const net::Response& response, const Config& config,
                    const Forwarded& forwarded, const detail::ForwardResult& canned, const std::string& context) {
    fuzz::expect(response.status >= 100 && response.status <= 599, "a status outside 100-599", context);
    fuzz::expect(forwarded.calls <= 1, "forwarded more than once", context);
    if (config.variant) return;

    auto type = response.header("Content-Type");
    auto body = json::parse(response.body, nullptr, false);
    bool html_or_text = type && type->rfind("text/", 0) == 0 && request.method == "GET" && response.status == 200;
    if (!html_or_text) {
        fuzz::expect(type && type->rfind("application/json", 0) == 0, "an answer that is not application/json", context);
        fuzz::expect(body.is_object(), "an answer that is not a JSON object", context);
    }
    if (response.status >= 400)
        fuzz::expect(body.contains("errcode") && body["errcode"].is_string(), "an error without errcode", context);

    const auto* endpoint = endpoint_of(request);
    if (forwarded.calls == 1) {
        fuzz::expect(endpoint != nullptr && request.method == "POST", "forwarded a request that is not a requestToken POST", context);
        check_forwarded(forwarded, *endpoint, config, context);
    }
    if (response.status != 200 || !endpoint || request.method != "POST") return;
    fuzz::expect(body.contains("sid") && body["sid"].is_string(), "a 200 requestToken answer without a sid", context);
    auto validation = endpoint->medium == spec::Medium::email ? config.email_validation : config.msisdn_validation;
    if (validation == spec::Validation::self || config.enumeration_protection) {
        fuzz::expect(spec::is_valid_sid(body["sid"].get<std::string>()), "a sid of its own outside the grammar", context);
        return;
    }
    fuzz::expect(forwarded.calls == 1 && canned.reached && canned.status == 200, "200 without the identity server's 200",
                 context);
    auto identity = json::parse(canned.body, nullptr, false);
    fuzz::expect(identity.is_object() && identity.contains("sid") && body["sid"] == identity["sid"],
                 "a sid other than the identity server's", context);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto input = fuzz::as_text(data, size);
    auto setup = fuzz::take_line(input);
    Config config;
    config.edition = std::string(next_word(setup));
    const auto& variants = reference_homeserver::variants();
    const auto& variant = variants[static_cast<unsigned>(number(next_word(setup))) % variants.size()];
    config.variant = &variant == &reference() ? nullptr : &variant;
    auto validation = std::string(next_word(setup)) + "  ";
    config.email_validation = validation_from(validation[0], true);
    config.msisdn_validation = validation_from(validation[1], false);
    config.enumeration_protection = validation[2] == 'e';
    auto forward_status = next_word(setup);
    detail::ForwardResult canned{forward_status != "-", number(forward_status), std::string(setup)};
    config.bound_emails = {"Taken@allowed.example"};
    config.bound_msisdns = {{"GB", "7700 900001"}};
    config.denied_email_domains = {"Denied.example"};
    config.denied_msisdn_countries = {"US"};
    config.trusted_identity_servers = {trusted};
    config.delegate_identity_url = delegate_url;
    config.smtp_authority = "127.0.0.1:25";

    Forwarded forwarded;
    Mailed mailed;
    detail::RequestTokenService service(
        config,
        [&](const std::string& url, const std::string& body, const std::string&, const std::string&) {
            if (url.size() > 17 && url.substr(url.size() - 17) == "/account/register")
                return detail::ForwardResult{true, 200, R"({"token":"fuzz-token"})"};
            ++forwarded.calls;
            forwarded.url = url;
            forwarded.body = json::parse(body, nullptr, false);
            return canned;
        },
        [&](const std::string& to, const std::string& text) {
            ++mailed.count;
            check_mail(to, text, mailed);
            return (mailed.count & 3) != 3;
        });
    service.set_public_base_url(public_url);

    auto parts = fuzz::split(input, "\n%%\n");
    if (parts.size() > 8) parts.resize(8);
    for (auto part : parts) {
        auto request = fuzz::read_request(part);
        for (auto* text : {&request.target, &request.body}) {
            fuzz::replace_all(*text, "{sid}", mailed.sid);
            fuzz::replace_all(*text, "{secret}", mailed.secret);
            fuzz::replace_all(*text, "{code}", mailed.code);
        }
        forwarded = {};
        net::Response response;
        try {
            response = service.handle(request);
        } catch (const std::exception& error) {
            fuzz::finding("RequestTokenService::handle threw", error.what());
        }
        std::string context = "edition " + config.edition + ", variant " + std::string(variant.name) +
                              ", identity answers " + std::string(forward_status) + " " + canned.body + "\n" +
                              request.method + " " + request.target + "\n" + request.body.substr(0, 500) + "\n-> " +
                              std::to_string(response.status) + " " + response.body.substr(0, 500);
        check_response(request, response, config, forwarded, canned, context);
    }
    return 0;
}
