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

/// The editions judged, how they were chosen, and what the server advertises.
struct Judged {
    spec::Edition edition;  ///< the newest of `editions`: what a run of one edition judges
    std::string source;
    std::vector<std::string> advertised;
    std::string note;  ///< one sentence when an edition judged is not one the server advertises
    std::vector<spec::Edition> editions;  ///< every edition judged, oldest first; one for a run of one edition
};

/// The editions the command line (or profile) asks for: one, several, every one the server
/// advertises, or (none of these) the newest it advertises.
struct EditionWish {
    std::optional<spec::Edition> one;
    std::vector<spec::Edition> several;
    bool all_advertised = false;
    std::string source = "given";
};

/// Polls GET /_matrix/client/versions every half second until it answers 200, for at most
/// `seconds`, saying on `err` what it waits for every five seconds. A Stop (exit 3) when the time
/// runs out, 130 when interrupted.
std::optional<Stop> wait_for_server(const net::Url& homeserver, const std::string& shown_as, double seconds,
                                    const net::ClientOptions& client, const InterruptGuard& interrupts, std::ostream& err);

/// Asks /versions; the editions `wished` (every one the server lists that mx3pid knows, for
/// all_advertised), else the newest that both the server and mx3pid know; a Stop (exit 3) when the
/// server cannot be asked or names no known edition where one must be chosen from what it lists.
std::variant<Judged, Stop> choose_edition(const net::Url& homeserver, const std::string& shown_as, const EditionWish& wished,
                                          const net::ClientOptions& client);

}  // namespace mx3pid::cli
