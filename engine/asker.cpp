#include "engine/asker.hpp"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/detail/checks.hpp"
#include "engine/trace.hpp"

namespace mx3pid::engine {
namespace {

using nlohmann::json;

constexpr int most_attempts = 8;
constexpr std::chrono::milliseconds progress_every{250};

std::string milliseconds_text(reports::Clock::duration duration) {
    auto tenths = std::chrono::duration_cast<std::chrono::microseconds>(duration).count() / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " ms";
}

std::string headers_text(const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string text;
    for (const auto& [name, value] : headers) text += (text.empty() ? "" : "; ") + name + ": " + value;
    return text;
}

/// The exchange in the trace: request line, status and time; bodies at debug, headers at trace.
void trace_exchange(const net::Url& origin, const net::Request& request, const net::Outcome<net::Response>& outcome,
                    const detail::Secrets& secrets, reports::Clock::time_point started) {
    const auto& masks = secrets.all();
    std::string line = request.method + " " + trace::mask(origin.origin() + request.target, masks) + " → ";
    line += outcome ? std::to_string(outcome->status) : "no answer (" + outcome.failure().describe() + ")";
    trace::write(trace::Level::info, line + " in " + milliseconds_text(reports::Clock::now() - started));
    if (trace::on(trace::Level::trace)) {
        trace::write(trace::Level::trace, "  request headers: " + trace::mask(headers_text(request.headers), masks));
        if (outcome) trace::write(trace::Level::trace, "  response headers: " + trace::mask(headers_text(outcome->headers), masks));
    }
    if (!trace::on(trace::Level::debug)) return;
    if (!request.body.empty()) trace::write(trace::Level::debug, "  request body: " + trace::mask(detail::one_line(request.body, 4000), masks));
    if (outcome && !outcome->body.empty())
        trace::write(trace::Level::debug, "  response body: " + trace::mask(detail::one_line(outcome->body, 4000), masks));
}

}  // namespace

std::string seconds_text(std::chrono::milliseconds duration) {
    auto tenths = (duration.count() + 50) / 100;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") + " s";
}

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
        if (trace::on(trace::Level::info)) trace_exchange(origin, request, outcome, secrets, started);
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
            if (attempt >= most_attempts || waited + delay > max_wait_) {
                const bool retried_out = waited + delay <= max_wait_;
                auto why = retried_out ? "the homeserver still answered 429 after " + std::to_string(attempt) + " attempts and " +
                                             seconds_text(waited) + " waited as it asked"
                                       : "the homeserver asked to wait " + seconds_text(delay) + " after " + seconds_text(waited) +
                                             " waited, more than --max-wait (" + seconds_text(max_wait_) + ") allows";
                if (trace::on(trace::Level::warn)) trace::write(trace::Level::warn, "rate limited (429), giving up: " + why);
                Answer limited{std::nullopt, Answer::Trouble::rate_limited,
                               "rate limited (429): " + why +
                                   ": raise the homeserver's requestToken rate limit for this client (Synapse: "
                                   "rc_3pid_validation) or --max-wait / timing.max_rate_limit_wait_ms",
                               delay};
                limited.retried_out = retried_out;
                return limited;
            }
            if (trace::on(trace::Level::info))
                trace::write(trace::Level::info, "rate limited (429): waiting " + seconds_text(delay) + " as the homeserver asked (attempt " +
                                                     std::to_string(attempt) + " of " + std::to_string(most_attempts) + ", " +
                                                     seconds_text(waited) + " waited so far, --max-wait " + seconds_text(max_wait_) + ")");
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
