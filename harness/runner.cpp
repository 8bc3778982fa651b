#include "harness/runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "harness/citation.hpp"
#include "harness/detail/checks.hpp"
#include "harness/detail/curl.hpp"
#include "spec/grammar.hpp"
#include "spec/utf8.hpp"

namespace mx3pid::harness {
namespace {

using nlohmann::json;
using reports::CheckResult;
using reports::Verdict;
using detail::failed;
using detail::passed;

constexpr const char* redacted = "<redacted>";
constexpr int cases_given_up_before_stopping = 3;
constexpr int most_attempts = 8;

/// Everything one case generated, so that requests can be built and secrets redacted.
struct Fixture {
    Address address;
    std::string client_secret;
    std::string next_link;
    std::int64_t send_attempt = 0;
    std::vector<std::string> secrets;  ///< every value to redact: client secrets sent, tokens seen
    bool redact = true;
};

std::string redact(std::string text, const Fixture& fixture) {
    if (!fixture.redact) return text;
    for (const auto& secret : fixture.secrets) {
        if (secret.size() < 4) continue;
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at))
            text.replace(at, secret.size(), redacted);
    }
    return text;
}

void keep_secret(Fixture& fixture, const std::string& secret) {
    if (!secret.empty() && std::find(fixture.secrets.begin(), fixture.secrets.end(), secret) == fixture.secrets.end())
        fixture.secrets.push_back(secret);
}

std::optional<Address> address_for(const Case& instance, Environment& env, std::size_t index) {
    const auto medium = instance.endpoint->medium;
    const bool email = medium == spec::Medium::email;
    const auto& profile = env.profile;
    Address address;
    address.medium = medium;
    switch (resolve_address(instance.source->address, *instance.endpoint)) {
        case AddressChoice::bound:
            if (email ? !profile.bound_email : !profile.bound_msisdn) return std::nullopt;
            if (email) address.email = *profile.bound_email; else address.msisdn = *profile.bound_msisdn;
            return address;
        case AddressChoice::denied:
            if (email ? !profile.denied_email : !profile.denied_msisdn) return std::nullopt;
            if (email) address.email = *profile.denied_email; else address.msisdn = *profile.denied_msisdn;
            return address;
        default:
            return env.fixtures.fresh_address(index, medium);
    }
}

net::Request build_request(const Case& instance, const RequestSpec& spec, const Fixture& fixture, Environment& env) {
    net::Request request;
    request.method = spec.method;
    auto base = env.homeserver.path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    request.target = base + "/_matrix/client/" + std::string(env.edition.client_prefix()) + std::string(instance.endpoint->path);
    request.headers.emplace_back("Content-Type", spec.content_type.value_or("application/json"));
    request.headers.emplace_back("Accept", "application/json");
    if (spec.raw_body) {
        request.body = *spec.raw_body;
        return request;
    }
    json body{{"client_secret", fixture.client_secret}};
    if (fixture.address.medium == spec::Medium::email) {
        body["email"] = fixture.address.email;
    } else {
        body["country"] = fixture.address.msisdn.country;
        body["phone_number"] = fixture.address.msisdn.phone_number;
    }
    body["send_attempt"] = fixture.send_attempt + spec.send_attempt_increment;
    body["next_link"] = fixture.next_link;
    if (spec.id_server == IdServerChoice::trusted)
        body["id_server"] = env.id_server.empty() ? env.identity.authority() : env.id_server;
    if (spec.id_server == IdServerChoice::untrusted) body["id_server"] = env.decoy.authority();
    for (const auto& field : spec.remove) body.erase(field);
    for (const auto& [key, value] : spec.set.items()) body[key] = value;
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return request;
}

