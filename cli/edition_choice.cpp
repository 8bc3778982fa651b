#include "cli/edition_choice.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/cli.hpp"

namespace mx3pid::cli {
namespace {

net::Outcome<net::Response> ask_versions(const net::Url& homeserver, const net::ClientOptions& client) {
    return net::send(homeserver, net::Request{"GET", "/_matrix/client/versions", {{"Accept", "application/json"}}, "", ""}, client);
}

/// The strings GET /_matrix/client/versions lists under "versions", in its order.
std::vector<std::string> advertised_editions(const net::Response& versions) {
    std::vector<std::string> names;
    auto body = nlohmann::json::parse(versions.body, nullptr, false);
    if (versions.status != 200 || !body.is_object() || !body.contains("versions") || !body["versions"].is_array())
        return names;
    for (const auto& item : body["versions"])
        if (item.is_string()) names.push_back(item.get<std::string>());
    return names;
}

/// Newest edition that both the server's /versions and mx3pid know.
std::optional<spec::Edition> detect_edition(const std::vector<std::string>& advertised) {
    std::optional<spec::Edition> newest;
    for (const auto& name : advertised) {
        auto edition = spec::Edition::parse(name);
        if (edition && (!newest || *newest < *edition)) newest = edition;
    }
    return newest;
}

/// One sentence when the edition judged is not one the server advertises, else empty.
std::string edition_note(const spec::Edition& judged, const std::vector<std::string>& advertised) {
    if (std::find(advertised.begin(), advertised.end(), judged.name()) != advertised.end()) return {};
    std::string listed;
    for (const auto& name : advertised) listed += (listed.empty() ? "" : ", ") + name;
    return "judged as " + std::string(judged.name()) + ", which the homeserver does not advertise (GET /_matrix/client/versions lists " +
           (listed.empty() ? std::string("none") : listed) + ")";
}

}  // namespace

std::optional<Stop> wait_for_server(const net::Url& homeserver, const std::string& shown_as, double seconds,
                                    const net::ClientOptions& client, const InterruptGuard& interrupts, std::ostream& err) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    const auto deadline = started + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    auto next_word = started;
    std::string last;
    while (true) {
        auto versions = ask_versions(homeserver, client);
        if (versions && versions->status == 200) {
            if (!last.empty())
                err << "mx3pid: " << shown_as << " answered after "
                    << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count() << " s\n";
            return std::nullopt;
        }
        last = versions ? "GET /_matrix/client/versions answered " + std::to_string(versions->status) : versions.failure().describe();
        if (interrupts.interrupted()) return Stop{exit_interrupted, "interrupted while waiting for " + shown_as, ""};
        const auto now = Clock::now();
        if (now >= deadline)
            return Stop{exit_untestable, "cannot test " + shown_as + ": not ready after " + std::to_string(static_cast<long>(seconds)) + " s (" + last + ")",
                        "start the homeserver before mx3pid, or give it longer with --wait-for-server"};
        if (now >= next_word) {
            err << "mx3pid: waiting for " << shown_as << " (" << last << "; "
                << std::chrono::duration_cast<std::chrono::seconds>(deadline - now).count() << " s left)\n";
            next_word = now + std::chrono::seconds(5);
        }
        std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(500), deadline - now));
    }
}

std::variant<Judged, Stop> choose_edition(const net::Url& homeserver, const std::string& shown_as,
                                          const std::optional<spec::Edition>& given, const std::string& given_source,
                                          const net::ClientOptions& client) {
    auto versions = ask_versions(homeserver, client);
    if (!versions)
        return Stop{exit_untestable, "cannot test " + shown_as + ": " + versions.failure().describe(), fix_for(versions.failure().error)};
    auto advertised = advertised_editions(*versions);
    if (given) {
        auto note = edition_note(*given, advertised);
        return Judged{*given, given_source, std::move(advertised), std::move(note)};
    }
    auto detected = detect_edition(advertised);
    if (!detected)
        return Stop{exit_untestable,
                    "cannot test " + shown_as + ": GET /_matrix/client/versions names no edition mx3pid knows (status " +
                        std::to_string(versions->status) + ")",
                    "give the edition with --spec"};
    return Judged{*detected, "detected from /_matrix/client/versions", std::move(advertised), ""};
}

}  // namespace mx3pid::cli
