#pragma once
// Asks the homeserver one question: sends the request, records the exchange, waits out 429s within
// the allowed time, and tells "could not ask" (transport, redirect, bytes that are not UTF-8, a rate
// limit that did not lift) apart from an answer worth judging.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/detail/secrets.hpp"
#include "net/client.hpp"
#include "reports/run_result.hpp"

namespace mx3pid::engine {

/// Called while a rate limit is waited out: what is waited for, and how long is left.
using WaitListener = std::function<void(const std::string& what, std::chrono::milliseconds left)>;

struct Answer {
    enum class Trouble { none, transport, timeout, redirect, rate_limited };

    std::optional<net::Response> response;  ///< set exactly when trouble is none
    Trouble trouble = Trouble::none;
    std::string error;                      ///< one line, when there is no response to judge
    std::chrono::milliseconds asked_to_wait{0};  ///< for rate_limited: what the last 429 asked for
    /// For rate_limited: every wait the server asked for fitted --max-wait and was waited out, and
    /// it still answered 429 when the attempts ran out.
    bool retried_out = false;
};

class Asker {
public:
    Asker(net::Client& http, std::chrono::milliseconds max_wait, WaitListener on_wait = {});

    /// Sends `request` to `origin`, appending every exchange (429s included) to `transcript`.
    Answer ask(const net::Url& origin, const net::Request& request, const detail::Secrets& secrets,
               std::vector<reports::HttpExchange>& transcript, bool redirect_is_error = true);

    /// Every 429 answer received so far, waited out or not.
    std::size_t rate_limited() const { return rate_limited_.load(); }
    std::chrono::milliseconds max_wait() const { return max_wait_; }

private:
    void wait_out(std::chrono::milliseconds delay, const std::string& what);

    net::Client& http_;
    std::chrono::milliseconds max_wait_;
    WaitListener on_wait_;
    std::atomic<std::size_t> rate_limited_{0};
};

/// "7200 s", "0.5 s": a duration as messages give it, to a tenth of a second.
std::string seconds_text(std::chrono::milliseconds duration);

/// How long a 429 asks to be left alone: Retry-After (seconds), else retry_after_ms, else a second.
std::chrono::milliseconds retry_delay(const net::Response& response);

/// The exchange as reports keep it, with every secret redacted.
reports::HttpExchange record(const net::Url& origin, const net::Request& request,
                             const net::Outcome<net::Response>& outcome, const detail::Secrets& secrets,
                             reports::Clock::time_point started);

}  // namespace mx3pid::engine