reports::HttpExchange record(const net::Url& origin, const net::Request& request,
                             const net::Outcome<net::Response>& outcome, const Fixture& fixture,
                             reports::Clock::time_point started) {
    reports::HttpExchange exchange;
    exchange.method = request.method;
    exchange.url = redact(origin.origin() + request.target, fixture);
    for (const auto& [name, value] : request.headers) exchange.request_headers.emplace_back(name, redact(value, fixture));
    exchange.request_body = redact(request.body, fixture);
    exchange.started = started;
    exchange.finished = reports::Clock::now();
    if (outcome) {
        exchange.status = outcome->status;
        for (const auto& [name, value] : outcome->headers) exchange.response_headers.emplace_back(name, redact(value, fixture));
        exchange.response_body = redact(outcome->body, fixture);
    } else {
        exchange.transport_error = outcome.failure().describe();
    }
    return exchange;
}

/// How long a 429 asks to be left alone: Retry-After (seconds), else retry_after_ms, else a second.
std::chrono::milliseconds retry_delay(const net::Response& response) {
    if (auto header = response.header("Retry-After")) {
        try {
            return std::chrono::seconds(std::stol(*header));
        } catch (const std::exception&) {
        }
    }
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("retry_after_ms") && body["retry_after_ms"].is_number_integer())
        return std::chrono::milliseconds(std::max<std::int64_t>(0, body["retry_after_ms"].get<std::int64_t>()));
    return std::chrono::seconds(1);
}

/// One question to the homeserver, with 429s waited out: an answer worth judging, or why there is none.
struct Answer {
    std::optional<net::Response> response;
    std::string error;      ///< one line, when there is no response to judge
    bool gave_up = false;  ///< a timeout or a rate limit that did not lift: the next case may fare no better
};

Answer ask(const net::Url& url, const net::Request& request, Environment& env, Fixture& fixture,
           reports::CaseResult& result, bool redirect_is_error) {
    std::chrono::milliseconds waited{0};
    for (int attempt = 1;; ++attempt) {
        auto started = reports::Clock::now();
        auto outcome = env.http.send(url, request);
        result.exchanges.push_back(record(url, request, outcome, fixture, started));
        if (!outcome)
            return {std::nullopt, "could not ask the homeserver: " + outcome.failure().describe(),
                    outcome.failure().error == net::TransportError::timeout};
        auto& response = *outcome;
        if (response.status == 429) {
            auto delay = retry_delay(response);
            if (attempt >= most_attempts || waited + delay > env.profile.max_rate_limit_wait)
                return {std::nullopt,
                        "rate limited (429) after waiting " + std::to_string(waited.count() / 1000) +
                            " s: raise the homeserver's requestToken rate limit for this client "
                            "(Synapse: rc_3pid_validation) or timing.max_rate_limit_wait_ms in the profile",
                        true};
            ++env.rate_limited;
            waited += delay;
            std::this_thread::sleep_for(delay);
            continue;
        }
        if (redirect_is_error && response.status >= 300 && response.status < 400)
            return {std::nullopt,
                    "the homeserver redirected (" + std::to_string(response.status) + " to " +
                        detail::one_line(response.header("Location").value_or("nowhere"), 120) +
                        "); mx3pid does not follow redirects: give --homeserver the final URL",
                    false};
        if (!spec::is_valid_utf8(response.body))
            return {std::nullopt, "malformed response: the body is not valid UTF-8", false};
        return {std::move(response), "", false};
    }
}

bool is_error_status(int status) { return status >= 400; }

void judge_step(const Step& step, const net::Response& response, const spec::Edition& edition,
                std::vector<CheckResult>& checks) {
    checks.push_back(detail::check_status(step.expect.status, response));
    const bool expected = std::find(step.expect.status.begin(), step.expect.status.end(), response.status) != step.expect.status.end();
    if (expected && is_error_status(response.status)) {
        auto by_status = step.expect.errcode_by_status.find(response.status);
        const auto& allowed = by_status != step.expect.errcode_by_status.end() ? by_status->second : step.expect.errcode;
        auto more = detail::check_error_body(response, allowed, edition);
        checks.insert(checks.end(), more.begin(), more.end());
    }
    if (step.expect.sid && response.status == 200) {
        checks.push_back(detail::check_sid(response));
        if (auto submit_url = detail::check_submit_url(response, edition)) checks.push_back(*submit_url);
    }
}

