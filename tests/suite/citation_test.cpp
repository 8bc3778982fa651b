// Citations users can open: the URLs are the public, rendered spec of editions mx3pid knows, and
// every shipped case cites only such places.
#include "suite/citation.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

using namespace mx3pid;
using suite::Citation;

namespace {

const spec::Endpoint& endpoint(std::string_view key) { return *spec::find_endpoint_by_key(key); }
spec::Edition edition(std::string_view name) { return *spec::Edition::parse(name); }

/// The anchor an endpoint's heading has on a rendered page, spelt out the way each renderer writes it.
std::string endpoint_anchor(const spec::Endpoint& e, const spec::Edition& in) {
    std::string path(e.path);
    if (in.is_v1()) {
        std::string letters;
        for (char c : path)
            if (std::isalnum(static_cast<unsigned char>(c))) letters += static_cast<char>(std::tolower(c));
        return "post_matrixclientv3" + letters;
    }
    std::string dashed;
    for (char c : path) dashed += c == '/' ? '-' : static_cast<char>(std::tolower(c));
    return "post-matrix-client-r0" + dashed;
}

/// Where a URL says it belongs: the edition in its path and its anchor; nothing when it is not a
/// page of the public spec.
struct Parsed {
    std::string edition;
    std::string api;
    std::string anchor;
};

std::optional<Parsed> parse_url(const std::string& url) {
    static const std::regex v1(R"(^https://spec\.matrix\.org/(v1\.[0-9]+)/(client-server-api|identity-service-api)/#([a-z0-9_-]+)$)");
    static const std::regex r0(R"(^https://matrix\.org/docs/spec/(client_server|identity_service)/(r0\.[0-9]\.[0-9])#([a-z0-9-]+)$)");
    std::smatch m;
    if (std::regex_match(url, m, v1)) return Parsed{m[1], m[2] == "client-server-api" ? "cs" : "is", m[3]};
    if (std::regex_match(url, m, r0)) return Parsed{m[2], m[1] == "client_server" ? "cs" : "is", m[3]};
    return std::nullopt;
}

const std::vector<std::string>& known_heading_anchors() {
    static const std::vector<std::string> anchors{"api-standards", "standard-error-response", "common-error-codes",
                                                  "other-error-codes", "web-browser-clients"};
    return anchors;
}

bool is_identity_endpoint_anchor(const std::string& anchor) {
    static const std::regex form(R"(^(post_matrixidentityv2validate(email|msisdn)requesttoken|post-matrix-identity-(api-v1|v2)-validate-(email|msisdn)-requesttoken)$)");
    return std::regex_match(anchor, form);
}

/// Empty when `url` is a plausible place in `edition_name`'s spec for a citation of `section`.
std::string url_problem(const std::string& url, const std::string& edition_name, const Citation& citation,
                        const spec::Endpoint& e) {
    auto parsed = parse_url(url);
    if (!parsed) return "not a URL of the public spec: '" + url + "'";
    auto cited = spec::Edition::parse(edition_name);
    if (!cited) return "unknown edition " + edition_name;
    if (parsed->api == "cs" && parsed->edition != edition_name)
        return "the page is of " + parsed->edition + ", the citation of " + edition_name;
    if (parsed->api == "is" && cited->is_v1() && parsed->edition != edition_name)
        return "the identity page is of " + parsed->edition + ", the citation of " + edition_name;
    if (citation.section == "endpoint") {
        auto wanted = endpoint_anchor(e, *cited);
        return parsed->anchor == wanted ? "" : "anchor #" + parsed->anchor + ", the endpoint is #" + wanted;
    }
    if (citation.section == "identity endpoint")
        return is_identity_endpoint_anchor(parsed->anchor) && parsed->api == "is" ? "" : "not an identity requestToken: " + url;
    const auto& known = known_heading_anchors();
    return std::find(known.begin(), known.end(), parsed->anchor) != known.end() ? "" : "unknown heading #" + parsed->anchor;
}

}  // namespace

TEST(Citation, AnEndpointInAV1EditionIsItsOperationOnThatEditionsPage) {
    auto ref = suite::cite(Citation{"v1.2", "endpoint", "x"}, endpoint("register/email"), edition("v1.2"));
    EXPECT_EQ(ref.edition, "v1.2");
    EXPECT_EQ(ref.section, "POST /_matrix/client/v3/register/email/requestToken");
    EXPECT_EQ(ref.url, "https://spec.matrix.org/v1.2/client-server-api/#post_matrixclientv3registeremailrequesttoken");
    EXPECT_EQ(ref.judged_edition, "") << "judged in the edition it comes from";
    EXPECT_EQ(ref.judged_url, "");
}

TEST(Citation, AnEndpointInAnR0EditionIsTheAnchorOfThatPage) {
    auto ref = suite::cite(Citation{"r0.6.1", "endpoint", "x"}, endpoint("register/email"), edition("r0.6.1"));
    EXPECT_EQ(ref.section, "POST /_matrix/client/r0/register/email/requestToken");
    EXPECT_EQ(ref.url, "https://matrix.org/docs/spec/client_server/r0.6.1#post-matrix-client-r0-register-email-requesttoken");
    auto add = suite::cite(Citation{"r0.4.0", "endpoint", "x"}, endpoint("3pid/msisdn"), edition("r0.4.0"));
    EXPECT_EQ(add.url, "https://matrix.org/docs/spec/client_server/r0.4.0#post-matrix-client-r0-account-3pid-msisdn-requesttoken");
}

