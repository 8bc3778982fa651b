#include "engine/asker.hpp"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"

namespace mx3pid::engine {
namespace {

using nlohmann::json;

constexpr int most_attempts = 8;
constexpr std::chrono::milliseconds progress_every{250};

std::string seconds_text(std::chrono::milliseconds duration) {
    auto tenths = (duration.count() + 50) / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

}  // namespace

std::chrono::milliseconds retry_delay(const net::Response& response) {
    if (auto header = response.header("Retry-After")) {
        try {
            std::size_t used = 0;
            auto seconds = std::stol(*header, &used);
            if (used == header->size() && seconds >= 0) return std::chrono::seconds(seconds);
        } catch (const std::exception&) {
        }
    }
    auto body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("retry_after_ms") && body["retry_after_ms"].is_number_integer())
        return std::chrono::milliseconds(std::max<std::int64_t>(0, body["retry_after_ms"].get<std::int64_t>()));
    return std::chrono::seconds(1);
}

reports::HttpExchange record(const net::Url& origin, const net::Request& request,
                             const net::Outcome<net::Response>& outcome, const detail::Secrets& secrets,
                             reports::Clock::time_point started) {
    reports::HttpExchange exchange;
    exchange.method = request.method;
    exchange.url = secrets.redact(origin.origin() + request.target);
    for (const auto& [name, value] : request.headers) exchange.request_headers.emplace_back(name, secrets.redact(value));
    exchange.request_body = secrets.redact(request.body);
    exchange.started = started;
    exchange.finished = reports::Clock::now();
    if (outcome) {
        exchange.status = outcome->status;
        for (const auto& [name, value] : outcome->headers) exchange.response_headers.emplace_back(name, secrets.redact(value));
        exchange.response_body = secrets.redact(outcome->body);
    } else {
        exchange.transport_error = outcome.failure().describe();
    }
    return exchange;
}

Asker::Asker(net::Client& http, std::chrono::milliseconds max_wait, WaitListener on_wait)
    : http_(http), max_wait_(max_wait), on_wait_(std::move(on_wait)) {}

void Asker::wait_out(std::chrono::milliseconds delay, const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + delay;
    for (auto now = std::chrono::steady_clock::now(); now < until; now = std::chrono::steady_clock::now()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
        if (on_wait_) on_wait_(what, left);
        std::this_thread::sleep_for(std::min(left, progress_every));
    }
    if (on_wait_) on_wait_(what, std::chrono::milliseconds(0));
}

Answer Asker::ask(const net::Url& origin, const net::Request& request, const detail::Secrets& secrets,
                  std::vector<reports::HttpExchange>& transcript, bool redirect_is_error) {
    std::chrono::milliseconds waited{0};
    for (int attempt = 1;; ++attempt) {
        auto started = reports::Clock::now();
        auto outcome = http_.send(origin, request);
        transcript.push_back(record(origin, request, outcome, secrets, started));
        if (!outcome) {
            const bool timeout = outcome.failure().error == net::TransportError::timeout;
            return {std::nullopt, timeout ? Answer::Trouble::timeout : Answer::Trouble::transport,
                    "could not ask the homeserver: " + outcome.failure().describe(), {}};
        }
        auto& response = *outcome;
        if (response.status == 429) {
            ++rate_limited_;
            auto delay = retry_delay(response);
            if (attempt >= most_attempts || waited + delay > max_wait_)
                return {std::nullopt, Answer::Trouble::rate_limited,
                        "rate limited (429): the homeserver asked to wait " + seconds_text(delay) + " after " +
                            seconds_text(waited) + " waited, more than --max-wait (" + seconds_text(max_wait_) +
                            ") allows: raise the homeserver's requestToken rate limit for this client (Synapse: "
                            "rc_3pid_validation) or --max-wait / timing.max_rate_limit_wait_ms",
                        delay};
            waited += delay;
            wait_out(delay, "rate limited by the homeserver (429)");
            continue;
        }
        if (redirect_is_error && response.status >= 300 && response.status < 400)
            return {std::nullopt, Answer::Trouble::redirect,
                    "the homeserver redirected (" + std::to_string(response.status) + " to " +
                        detail::one_line(response.header("Location").value_or("nowhere"), 120) +
                        "); mx3pid does not follow redirects: give --homeserver the final URL",
                    {}};
        return {std::move(response), Answer::Trouble::none, "", {}};
    }
}

}  // namespace mx3pid::engine
