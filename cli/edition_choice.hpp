#pragma once
// Before the cases: waiting for the homeserver to answer, and choosing the edition to judge.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/interrupt_guard.hpp"
#include "cli/start_failure.hpp"
#include "net/client.hpp"
#include "net/url.hpp"
#include "spec/edition.hpp"

namespace mx3pid::cli {

/// The edition judged, how it was chosen, and what the server advertises.
struct Judged {
    spec::Edition edition;
    std::string source;
    std::vector<std::string> advertised;
    std::string note;  ///< one sentence when the edition judged is not one the server advertises
};

/// Polls GET /_matrix/client/versions every half second until it answers 200, for at most
/// `seconds`, saying on `err` what it waits for every five seconds. A Stop (exit 3) when the time
/// runs out, 130 when interrupted.
std::optional<Stop> wait_for_server(const net::Url& homeserver, const std::string& shown_as, double seconds,
                                    const net::ClientOptions& client, const InterruptGuard& interrupts, std::ostream& err);

/// Asks /versions; the edition `given`, else the newest that both the server and mx3pid know; a
/// Stop (exit 3) when the server cannot be asked or names no known edition.
std::variant<Judged, Stop> choose_edition(const net::Url& homeserver, const std::string& shown_as,
                                          const std::optional<spec::Edition>& given, const std::string& given_source,
                                          const net::ClientOptions& client);

}  // namespace mx3pid::cli