TEST(Citation, TheJudgedEditionGetsTheSamePlaceOnItsOwnPage) {
    auto ref = suite::cite(Citation{"r0.4.0", "endpoint", "x"}, endpoint("password/msisdn"), edition("v1.11"));
    EXPECT_EQ(ref.url, "https://matrix.org/docs/spec/client_server/r0.4.0#post-matrix-client-r0-account-password-msisdn-requesttoken");
    EXPECT_EQ(ref.judged_edition, "v1.11");
    EXPECT_EQ(ref.judged_url, "https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3accountpasswordmsisdnrequesttoken");
}

TEST(Citation, NamedSectionsAreHeadingsOfTheirPage) {
    auto error = suite::cite(Citation{"r0.4.0", "Standard error response", "x"}, endpoint("register/email"), edition("v1.13"));
    EXPECT_EQ(error.section, "Standard error response");
    EXPECT_EQ(error.url, "https://matrix.org/docs/spec/client_server/r0.4.0#standard-error-response");
    EXPECT_EQ(error.judged_url, "https://spec.matrix.org/v1.13/client-server-api/#standard-error-response");
    auto cors = suite::cite(Citation{"r0.5.0", "Web Browser Clients", "x"}, endpoint("register/email"), edition("r0.5.0"));
    EXPECT_EQ(cors.url, "https://matrix.org/docs/spec/client_server/r0.5.0#web-browser-clients");
    auto json = suite::cite(Citation{"v1.4", "API Standards", "x"}, endpoint("register/email"), edition("v1.4"));
    EXPECT_EQ(json.url, "https://spec.matrix.org/v1.4/client-server-api/#api-standards");
}

TEST(Citation, ASectionTheJudgedEditionLacksHasNoJudgedPlace) {
    auto ref = suite::cite(Citation{"v1.1", "Common error codes", "x"}, endpoint("register/email"), edition("r0.6.1"));
    EXPECT_EQ(ref.url, "https://spec.matrix.org/v1.1/client-server-api/#common-error-codes");
    EXPECT_EQ(ref.judged_edition, "");
    EXPECT_EQ(ref.judged_url, "");
}

TEST(Citation, TheIdentityEndpointIsOnTheIdentityServicePageOfTheSameRelease) {
    auto old = suite::cite(Citation{"r0.4.0", "identity endpoint", "x"}, endpoint("3pid/email"), edition("r0.6.1"));
    EXPECT_EQ(old.section, "POST /_matrix/identity/api/v1/validate/email/requestToken");
    EXPECT_EQ(old.url, "https://matrix.org/docs/spec/identity_service/r0.1.0#post-matrix-identity-api-v1-validate-email-requesttoken");
    EXPECT_EQ(old.judged_url, "https://matrix.org/docs/spec/identity_service/r0.3.0#post-matrix-identity-v2-validate-email-requesttoken");
    auto now = suite::cite(Citation{"v1.11", "identity endpoint", "x"}, endpoint("register/msisdn"), edition("v1.11"));
    EXPECT_EQ(now.url, "https://spec.matrix.org/v1.11/identity-service-api/#post_matrixidentityv2validatemsisdnrequesttoken");
    auto errors = suite::cite(Citation{"v1.1", "Identity Service API: Standard error response", "x"},
                                endpoint("register/msisdn"), edition("v1.1"));
    EXPECT_EQ(errors.section, "Standard error response (Identity Service API)");
    EXPECT_EQ(errors.url, "https://spec.matrix.org/v1.1/identity-service-api/#standard-error-response");
}

TEST(Citation, UnknownSectionsAndSectionsBeforeTheirEditionAreProblems) {
    EXPECT_FALSE(suite::citation_problem(Citation{"r0.4.0", "endpoint", "x"}));
    EXPECT_TRUE(suite::citation_problem(Citation{"r0.4.0", "requestToken-facts §4b", "x"}));
    EXPECT_TRUE(suite::citation_problem(Citation{"r0.6.1", "Other error codes", "x"}));
    EXPECT_FALSE(suite::citation_problem(Citation{"v1.1", "Other error codes", "x"}));
}

// Every shipped case, in every edition it applies to: each citation is a well-formed URL of an
// edition mx3pid knows, with the anchor of what it names, and the judged place likewise.
TEST(Citation, EveryShippedCaseCitesPlacesUsersCanOpen) {
    auto templates = suite::load_cases(std::string(MX3PID_SOURCE_DIR) + "/cases");
    std::size_t checked = 0;
    for (const auto& instance : suite::expand(templates)) {
        for (const auto& judged : spec::Edition::all()) {
            if (!instance.source->editions.contains(judged)) continue;
            auto refs = suite::cite(instance, judged);
            ASSERT_EQ(refs.size(), instance.source->spec.size());
            for (std::size_t i = 0; i < refs.size(); ++i) {
                const auto& ref = refs[i];
                const auto& citation = instance.source->spec[i];
                const auto where = instance.id + " (" + instance.source->file + ":" +
                                   std::to_string(instance.source->line) + ") judged as " + judged.name();
                EXPECT_FALSE(ref.section.empty()) << where;
                EXPECT_EQ(url_problem(ref.url, ref.edition, citation, *instance.endpoint), "") << where;
                if (ref.edition == judged.name()) {
                    EXPECT_EQ(ref.judged_url, "") << where;
                } else if (!ref.judged_url.empty()) {
                    EXPECT_EQ(ref.judged_edition, judged.name()) << where;
                    EXPECT_EQ(url_problem(ref.judged_url, judged.name(), citation, *instance.endpoint), "") << where;
                } else {
                    EXPECT_NE(citation.section, "endpoint") << where << ": every edition has the six endpoints";
                }
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 1000u);
}

TEST(Citation, NoCaseOrProfileCitesTheDevelopersFactsSheet) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(std::string(MX3PID_SOURCE_DIR) + "/cases")) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        EXPECT_EQ(text.str().find("requestToken-facts"), std::string::npos) << entry.path();
        ++files;
    }
    EXPECT_GE(files, 8u);
}
