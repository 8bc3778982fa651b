#pragma once
// Execution units: what a run sends. A case asks the same requests in most editions; only the
// judgement differs. So the requests each edition would send for a case are built, and the editions
// whose requests are identical — the same server, the same address, the same bytes (the generated
// values aside, which a unit then shares) and the same follow-up rules — form one unit: sent once,
// observed once on the side channel, and judged in each of its editions. A run of one edition has
// one unit per case it asks.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/request_builder.hpp"
#include "net/url.hpp"
#include "spec/edition.hpp"
#include "suite/profile.hpp"
#include "suite/selection.hpp"

namespace mx3pid::engine {

/// One edition a run judges: the cases selected for it and the server that answers as it.
struct EditionCases {
    spec::Edition edition;
    /// The same case IDs in the same order in every edition of a run (suite::select_cases keeps one
    /// per ID, skipped where no template applies).
    std::vector<suite::SelectedCase> cases;
    std::optional<net::Url> homeserver;  ///< where its requests go; unset: the run's homeserver
    /// Whether its server answers requests with these bodies as the server of an `earlier` edition
    /// does (targets::Target::answers_alike); unset: only when it is the same server. A unit may
    /// then span editions judged by two servers, sent to the earlier one.
    std::function<bool(const spec::Edition& earlier, const std::vector<std::string>& bodies)> answers_as;
};

struct Unit {
    std::size_t id = 0;          ///< unique in the run: its side-channel key and the index of its fixtures
    std::size_t case_index = 0;  ///< the case's place in every edition's selection
    std::size_t ordinal = 0;     ///< among its case's units, in the order of their first editions
    std::vector<std::size_t> editions;  ///< indices into the run's editions, in their order
    net::Url homeserver;
};

struct UnitPlan {
    /// By id. A case's first unit has the case's index as its id (so a run of one edition generates
    /// what it always did); later units are numbered after every case.
    std::vector<Unit> units;
    std::vector<std::vector<std::size_t>> of_case;  ///< by case index: its unit ids, first unit first
};

/// What every request of a run is built with besides the edition and the server.
struct RequestBasis {
    IdentityCredentials trusted;
    IdentityCredentials untrusted;
};

/// The request context for `edition` against `homeserver`.
RequestContext request_context(const spec::Edition& edition, const net::Url& homeserver, const RequestBasis& basis);

/// Groups, case by case, the editions a case is asked in (neither skipped nor marked not run) into
/// units of identical requests: on one server, or joining a unit of an earlier edition's server
/// when its edition's server answers those requests alike (EditionCases::answers_as). A request is
/// never sent to a server that it would not have reached without that sharing, so no new pair of
/// units of one case meets on one server.
UnitPlan plan_units(const std::vector<EditionCases>& editions, const net::Url& homeserver, const suite::Profile& profile,
                    const RequestBasis& basis);

}  // namespace mx3pid::engine
