#include "harness/runner.hpp"

#include <algorithm>

#include "harness/detail/checks.hpp"

namespace mx3pid::harness {
namespace {

using nlohmann::json;
using reports::CheckResult;
using reports::Verdict;
using detail::failed;
using detail::passed;

constexpr const char* redacted = "<redacted>";

/// Everything one case generated, so that requests can be built and secrets redacted.
struct Fixture {
    Address address;
    std::string client_secret;
    std::string next_link;
    std::int64_t send_attempt = 0;
};

std::string redact(std::string text, const Fixture& fixture) {
    const auto& secret = fixture.client_secret;
    for (auto at = text.find(secret); !secret.empty() && at != std::string::npos; at = text.find(secret, at))
        text.replace(at, secret.size(), redacted);
    return text;
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::optional<Address> address_for(const Case& instance, Environment& env) {
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
            return env.fixtures.fresh_address(medium);
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
    body["send_attempt"] = fixture.send_attempt;
    body["next_link"] = fixture.next_link;
    if (spec.id_server == IdServerChoice::trusted) body["id_server"] = env.identity.authority();
    if (spec.id_server == IdServerChoice::untrusted) body["id_server"] = env.decoy.authority();
    for (const auto& field : spec.remove) body.erase(field);
    for (const auto& [key, value] : spec.set.items()) body[key] = value;
    request.body = body.dump();
    return request;
}

reports::HttpExchange record(const net::Request& request, const net::Outcome<net::Response>& outcome,
                             const Environment& env, const Fixture& fixture, reports::Clock::time_point started) {
    reports::HttpExchange exchange;
    exchange.method = request.method;
    exchange.url = redact(env.homeserver.origin() + request.target, fixture);
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

std::string curl_for(const reports::HttpExchange& exchange) {
    std::string command = "curl -sS -X " + exchange.method + " " + shell_quote(exchange.url);
    for (const auto& [name, value] : exchange.request_headers) command += " -H " + shell_quote(name + ": " + value);
    if (!exchange.request_body.empty()) command += " --data-raw " + shell_quote(exchange.request_body);
    return command;
}

bool is_error_status(int status) { return status >= 400; }

void judge_step(const Step& step, const net::Response& response, const spec::Edition& edition,
                std::vector<CheckResult>& checks) {
    checks.push_back(detail::check_status(step.expect.status, response));
    const bool error_expected = std::all_of(step.expect.status.begin(), step.expect.status.end(), is_error_status);
    if (error_expected && is_error_status(response.status)) {
        auto by_status = step.expect.errcode_by_status.find(response.status);
        const auto& allowed = by_status != step.expect.errcode_by_status.end() ? by_status->second : step.expect.errcode;
        auto more = detail::check_error_body(response, allowed, edition);
        checks.insert(checks.end(), more.begin(), more.end());
    }
    if (step.expect.sid && response.status == 200) checks.push_back(detail::check_sid(response));
}

bool is_request_token(const mock_identity::ReceivedRequest& request) {
    return request.path.find("/requestToken") != std::string::npos;
}

std::string field_text(const json& body, const char* key) {
    auto it = body.is_object() ? body.find(key) : body.end();
    if (it == body.end()) return "(absent)";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

/// Does the request the identity server received carry what the client sent?
CheckResult check_forwarded(const mock_identity::ReceivedRequest& forwarded, const json& sent, const Fixture& fixture) {
    std::vector<std::string> wrong;
    for (const char* key : {"client_secret", "email", "country", "phone_number", "send_attempt", "next_link"}) {
        if (!sent.contains(key)) continue;
        auto expected = field_text(sent, key);
        auto actual = field_text(forwarded.body, key);
        bool same = std::string_view(key) == "email" ? lower(actual) == lower(expected) : actual == expected;
        if (!same) wrong.push_back(std::string(key) + "=" + detail::one_line(redact(actual, fixture), 60));
    }
    const std::string expected = "the client's client_secret, address, send_attempt and next_link";
    if (wrong.empty()) return passed("forwarded fields", expected, "all as sent");
    std::string actual;
    for (const auto& item : wrong) actual += (actual.empty() ? "" : ", ") + item;
    return failed("forwarded fields", expected, actual);
}

void judge_side_channel(const SideChannelExpectation& expect, const Fixture& fixture, const json& first_body,
                        const std::vector<mock_identity::ReceivedRequest>& trusted,
                        const std::vector<mock_identity::ReceivedRequest>& decoy,
                        const std::vector<mock_identity::SentMessage>& messages,
                        const std::optional<std::string>& first_sid, std::vector<CheckResult>& checks) {
    const auto total = trusted.size() + decoy.size();
    if (expect.identity_requests) {
        auto wanted = std::to_string(*expect.identity_requests);
        auto actual = std::to_string(total) + (decoy.empty() ? "" : " (" + std::to_string(decoy.size()) + " to the untrusted one)");
        checks.push_back(static_cast<std::size_t>(*expect.identity_requests) == total
                             ? passed("identity server requests", wanted, actual)
                             : failed("identity server requests", wanted, actual));
    }
    if (expect.forwarded_fields) {
        std::vector<const mock_identity::ReceivedRequest*> forwarded;
        for (const auto& request : trusted)
            if (is_request_token(request)) forwarded.push_back(&request);
        if (forwarded.size() != 1)
            checks.push_back(failed("forwarded fields", "exactly one requestToken at the trusted identity server",
                                    std::to_string(forwarded.size())));
        else
            checks.push_back(check_forwarded(*forwarded.front(), first_body, fixture));
    }
    if (expect.sid_from_identity) {
        std::optional<std::string> issued;
        for (const auto& message : messages)
            if (message.client_secret == fixture.client_secret) issued = message.sid;
        const std::string wanted = issued ? "\"" + *issued + "\" (issued by the identity server)" : "the identity server's sid";
        auto actual = first_sid ? "\"" + detail::one_line(*first_sid, 80) + "\"" : std::string("no sid");
        checks.push_back(issued && first_sid == issued ? passed("sid from identity server", wanted, actual)
                                                       : failed("sid from identity server", wanted,
                                                                issued ? actual : actual + "; the identity server issued none"));
    }
    if (expect.messages_at_most) {
        auto wanted = "at most " + std::to_string(*expect.messages_at_most);
        auto actual = std::to_string(messages.size());
        checks.push_back(messages.size() <= static_cast<std::size_t>(*expect.messages_at_most)
                             ? passed("messages sent", wanted, actual)
                             : failed("messages sent", wanted, actual));
    }
}

void describe_side_channel(const std::vector<mock_identity::ReceivedRequest>& requests, const char* who,
                           const Fixture& fixture, std::vector<std::string>& lines) {
    for (const auto& request : requests)
        lines.push_back(std::string(who) + ": " + request.method + " " + request.path + " → " +
                        std::to_string(request.status) + " " + detail::one_line(redact(request.raw_body, fixture), 300));
}

void conclude(reports::CaseResult& result, Level level) {
    std::vector<const CheckResult*> failures;
    for (auto& check : result.checks) {
        if (check.verdict != Verdict::fail) continue;
        if (level == Level::should) check.verdict = Verdict::warn;
        failures.push_back(&check);
    }
    if (failures.empty()) {
        result.verdict = Verdict::pass;
        return;
    }
    result.verdict = level == Level::should ? Verdict::warn : Verdict::fail;
    const auto& first = *failures.front();
    result.message = first.name + ": expected " + first.expected + ", got " + first.actual;
    if (failures.size() > 1) result.message += " (and " + std::to_string(failures.size() - 1) + " more)";
}

reports::CaseResult execute(const SelectedCase& selected, Environment& env) {
    const Case& instance = selected.instance;
    const CaseTemplate& source = *instance.source;
    reports::CaseResult result;
    result.id = instance.id;
    result.endpoint = std::string(instance.endpoint->key);
    result.kind = source.kind;
    result.title = source.title;
    result.level = source.level == Level::must ? "MUST" : "SHOULD";
    result.spec = source.spec;
    result.started = reports::Clock::now();
    auto finish = [&]() -> reports::CaseResult {
        result.finished = reports::Clock::now();
        return std::move(result);
    };
    if (selected.skip_reason) {
        result.verdict = Verdict::skip;
        result.message = *selected.skip_reason;
        return finish();
    }
    auto address = address_for(instance, env);
    if (!address) {
        result.verdict = Verdict::skip;
        result.message = profile_skip_reason(instance, env.profile).value_or("no address for this case");
        return finish();
    }
    Fixture fixture{*address, env.fixtures.client_secret(), env.fixtures.next_link(instance.id),
                    env.fixtures.send_attempt()};

    const auto identity_mark = env.identity.last_request_sequence();
    const auto decoy_mark = env.decoy.last_request_sequence();
    const auto identity_message_mark = env.identity.last_message_sequence();
    const auto decoy_message_mark = env.decoy.last_message_sequence();

    std::optional<std::string> first_sid;
    json first_body;
    for (const auto& step : source.steps) {
        auto request = build_request(instance, step.request, fixture, env);
        if (result.exchanges.empty()) first_body = json::parse(request.body, nullptr, false);
        auto started = reports::Clock::now();
        auto outcome = net::send(env.homeserver, request, env.client);
        result.exchanges.push_back(record(request, outcome, env, fixture, started));
        if (!outcome) {
            result.verdict = Verdict::error;
            result.message = "could not ask the homeserver: " + outcome.failure().describe();
            break;
        }
        judge_step(step, *outcome, env.edition, result.checks);
        if (!first_sid) first_sid = detail::sid_of(*outcome);
    }
    if (!result.exchanges.empty()) result.curl = curl_for(result.exchanges.front());

    auto trusted = env.identity.requests_since(identity_mark);
    auto decoy = env.decoy.requests_since(decoy_mark);
    auto messages = env.identity.messages_since(identity_message_mark);
    auto decoy_messages = env.decoy.messages_since(decoy_message_mark);
    messages.insert(messages.end(), decoy_messages.begin(), decoy_messages.end());
    describe_side_channel(trusted, "identity server", fixture, result.side_channel);
    describe_side_channel(decoy, "untrusted identity server", fixture, result.side_channel);
    result.side_channel.push_back("validation messages sent: " + std::to_string(messages.size()));
    if (result.verdict == Verdict::error) return finish();

    judge_side_channel(source.side_channel, fixture, first_body, trusted, decoy, messages, first_sid, result.checks);
    conclude(result, source.level);
    return finish();
}

}  // namespace

std::vector<reports::CaseResult> run_cases(const std::vector<SelectedCase>& cases, Environment& environment,
                                           const CaseListener& on_case) {
    std::vector<reports::CaseResult> results;
    results.reserve(cases.size());
    for (const auto& selected : cases) {
        results.push_back(execute(selected, environment));
        if (on_case) on_case(results.back());
    }
    return results;
}

}  // namespace mx3pid::harness
