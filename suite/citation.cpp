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

CaseCitations case_citations(const Case& instance, const Catalogue& catalogue, spec::Validation mode) {
    // resolve() filters the sentences a citation names by where it is judged, obligations before
    // freedoms; the edition only removes some, so filtering by it afterwards keeps the same order.
    CaseCitations citations{instance.endpoint, {}};
    auto add = [&](const Citations& cited) {
        for (const auto& [key, one] : cited) {
            const auto named = catalogue.named(one.all(), instance.endpoint, mode);
            for (const auto* list : {&named.obligations, &named.freedoms})
                for (const auto* sentence : *list)
                    if (std::find(citations.sentences.begin(), citations.sentences.end(), sentence) == citations.sentences.end())
                        citations.sentences.push_back(sentence);
        }
    };
    for (const auto& step : instance.source->steps) add(step.expect.sentences);
    add(instance.source->side_channel.sentences);
    return citations;
}

std::vector<reports::SpecRef> cite_in(const CaseCitations& citations, const Catalogue& catalogue, const spec::Edition& edition) {
    std::vector<reports::SpecRef> refs;
    refs.reserve(static_cast<std::size_t>(std::count_if(citations.sentences.begin(), citations.sentences.end(),
                                                        [&](const SentenceRecord* sentence) { return sentence->holds_in(edition); })));
    for (const auto* sentence : citations.sentences) {
        if (!sentence->holds_in(edition)) continue;
        const auto& placed = catalogue.placed(*sentence, citations.endpoint, edition);
        refs.push_back({edition.name(), placed.section, placed.url, "", "", sentence->says});
    }
    return refs;
}

std::vector<reports::SpecRef> cite(const Case& instance, const Catalogue& catalogue, const JudgedIn& where) {
    return cite_in(case_citations(instance, catalogue, where.mode), catalogue, where.edition);
}

}  // namespace mx3pid::suite