std::string field_text(const json& body, const char* key) {
    auto it = body.is_object() ? body.find(key) : body.end();
    if (it == body.end()) return "(absent)";
    return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, json::error_handler_t::replace);
}

/// Everything the side channel saw while one case ran.
struct Observation {
    std::vector<mock_identity::ReceivedRequest> trusted;
    std::vector<mock_identity::ReceivedRequest> decoy;
    std::vector<mock_identity::SentMessage> messages;  ///< identity server messages to the case's address
    std::vector<smtp_sink::ReceivedMail> mails;        ///< mail to the case's address

    std::size_t message_count() const { return messages.size() + mails.size(); }
    std::size_t token_count() const {
        return messages.size() + static_cast<std::size_t>(std::count_if(mails.begin(), mails.end(), [](const auto& mail) {
                   return mail.validation || !mail.bare_token.empty();
               }));
    }
};

struct Marks {
    std::uint64_t identity, decoy, identity_messages, decoy_messages, mails;
};

Marks mark(Environment& env) {
    return {env.identity.last_request_sequence(), env.decoy.last_request_sequence(),
            env.identity.last_message_sequence(), env.decoy.last_message_sequence(),
            env.mailbox ? env.mailbox->last_sequence() : 0};
}

bool same_address(const std::string& recorded, const Address& address) {
    if (address.medium == spec::Medium::email) return spec::ascii_lower(recorded) == spec::ascii_lower(address.email);
    auto space = recorded.find(' ');
    return space != std::string::npos && recorded.substr(0, space) == address.msisdn.country &&
           spec::phone_digits(recorded.substr(space + 1)) == spec::phone_digits(address.msisdn.phone_number);
}

/// Does this identity-server request carry something of the case: its address or one of its secrets?
bool belongs_to(const mock_identity::ReceivedRequest& request, const Fixture& fixture) {
    const std::string text = spec::ascii_lower(request.raw_body + "&" + request.query);
    if (fixture.address.medium == spec::Medium::email) {
        if (text.find(spec::ascii_lower(fixture.address.email)) != std::string::npos ||
            text.find(spec::ascii_lower(net::percent_encode(fixture.address.email))) != std::string::npos)
            return true;
    } else if (text.find(spec::phone_digits(fixture.address.msisdn.phone_number)) != std::string::npos) {
        return true;
    }
    return std::any_of(fixture.secrets.begin(), fixture.secrets.end(),
                       [&](const std::string& secret) { return text.find(spec::ascii_lower(secret)) != std::string::npos; });
}

/// What reached the side channel since `since`. With one case at a time everything counts; with
/// several at once, only what carries the case's address or secrets can be told apart.
Observation observe(Environment& env, const Marks& since, const Fixture& fixture) {
    const auto& address = fixture.address;
    const bool attribute = env.jobs > 1;
    Observation seen;
    for (auto& request : env.identity.requests_since(since.identity))
        if (!attribute || belongs_to(request, fixture)) seen.trusted.push_back(std::move(request));
    for (auto& request : env.decoy.requests_since(since.decoy))
        if (!attribute || belongs_to(request, fixture)) seen.decoy.push_back(std::move(request));
    for (auto* server : {&env.identity, &env.decoy}) {
        auto from = server == &env.identity ? since.identity_messages : since.decoy_messages;
        for (auto& message : server->messages_since(from))
            if (same_address(message.address, address)) seen.messages.push_back(std::move(message));
    }
    if (env.mailbox && address.medium == spec::Medium::email) {
        for (auto& mail : env.mailbox->messages_since(since.mails))
            if (std::any_of(mail.recipients.begin(), mail.recipients.end(),
                            [&](const std::string& to) { return spec::ascii_lower(to) == spec::ascii_lower(address.email); }))
                seen.mails.push_back(std::move(mail));
    }
    return seen;
}

