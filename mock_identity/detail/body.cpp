#include "mock_identity/detail/body.hpp"

#include "spec/json_text.hpp"
#include "spec/utf8.hpp"

#include <algorithm>
#include <cctype>

#include "mock_identity/detail/address.hpp"

namespace mx3pid::mock_identity::detail {

nlohmann::json form_object(std::string_view encoded) {
    auto object = nlohmann::json::object();
    for (auto& [name, value] : net::parse_form(encoded)) {
        auto key = spec::repair_utf8(name);
        if (!object.contains(key)) object[key] = spec::repair_utf8(value);
    }
    return object;
}

std::string media_type(const net::Request& request) {
    auto type = request.header("Content-Type");
    if (!type) return {};
    std::string media = type->substr(0, type->find(';'));
    media.erase(std::remove_if(media.begin(), media.end(), [](unsigned char c) { return std::isspace(c); }),
                media.end());
    std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
    return media;
}

Body read_body(const net::Request& request) {
    if (request.method == "GET") return {BodyKind::query, form_object(request.query()), true};
    if (media_type(request) == form_media_type) return {BodyKind::form, form_object(request.body), true};
    if (request.body.empty() || spec::json_depth(request.body) > max_json_depth) return {BodyKind::json, nullptr, false};
    auto value = nlohmann::json::parse(request.body, nullptr, false);
    if (value.is_discarded()) return {BodyKind::json, nullptr, false};
    return {BodyKind::json, std::move(value), true};
}

}  // namespace mx3pid::mock_identity::detail
