#include "suite/citation.hpp"

#include <algorithm>
#include <cctype>

namespace mx3pid::suite {
namespace {

using Api = SectionRecord::Api;

/// The identity service release published with a client-server r0 edition (v1.x share one number).
std::string identity_edition(const spec::Edition& edition) {
    if (edition.is_v1()) return edition.name();
    if (edition.name() == "r0.4.0") return "r0.1.0";
    if (edition.name() == "r0.5.0") return "r0.2.1";
    return "r0.3.0";
}

/// The identity API's path prefix in that release: v1 until identity service r0.3.0 brought v2.
std::string_view identity_prefix_path(const spec::Edition& edition) {
    return edition < *spec::Edition::parse("r0.6.0") ? "/_matrix/identity/api/v1" : "/_matrix/identity/v2";
}

std::string page(Api api, const spec::Edition& edition) {
    if (api == Api::index) return "https://spec.matrix.org/" + edition.name() + "/";
    if (edition.is_v1())
        return "https://spec.matrix.org/" + edition.name() +
               (api == Api::client_server ? "/client-server-api/" : "/identity-service-api/");
    return api == Api::client_server ? "https://matrix.org/docs/spec/client_server/" + edition.name()
                                     : "https://matrix.org/docs/spec/identity_service/" + identity_edition(edition);
}

/// r0.x pages are docutils output: lower case, every run of other characters one '-'.
std::string docutils_id(std::string_view title) {
    std::string id;
    for (char c : title) {
        if (std::isalnum(static_cast<unsigned char>(c))) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!id.empty() && id.back() != '-') id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id;
}

/// v1.x pages are Hugo output: headings lower case with spaces as '-'; operations method_pathletters.
std::string hugo_heading_id(std::string_view title) {
    std::string id;
    for (char c : title) {
        if (c == ' ') id += '-';
        else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
            id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return id;
}

std::string hugo_operation_id(std::string_view method, std::string_view path) {
    std::string id;
    for (char c : method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    id += '_';
    for (char c : path)
        if (std::isalnum(static_cast<unsigned char>(c))) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return id;
}

Place operation_place(Api api, std::string_view path, const spec::Edition& edition) {
    const std::string title = "POST " + std::string(path);
    const auto anchor = edition.is_v1() ? hugo_operation_id("POST", path) : docutils_id(title);
    return {title, page(api, edition) + "#" + anchor};
}

}  // namespace

Place place_section(const SectionRecord& section, const spec::Endpoint* endpoint, const spec::Edition& edition) {
    if (section.operation && endpoint) {
        if (section.api == Api::client_server)
            return operation_place(Api::client_server,
                                   "/_matrix/client/" + std::string(edition.client_prefix()) + std::string(endpoint->path), edition);
        auto path = std::string(identity_prefix_path(edition)) + "/validate/" + std::string(spec::medium_name(endpoint->medium)) +
                    "/requestToken";
        return operation_place(Api::identity, path, edition);
    }
    const auto& own = edition.is_v1() ? section.anchor_v1 : section.anchor_r0;
    const auto anchor = !own.empty() ? own : edition.is_v1() ? hugo_heading_id(section.title) : docutils_id(section.title);
    std::string title = section.title;
    if (section.api == Api::identity) title += " (Identity Service API)";
    return {title, page(section.api, edition) + "#" + anchor};
}

std::vector<reports::SpecRef> cite(const Case& instance, const Catalogue& catalogue, const JudgedIn& where) {
    std::vector<std::string> cited;
    auto add = [&](const Citations& citations) {
        for (const auto& [key, one] : citations) {
            const auto& resolved = catalogue.resolve_judged(one.all(), where);
            for (const auto* list : {&resolved.obligations, &resolved.freedoms})
                for (auto& id : *list)
                    if (std::find(cited.begin(), cited.end(), id) == cited.end()) cited.push_back(id);
        }
    };
    for (const auto& step : instance.source->steps) add(step.expect.sentences);
    add(instance.source->side_channel.sentences);
    std::vector<reports::SpecRef> refs;
    refs.reserve(cited.size());
    for (const auto& id : cited) {
        const auto* sentence = catalogue.find(id);
        auto placed = catalogue.placed(*sentence, instance.endpoint, where.edition);
        refs.push_back({where.edition.name(), placed.section, placed.url, "", "", sentence->says});
    }
    return refs;
}

}  // namespace mx3pid::suite
