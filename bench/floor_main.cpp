// mx3pid-bench-floor: replays the HTTP requests of a finished run (a JSON report written with
// --no-redact) against a fresh built-in reference homeserver, one after another through one
// keep-alive connection, with no judging and no side-channel watching: the floor a run's cost is
// measured against. Prints the number of requests sent and the seconds they took.
#include <chrono>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "targets/target.hpp"
#include "net/client.hpp"

using namespace mx3pid;
using nlohmann::json;

namespace {

/// The request an exchange recorded, aimed at `homeserver` when it went to the recorded homeserver.
std::optional<net::Request> replayable(const json& exchange, const std::string& recorded_origin) {
    const auto url = exchange.value("url", std::string());
    if (url.rfind(recorded_origin, 0) != 0) return std::nullopt;
    net::Request request;
    request.method = exchange.value("method", std::string("POST"));
    request.target = url.substr(recorded_origin.size());
    for (const auto& header : exchange.value("request_headers", json::array()))
        request.headers.emplace_back(header.value("name", std::string()), header.value("value", std::string()));
    request.body = exchange.value("request_body", std::string());
    return request;
}

}  // namespace

int main(int argc, char** argv) {
    std::string report_path, profile_path, edition_name = "v1.11";
    CLI::App app{"Replays a run's requests through one keep-alive connection, unjudged: the floor of its cost."};
    app.add_option("--report", report_path, "JSON report of the run (written with --no-redact)")->required()->check(CLI::ExistingFile);
    app.add_option("--profile", profile_path, "the built-in profile the run used")->required()->check(CLI::ExistingFile);
    app.add_option("--spec", edition_name, "the edition the run judged")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::ifstream in(report_path);
    auto report = json::parse(in, nullptr, false);
    auto edition = spec::Edition::parse(edition_name);
    if (report.is_discarded() || !report.is_object() || !edition) {
        std::cerr << "mx3pid-bench-floor: " << report_path << " is not a JSON report, or the edition is unknown\n";
        return 2;
    }
    std::vector<net::Request> requests;
    std::string recorded_origin;
    for (const auto& result : report.value("cases", json::array()))
        for (const auto& exchange : result.value("exchanges", json::array())) {
            if (recorded_origin.empty()) {
                auto url = net::Url::parse(exchange.value("url", std::string()));
                if (url) recorded_origin = url->origin();
            }
            if (auto request = replayable(exchange, recorded_origin)) requests.push_back(std::move(*request));
        }
    try {
        auto profile = suite::load_profile(profile_path);
        targets::TargetChoice choice;
        choice.text = "builtin";
        targets::Target target(choice, profile, *edition);
        net::Client client;
        const auto started = std::chrono::steady_clock::now();
        std::size_t answered = 0;
        for (const auto& request : requests) answered += client.send(target.homeserver_url(), request) ? 1 : 0;
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::cout << requests.size() << " requests, " << answered << " answered, " << took.count() << " s\n";
        return answered == requests.size() ? 0 : 1;
    } catch (const suite::ConfigError& e) {
        std::cerr << "mx3pid-bench-floor: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "mx3pid-bench-floor: " << e.what() << "\n";
        return 2;
    }
}
