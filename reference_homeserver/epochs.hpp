#pragma once
// Where the built-in homeserver's answers change from one edition to the next. Every test of the
// edition the server is configured with goes through one of these epochs (detail::State::since), so
// the editions between two neighbouring epochs are answered alike, and a run judging several
// editions can start one server per stretch of editions (answered_alike) and share its exchanges
// across that stretch. A new threshold is a new entry here: a stage that asks for an epoch its
// server did not declare throws (the request is answered 500), so none can be forgotten.
#include <string>
#include <string_view>
#include <vector>

#include "spec/edition.hpp"

namespace mx3pid::reference_homeserver {

struct Variant;

enum class Epoch {
    submit_url,           ///< r0.5.0: a server that validates may answer submit_url; more that enumeration protection may hide
    id_access_token,      ///< r0.6.0: id_server is optional, and comes with id_access_token for the identity service's v2
    identity_v1_removed,  ///< v1.1: the identity service's v1 API is gone; password/msisdn documents id_server
    json_content_type,    ///< v1.4: a request body is JSON whatever its Content-Type says
    retry_after_header,   ///< v1.10: a 429 says how long to wait in Retry-After; retry_after_ms is deprecated
    add_threepid_errors,  ///< v1.13: /account/3pid names M_INVALID_PARAM and M_THREEPID_MEDIUM_NOT_SUPPORTED
    next_link_uri,        ///< v1.14: next_link must be an absolute URI
    oauth_only,           ///< v1.15: a server offering only the OAuth 2.0 API serves no registration or password reset
};

struct EpochInfo {
    Epoch epoch;
    std::string_view edition;  ///< the first edition it holds in
    /// The reference's own stages consult it (every built-in server splits there); otherwise only
    /// the variants that list it in Variant::epochs do.
    bool reference = false;
    std::string_view what;
    /// Consulted only by a server that offers no legacy API (Config::legacy_api false): one that
    /// offers it answers alike on both sides.
    bool without_legacy_api_only = false;
    /// Whether a request with this body can make a stage consult the epoch; null: any request can.
    /// An epoch only one test of one field consults says here which bodies reach that test, so a
    /// run of several editions may send the others once for the servers on both sides of it.
    bool (*reached_by)(std::string_view body) = nullptr;
    /// The same for a server running the reference's own stages (a variant without stages of its
    /// own): it may say less is reached than reached_by, which must hold for every variant.
    bool (*reference_reached_by)(std::string_view body) = nullptr;
};

/// Every epoch, oldest first.
const std::vector<EpochInfo>& epochs();
const EpochInfo& info(Epoch epoch);

/// The epochs a server answering as `variant` (null: the reference) consults: the reference's own
/// and those the variant declares, less those only a server without the legacy API consults when
/// `legacy_api` (Config::legacy_api).
std::vector<Epoch> epochs_of(const Variant* variant, bool legacy_api);

/// Whether a server answering as `variant` in `later` answers requests with these bodies as it does
/// in `earlier`: no epoch it consults starts after `earlier` and by `later`, or none that does can
/// be reached by any of them (reference_reached_by when `variant` runs the reference's stages).
bool answers_alike(const spec::Edition& earlier, const spec::Edition& later, const std::vector<std::string>& bodies,
                   const Variant* variant, bool legacy_api);

/// `editions` (oldest first) in stretches the server answering as `variant` answers alike: split
/// wherever one of its epochs starts between two neighbouring editions.
std::vector<std::vector<spec::Edition>> answered_alike(const std::vector<spec::Edition>& editions, const Variant* variant,
                                                       bool legacy_api);

}  // namespace mx3pid::reference_homeserver
