#pragma once
// How the mock read a requestToken call against the identity-service API, whatever its version:
// which API the path names, the access token and where it came, and each way the call departs from
// what every version of that API asks. The mock answers as leniently as it can and records these;
// whether a departure matters, and which sentence it breaks, depends on the edition and is the
// judge's to say.
#include <optional>
#include <string>
#include <vector>

namespace mx3pid::mock_identity {

enum class IdentityApi { v1, v2, unknown };  ///< unknown: a path no identity API has (a v3, say)

enum class DeviationKind {
    body_not_utf8,          ///< the body's bytes are not UTF-8
    body_not_object,        ///< neither a JSON object nor form-encoded parameters
    json_mislabelled,       ///< a JSON object under another Content-Type, or none; detail: the media type
    missing_key,            ///< detail: a key the API requires for this medium
    undefined_key,          ///< detail: a key the API does not define for requestToken
    no_access_token,        ///< a v2 call with no access token at all
    access_token_in_query,  ///< a v2 call with its access token in the query, not an Authorization header
};

struct Deviation {
    DeviationKind kind;
    std::string detail;
    bool operator==(const Deviation&) const = default;
};

struct RequestTokenReading {
    IdentityApi api = IdentityApi::unknown;
    std::string medium;                       ///< "email" or "msisdn", from the path
    std::optional<std::string> access_token;  ///< from the Authorization header, else the query
    std::vector<Deviation> deviations;        ///< in the order found: access token, then body
};

/// "a v2 request with no access token", "no client_secret", "JSON sent as text/plain" …
std::string describe(const Deviation& deviation);

}  // namespace mx3pid::mock_identity