/// For servers that act after answering: watch the side channel for the profile's grace period, or
/// until what must arrive has arrived. A bounded observation window, not a wait for a known event.
Observation settle(Environment& env, const Marks& since, const Fixture& fixture, const SideChannelExpectation& expect) {
    auto seen = observe(env, since, fixture);
    const auto grace = env.profile.side_channel_grace;
    if (grace.count() == 0) return seen;
    const int wanted = expect.tokens_delivered.value_or(expect.delivered ? 1 : 0);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (wanted > 0 && seen.token_count() >= static_cast<std::size_t>(wanted)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        seen = observe(env, since, fixture);
    }
    return seen;
}

bool is_request_token(const mock_identity::ReceivedRequest& request) {
    return request.path.find("/requestToken") != std::string::npos;
}

/// Does the request the identity server received carry what the client sent?
CheckResult check_forwarded(const mock_identity::ReceivedRequest& forwarded, const json& sent, const Fixture& fixture) {
    std::vector<std::string> wrong;
    for (const char* key : {"client_secret", "email", "country", "phone_number", "send_attempt", "next_link"}) {
        if (!sent.contains(key)) continue;
        auto expected = field_text(sent, key);
        auto actual = field_text(forwarded.body, key);
        bool same = std::string_view(key) == "email" ? spec::ascii_lower(actual) == spec::ascii_lower(expected) : actual == expected;
        if (!same) wrong.push_back(std::string(key) + "=" + detail::one_line(redact(actual, fixture), 60));
    }
    const std::string expected = "one request with the client's client_secret, address, send_attempt and next_link";
    if (wrong.empty()) return passed("delivered", expected, "one request, all as sent");
    std::string actual;
    for (const auto& item : wrong) actual += (actual.empty() ? "" : ", ") + item;
    return failed("delivered", expected, actual);
}

CheckResult check_delivered(Validation validation, const Observation& seen, const json& sent, const Fixture& fixture) {
    if (validation == Validation::self) {
        const std::string expected = "one mail to the address with a validation link or code";
        if (seen.mails.size() != 1) return failed("delivered", expected, std::to_string(seen.mails.size()) + " mails");
        const auto& mail = seen.mails.front();
        if (!mail.validation && mail.bare_token.empty())
            return failed("delivered", expected, "a mail with neither a link carrying a token nor a code");
        auto secret = field_text(sent, "client_secret");
        if (mail.validation && !mail.validation->client_secret.empty() && mail.validation->client_secret != secret)
            return failed("delivered", expected, "the link carries another client_secret");
        return passed("delivered", expected, mail.validation ? "one mail with a validation link" : "one mail with a code");
    }
    std::vector<const mock_identity::ReceivedRequest*> forwarded;
    for (const auto& request : seen.trusted)
        if (is_request_token(request)) forwarded.push_back(&request);
    if (forwarded.size() != 1)
        return failed("delivered", "exactly one requestToken at the trusted identity server",
                      std::to_string(forwarded.size()));
    return check_forwarded(*forwarded.front(), sent, fixture);
}

