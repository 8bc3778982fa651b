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

/// Every edition that both the server's /versions and mx3pid know, oldest first.
std::vector<spec::Edition> known_advertised(const std::vector<std::string>& advertised) {
    std::vector<spec::Edition> known;
    for (const auto& name : advertised)
        if (auto edition = spec::Edition::parse(name); edition && std::find(known.begin(), known.end(), *edition) == known.end())
            known.push_back(*edition);
    std::sort(known.begin(), known.end());
    return known;
}

/// One sentence when an edition judged is not one the server advertises, else empty.
std::string edition_note(const std::vector<spec::Edition>& judged, const std::vector<std::string>& advertised) {
    std::string missing;
    for (const auto& edition : judged)
        if (std::find(advertised.begin(), advertised.end(), edition.name()) == advertised.end())
            missing += (missing.empty() ? "" : ", ") + edition.name();
    if (missing.empty()) return {};
    std::string listed;
    for (const auto& name : advertised) listed += (listed.empty() ? "" : ", ") + name;
    return "judged as " + missing + ", which the homeserver does not advertise (GET /_matrix/client/versions lists " +
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

std::variant<Judged, Stop> choose_edition(const net::Url& homeserver, const std::string& shown_as, const EditionWish& wished,
                                          const net::ClientOptions& client) {
    auto versions = ask_versions(homeserver, client);
    if (!versions)
        return Stop{exit_untestable, "cannot test " + shown_as + ": " + versions.failure().describe(), fix_for(versions.failure().error)};
    auto advertised = advertised_editions(*versions);
    const auto given = wished.one ? std::vector{*wished.one} : wished.several;
    if (!given.empty()) {
        auto note = edition_note(given, advertised);
        return Judged{given.back(), wished.source, std::move(advertised), std::move(note), given};
    }
    auto known = known_advertised(advertised);
    if (known.empty())
        return Stop{exit_untestable,
                    "cannot test " + shown_as + ": GET /_matrix/client/versions names no edition mx3pid knows (status " +
                        std::to_string(versions->status) + ")",
                    "give the edition with --spec"};
    if (!wished.all_advertised) return Judged{known.back(), "detected from /_matrix/client/versions", std::move(advertised), "", {known.back()}};
    return Judged{known.back(), wished.source, std::move(advertised), "", std::move(known)};
}

}  // namespace mx3pid::cli
