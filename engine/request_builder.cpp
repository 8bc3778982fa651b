#include "engine/request_builder.hpp"

#include <functional>

#include <nlohmann/json.hpp>

namespace mx3pid::engine {

using nlohmann::json;

namespace {

/// `raw` with "{client_secret}" replaced by the case's own secret, so that a forwarded copy of a
/// body that is not JSON still names its case.
std::string with_client_secret(std::string raw, const std::string& secret) {
    constexpr std::string_view placeholder = "{client_secret}";
    for (auto at = raw.find(placeholder); at != std::string::npos; at = raw.find(placeholder, at + secret.size()))
        raw.replace(at, placeholder.size(), secret);
    return raw;
}

}  // namespace

RequestSpelling spelling_of(const spec::Edition& edition) {
    static const auto next_link_introduced = *spec::Edition::parse("r0.4.0");
    // id_access_token exists from r0.6.0: "required if id_server is supplied".
    static const auto id_access_token_introduced = *spec::Edition::parse("r0.6.0");
    return {edition.client_prefix(), !(edition < next_link_introduced), !(edition < id_access_token_introduced)};
}

std::string endpoint_target(const spec::Endpoint& endpoint, const RequestContext& context) {
    auto base = context.base_path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/_matrix/client/" + std::string(spelling_of(context.edition).client_prefix) + std::string(endpoint.path);
}

net::Request build_request(const spec::Endpoint& endpoint, const suite::RequestSpec& step, const CaseValues& values,
                           const RequestContext& context) {
    net::Request request;
    request.method = step.method;
    request.target = endpoint_target(endpoint, context);
    if (step.path_medium) {
        const std::string medium(spec::medium_name(endpoint.medium));
        auto at = request.target.rfind("/" + medium + "/");
        if (at != std::string::npos) request.target.replace(at + 1, medium.size(), *step.path_medium);
    }
    const auto content_type = step.content_type.value_or("application/json");
    if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
    request.headers.emplace_back("Accept", "application/json");
    if (step.derived) {
        // The input changes the case's own valid body; its randomness (a boundary value's
        // characters) is the case's, so it is fresh in every run and reproducible from the seed.
        auto valid = step;
        valid.derived.reset();
        const auto body = json::parse(build_request(endpoint, valid, values, context).body);
        auto derived = suite::apply_input(*step.derived, body, values.entropy);
        request.body = std::move(derived.text);
        if (!derived.content_type)
            std::erase_if(request.headers, [](const auto& header) { return header.first == "Content-Type"; });
        return request;
    }
    if (step.raw_body) {
        request.body = with_client_secret(*step.raw_body, values.client_secret);
        return request;
    }
    json body{{"client_secret", values.client_secret}};
    if (values.address.medium == spec::Medium::email) {
        body["email"] = values.address.email;
    } else {
        body["country"] = values.address.msisdn.country;
        body["phone_number"] = values.address.msisdn.phone_number;
    }
    body["send_attempt"] = values.send_attempt + step.send_attempt_increment;
    const auto spelling = spelling_of(context.edition);
    if (spelling.next_link) body["next_link"] = values.next_link;
    const IdentityCredentials* named = step.id_server == suite::IdServerChoice::trusted     ? &context.trusted
                                       : step.id_server == suite::IdServerChoice::untrusted ? &context.untrusted
                                                                                     : nullptr;
    if (named) {
        body["id_server"] = named->id_server;
        if (step.id_access_token && spelling.id_access_token && !named->access_token.empty())
            body["id_access_token"] = named->access_token;
    }
    for (const auto& field : step.remove) body.erase(field);
    for (const auto& [key, value] : step.set.items()) body[key] = value;
    request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return request;
}

}  // namespace mx3pid::engine