CheckResult check_sid_matches(Validation validation, const Observation& seen, const std::optional<std::string>& answered) {
    auto actual = answered ? "\"" + detail::one_line(*answered, 80) + "\"" : std::string("no sid");
    if (validation == Validation::self) {
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

/// Completes a self-validated session as a user would, and judges whether the server accepted it.
CheckResult follow_link(const Observation& seen, const std::optional<net::Response>& first_answer,
                        const std::optional<std::string>& sid, Environment& env, Fixture& fixture,
                        reports::CaseResult& result) {
    const std::string name = "validation completes";
    const smtp_sink::ReceivedMail* mail = seen.mails.empty() ? nullptr : &seen.mails.front();
    std::string token = mail && mail->validation ? mail->validation->token : mail ? mail->bare_token : "";
    if (token.empty()) return failed(name, "a token in the mail to submit", "none");
    keep_secret(fixture, token);

    std::optional<std::string> submit_url;
    if (first_answer) {
        auto body = json::parse(first_answer->body, nullptr, false);
        if (body.is_object() && body.contains("submit_url") && body["submit_url"].is_string())
            submit_url = body["submit_url"].get<std::string>();
    }
    std::string target_text = submit_url ? *submit_url : mail && mail->validation ? mail->validation->url : "";
    auto url = net::Url::parse(target_text);
    if (!url) return failed(name, "a submit_url or a link to follow", "none usable: " + detail::one_line(target_text, 80));

    net::Request request;
    request.target = url->path;
    url->path = "/";
    if (submit_url) {
        request.method = "POST";
        request.headers.emplace_back("Content-Type", "application/json");
        request.body = json{{"sid", sid.value_or("")}, {"client_secret", fixture.client_secret}, {"token", token}}.dump();
    }
    auto answer = ask(*url, request, env, fixture, result, false);
    const std::string expected = submit_url ? "200 {\"success\": true} from submit_url" : "a 2xx or 3xx from the mailed link";
    if (!answer.response) return failed(name, expected, answer.error);
    if (submit_url) {
        auto body = json::parse(answer.response->body, nullptr, false);
        bool success = answer.response->status == 200 && body.is_object() && body.value("success", false) == true;
        return success ? passed(name, expected, "success")
                       : failed(name, expected, std::to_string(answer.response->status) + " " + detail::one_line(answer.response->body, 100));
    }
    return answer.response->status < 400 ? passed(name, expected, std::to_string(answer.response->status))
                                         : failed(name, expected, std::to_string(answer.response->status));
}

void count_check(const char* name, std::optional<int> exactly, std::optional<int> at_most, std::size_t actual,
                 std::vector<CheckResult>& checks) {
    if (exactly) {
        auto wanted = std::to_string(*exactly);
        checks.push_back(actual == static_cast<std::size_t>(*exactly) ? passed(name, wanted, std::to_string(actual))
                                                                       : failed(name, wanted, std::to_string(actual)));
    }
    if (at_most) {
        auto wanted = "at most " + std::to_string(*at_most);
        checks.push_back(actual <= static_cast<std::size_t>(*at_most) ? passed(name, wanted, std::to_string(actual))
                                                                       : failed(name, wanted, std::to_string(actual)));
    }
}

void describe_side_channel(const Observation& seen, const Fixture& fixture, std::vector<std::string>& lines) {
    auto requests = [&](const std::vector<mock_identity::ReceivedRequest>& list, const char* who) {
        for (const auto& request : list)
            lines.push_back(std::string(who) + ": " + request.method + " " + request.path + " → " +
                            std::to_string(request.status) + " " + detail::one_line(redact(request.raw_body, fixture), 300));
    };
    requests(seen.trusted, "identity server");
    requests(seen.decoy, "untrusted identity server");
    for (const auto& mail : seen.mails)
        lines.push_back("mail to " + fixture.address.describe() + ": \"" + detail::one_line(mail.subject, 80) + "\"" +
                        (mail.validation ? " with a validation link" : mail.bare_token.empty() ? " with no token" : " with a code"));
    lines.push_back("validation messages to the address: " + std::to_string(seen.message_count()));
}

bool looks_unimplemented(const reports::HttpExchange& exchange) {
    if (!exchange.status) return false;
    if (*exchange.status == 404 || *exchange.status == 405) return true;
    auto body = json::parse(exchange.response_body, nullptr, false);
    return body.is_object() && body.value("errcode", "") == "M_UNRECOGNIZED";
}

void conclude(reports::CaseResult& result, const CaseTemplate& source) {
    std::vector<const CheckResult*> failures;
    for (auto& check : result.checks) {
        if (check.verdict != Verdict::fail) continue;
        if (source.level == Level::should) check.verdict = Verdict::warn;
        failures.push_back(&check);
    }
    if (failures.empty()) {
        result.verdict = Verdict::pass;
        return;
    }
    result.verdict = source.level == Level::should ? Verdict::warn : Verdict::fail;
    const auto& first = *failures.front();
    result.message = first.name + ": expected " + first.expected + ", got " + first.actual;
    if (failures.size() > 1) result.message += " (and " + std::to_string(failures.size() - 1) + " more)";
    // Unimplemented rather than wrong: the endpoint said it does not exist where the case expected otherwise.
    const auto& first_exchange = result.exchanges.front();
    const auto& statuses = source.steps.front().expect.status;
    if (first_exchange.method == "POST" && looks_unimplemented(first_exchange) &&
        std::find(statuses.begin(), statuses.end(), *first_exchange.status) == statuses.end()) {
        if (result.verdict == Verdict::fail) result.verdict = Verdict::not_implemented;
        result.message = "not implemented: the endpoint answered " + std::to_string(*first_exchange.status) +
                         " as if it did not exist; " + result.message;
    }
}

reports::CaseResult start_result(const SelectedCase& selected, const spec::Edition& edition) {
    const Case& instance = selected.instance;
    reports::CaseResult result;
    result.id = instance.id;
    result.endpoint = std::string(instance.endpoint->key);
    result.kind = instance.source->kind;
    result.title = instance.source->title;
    result.level = instance.source->level == Level::must ? "MUST" : "SHOULD";
    result.spec = cite(instance, edition);
    result.started = reports::Clock::now();
    return result;
}

reports::CaseResult execute(const SelectedCase& selected, std::size_t index, Environment& env, bool& gave_up) {
    const Case& instance = selected.instance;
    const CaseTemplate& source = *instance.source;
    reports::CaseResult result = start_result(selected, env.edition);
    auto finish = [&]() -> reports::CaseResult {
        result.finished = reports::Clock::now();
        return std::move(result);
    };
    if (selected.skip_reason) {
        result.verdict = Verdict::skip;
        result.message = *selected.skip_reason;
        return finish();
    }
    auto address = address_for(instance, env, index);
    if (!address) {
        result.verdict = Verdict::skip;
        result.message = profile_skip_reason(instance, env.profile).value_or("no address for this case");
        return finish();
    }
    const auto generated = env.fixtures.for_case(index, instance.id);
    Fixture fixture{*address, generated.client_secret, generated.next_link, generated.send_attempt, {}, env.redact};
    keep_secret(fixture, fixture.client_secret);
    const auto validation = env.profile.validation_for(instance.endpoint->medium);
    const auto since = mark(env);

    std::optional<std::string> first_sid;
    std::optional<net::Response> first_answer;
    json first_body;
    for (const auto& step : source.steps) {
        auto request = build_request(instance, step.request, fixture, env);
        auto sent = json::parse(request.body, nullptr, false);
        if (sent.is_object() && sent.contains("client_secret") && sent["client_secret"].is_string())
            keep_secret(fixture, sent["client_secret"].get<std::string>());
        if (!first_answer) first_body = sent;
        if (result.curl.empty()) result.curl = detail::curl_line(env.homeserver, request, fixture.secrets, env.redact);
        auto answer = ask(env.homeserver, request, env, fixture, result, true);
        if (!answer.response) {
            result.verdict = Verdict::error;
            result.message = answer.error;
            gave_up = answer.gave_up;
            break;
        }
        judge_step(step, *answer.response, env.edition, result.checks);
        if (!first_answer) {
            first_answer = answer.response;
            first_sid = detail::sid_of(*answer.response);
        }
    }

    const auto& expect = source.side_channel;
    auto seen = settle(env, since, fixture, expect);
    for (const auto& mail : seen.mails)
        if (mail.validation) keep_secret(fixture, mail.validation->token);
    describe_side_channel(seen, fixture, result.side_channel);
    if (result.verdict == Verdict::error) return finish();

    count_check("untrusted identity server requests", expect.decoy_requests, std::nullopt, seen.decoy.size(), result.checks);
    count_check("validation tokens delivered", expect.tokens_delivered, std::nullopt, seen.token_count(), result.checks);
    if (expect.delivered) result.checks.push_back(check_delivered(validation, seen, first_body, fixture));
    if (expect.sid_matches) result.checks.push_back(check_sid_matches(validation, seen, first_sid));
    if (expect.follow_link && validation == Validation::self)
        result.checks.push_back(follow_link(seen, first_answer, first_sid, env, fixture, result));
    conclude(result, source);
    return finish();
}

}  // namespace

std::vector<reports::CaseResult> run_cases(const std::vector<SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case) {
    // Cases that share a profile address run one after another in a lane; the lanes run side by side.
    std::vector<std::vector<std::size_t>> lanes;
    std::map<std::string, std::size_t> lane_of_address;
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& instance = cases[i].instance;
        auto choice = resolve_address(instance.source->address, *instance.endpoint);
        std::string shared;
        if (choice == AddressChoice::bound || choice == AddressChoice::denied)
            shared = std::string(choice == AddressChoice::bound ? "bound " : "denied ") +
                     std::string(spec::medium_name(instance.endpoint->medium));
        auto [lane, added] = lane_of_address.emplace(shared.empty() ? "#" + std::to_string(i) : shared, lanes.size());
        if (added) lanes.emplace_back();
        lanes[lane->second].push_back(i);
    }

    std::vector<std::optional<reports::CaseResult>> slots(cases.size());
    std::mutex mutex;
    std::condition_variable finished;
    std::atomic<std::size_t> next_lane{0};
    std::atomic<int> given_up_in_a_row{0};
    auto work = [&] {
        for (std::size_t lane = next_lane++; lane < lanes.size(); lane = next_lane++) {
            for (auto index : lanes[lane]) {
                const auto& selected = cases[index];
                reports::CaseResult result;
                if (environment.stop && environment.stop->load()) {
                    return;
                } else if (given_up_in_a_row.load() >= cases_given_up_before_stopping && !selected.skip_reason) {
                    result = start_result(selected, environment.edition);
                    result.verdict = Verdict::error;
                    result.message = "not run: the homeserver stopped answering (" +
                                     std::to_string(cases_given_up_before_stopping) +
                                     " cases in a row timed out or stayed rate limited)";
                    result.finished = result.started;
                } else {
                    bool gave_up = false;
                    result = execute(selected, index, environment, gave_up);
                    if (!selected.skip_reason) given_up_in_a_row = gave_up ? given_up_in_a_row + 1 : 0;
                }
                std::lock_guard lock(mutex);
                slots[index] = std::move(result);
                finished.notify_all();
            }
        }
    };
    const unsigned jobs = std::max(1u, std::min<unsigned>(environment.jobs, static_cast<unsigned>(lanes.size())));
    std::size_t working = jobs;
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < jobs; ++i)
        workers.emplace_back([&] {
            work();
            std::lock_guard lock(mutex);
            --working;
            finished.notify_all();
        });

    // Results come out in selection order, as soon as each is known, whatever order they finished in.
    std::vector<reports::CaseResult> results;
    results.reserve(cases.size());
    for (std::size_t index = 0; index < cases.size(); ++index) {
        std::unique_lock lock(mutex);
        finished.wait(lock, [&] { return slots[index].has_value() || working == 0; });
        if (!slots[index]) break;  // stopped before this case ran
        auto result = std::move(*slots[index]);
        lock.unlock();
        if (on_case) on_case(result);
        results.push_back(std::move(result));
    }
    for (auto& worker : workers) worker.join();
    return results;
}

}  // namespace mx3pid::harness
