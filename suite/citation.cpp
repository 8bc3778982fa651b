#include "suite/citation.hpp"

#include <array>
#include <cctype>

namespace mx3pid::suite {
namespace {

enum class Api { client_server, identity };

/// A section heading a case may cite by its title, and the first edition whose page has it.
struct Section {
    std::string_view name;   ///< as a case file writes it
    std::string_view title;  ///< the heading on the rendered page
    Api api;
    std::string_view since;
};

constexpr std::string_view endpoint_section = "endpoint";
constexpr std::string_view identity_endpoint_section = "identity endpoint";
constexpr std::string_view identity_prefix = "Identity Service API: ";

constexpr std::array<Section, 7> sections{{
    {"API Standards", "API Standards", Api::client_server, "r0.4.0"},
    {"Standard error response", "Standard error response", Api::client_server, "r0.4.0"},
    {"Common error codes", "Common error codes", Api::client_server, "v1.1"},
    {"Other error codes", "Other error codes", Api::client_server, "v1.1"},
    {"Web Browser Clients", "Web Browser Clients", Api::client_server, "r0.4.0"},
    {"Identity Service API: API standards", "API standards", Api::identity, "r0.4.0"},
    {"Identity Service API: Standard error response", "Standard error response", Api::identity, "r0.4.0"},
}};

const Section* find_section(std::string_view name) {
    for (const auto& section : sections)
        if (section.name == name) return &section;
    return nullptr;
}

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

/// Where a citation points in one edition: the heading's title and the page with its anchor.
struct Place {
    std::string title;
    std::string url;
};

Place operation_place(Api api, std::string_view path, const spec::Edition& edition) {
    const std::string title = "POST " + std::string(path);
    const auto anchor = edition.is_v1() ? hugo_operation_id("POST", path) : docutils_id(title);
    return {title, page(api, edition) + "#" + anchor};
}

std::optional<Place> place(const Citation& citation, const spec::Endpoint& endpoint, const spec::Edition& edition) {
    if (citation.section == endpoint_section) {
        auto path = "/_matrix/client/" + std::string(edition.client_prefix()) + std::string(endpoint.path);
        return operation_place(Api::client_server, path, edition);
    }
    if (citation.section == identity_endpoint_section) {
        auto path = std::string(identity_prefix_path(edition)) + "/validate/" + std::string(spec::medium_name(endpoint.medium)) +
                    "/requestToken";
        return operation_place(Api::identity, path, edition);
    }
    const Section* section = find_section(citation.section);
    if (!section || edition < *spec::Edition::parse(section->since)) return std::nullopt;
    const auto anchor = edition.is_v1() ? hugo_heading_id(section->title) : docutils_id(section->title);
    std::string title(section->title);
    if (section->api == Api::identity) title += " (Identity Service API)";
    return Place{title, page(section->api, edition) + "#" + anchor};
}

}  // namespace

std::optional<std::string> citation_problem(const Citation& citation) {
    if (citation.section == endpoint_section || citation.section == identity_endpoint_section) return std::nullopt;
    const Section* section = find_section(citation.section);
    if (!section) {
        std::string known = "'endpoint', 'identity endpoint'";
        for (const auto& s : sections) known += ", '" + std::string(s.name) + "'";
        return "unknown section '" + citation.section + "' (known: " + known + ")";
    }
    auto edition = spec::Edition::parse(citation.edition);
    if (edition && *edition < *spec::Edition::parse(section->since))
        return "section '" + citation.section + "' is in editions from " + std::string(section->since) + ", not " +
               citation.edition;
    return std::nullopt;
}

reports::SpecRef cite(const Citation& citation, const spec::Endpoint& endpoint, const spec::Edition& judged) {
    reports::SpecRef ref;
    ref.edition = citation.edition;
    ref.says = citation.says;
    auto source = spec::Edition::parse(citation.edition);
    if (!source) return ref;
    if (auto at = place(citation, endpoint, *source)) {
        ref.section = at->title;
        ref.url = at->url;
    }
    if (judged == *source) return ref;
    if (auto at = place(citation, endpoint, judged)) {
        ref.judged_edition = judged.name();
        ref.judged_url = at->url;
    }
    return ref;
}

std::vector<reports::SpecRef> cite(const Case& instance, const spec::Edition& judged) {
    std::vector<reports::SpecRef> refs;
    for (const auto& citation : instance.source->spec) refs.push_back(cite(citation, *instance.endpoint, judged));
    return refs;
}

}  // namespace mx3pid::suite
