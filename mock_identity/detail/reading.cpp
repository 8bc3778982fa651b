#include "mock_identity/detail/reading.hpp"

#include <algorithm>
#include <cctype>

#include "spec/utf8.hpp"

namespace mx3pid::mock_identity::detail {
namespace {

using nlohmann::json;

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

IdentityApi api_of(std::string_view path) {
    if (starts_with(path, "/_matrix/identity/v2/")) return IdentityApi::v2;
    if (starts_with(path, "/_matrix/identity/api/v1/")) return IdentityApi::v1;
    return IdentityApi::unknown;
}

std::optional<std::string> bearer_of(std::string_view value) {
    constexpr std::string_view scheme = "bearer ";
    if (value.size() < scheme.size()) return std::nullopt;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return std::nullopt;
    value.remove_prefix(scheme.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    return std::string(value);
}

void read_token(const net::Request& request, RequestTokenReading& reading) {
    auto token = presented_token(request);
    if (token) reading.access_token = token->value;
    if (reading.api != IdentityApi::v2) return;
    if (!token) reading.deviations.push_back({DeviationKind::no_access_token, {}});
    else if (token->in_query) reading.deviations.push_back({DeviationKind::access_token_in_query, {}});
}

/// The parameters as a lenient server takes them: form-encoded, or JSON read past bytes that are not
/// UTF-8; null when they are not an object.
json read_parameters(const net::Request& request, const Body& body, RequestTokenReading& reading) {
    std::string text = request.body;
    if (!spec::is_valid_utf8(text)) {
        reading.deviations.push_back({DeviationKind::body_not_utf8, {}});
        for (auto& c : text)
            if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
    const auto type = media_type(request);
    if (type == form_media_type) return body.value;  // a freedom some editions name, not a deviation
    auto parameters = json::parse(text, nullptr, false);
    if (parameters.is_discarded() || !parameters.is_object()) {
        reading.deviations.push_back({DeviationKind::body_not_object, {}});
        return nullptr;
    }
    if (type != "application/json") reading.deviations.push_back({DeviationKind::json_mislabelled, type});
    return parameters;
}

void read_keys(const json& parameters, RequestTokenReading& reading) {
    std::vector<std::string_view> keys{"client_secret", "send_attempt"};
    if (reading.medium == "email") keys.push_back("email");
    else keys.insert(keys.end(), {"country", "phone_number"});
    for (auto key : keys)
        if (!parameters.contains(key)) reading.deviations.push_back({DeviationKind::missing_key, std::string(key)});
    keys.push_back("next_link");
    for (const auto& [key, value] : parameters.items())
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            reading.deviations.push_back({DeviationKind::undefined_key, key});
}

}  // namespace

std::optional<PresentedToken> presented_token(const net::Request& request) {
    if (auto authorization = request.header("Authorization"))
        if (auto token = bearer_of(*authorization)) return PresentedToken{*token, false};
    json query = form_object(request.query());
    if (auto found = query.find("access_token"); found != query.end()) return PresentedToken{found->get<std::string>(), true};
    return std::nullopt;
}

bool names_request_token(std::string_view path) { return path.find("/requestToken") != std::string_view::npos; }

RequestTokenReading read_request_token(const net::Request& request, const Body& body) {
    RequestTokenReading reading;
    const std::string path = request.path();
    reading.api = api_of(path);
    reading.medium = path.find("/msisdn/") != std::string::npos ? "msisdn" : "email";
    read_token(request, reading);
    auto parameters = read_parameters(request, body, reading);
    if (parameters.is_object()) read_keys(parameters, reading);
    return reading;
}

}  // namespace mx3pid::mock_identity::detail

namespace mx3pid::mock_identity {

std::string describe(const Deviation& deviation) {
    switch (deviation.kind) {
    case DeviationKind::body_not_utf8: return "a body that is not UTF-8";
    case DeviationKind::body_not_object: return "a body that is not a JSON object";
    case DeviationKind::json_mislabelled:
        return "JSON sent as " + (deviation.detail.empty() ? std::string("no Content-Type") : deviation.detail);
    case DeviationKind::missing_key: return "no " + deviation.detail;
    case DeviationKind::undefined_key: return "a key the identity API does not define: " + deviation.detail;
    case DeviationKind::no_access_token: return "a v2 request with no access token";
    case DeviationKind::access_token_in_query: return "the access token in the query, not an Authorization header";
    }
    return "an unnamed deviation";
}

}  // namespace mx3pid::mock_identity
