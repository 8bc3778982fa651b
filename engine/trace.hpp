#pragma once
// The run's trace (--log FILE): each exchange, each side-channel arrival and the key that placed it,
// each settle window, rate-limit wait and revised verdict, written through spdlog. It is off until
// started; a call site asks `on(level)` before it builds a line, so a run without a trace pays one
// atomic load per place that could write.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mx3pid::engine::trace {

enum class Level { trace, debug, info, warn, off };

/// "trace", "debug", "info" or "warn"; nothing for any other name.
std::optional<Level> parse_level(std::string_view name);

/// Writes the trace to `path` (emptied first) until stop(); `show_secrets` leaves client secrets and
/// tokens as they were (--log-secrets). The reason when the file cannot be written.
std::optional<std::string> start(const std::string& path, Level level, bool show_secrets);
/// Flushes and closes the trace; nothing when it was not started.
void stop();

/// Would a line at `level` be written?
bool on(Level level);
/// Writes `line`, prefixed with the case the calling thread works for, if any.
void write(Level level, std::string_view line);

/// `text` with every one of `secrets` (four characters or more) and the values of the JSON fields
/// that hold secrets or tokens masked, unless the trace shows secrets.
std::string mask(std::string text, const std::vector<std::string>& secrets);

/// Names the case the calling thread works for on every line it writes, while this lives.
class CaseScope {
public:
    explicit CaseScope(std::string case_id);
    ~CaseScope();
    CaseScope(const CaseScope&) = delete;
    CaseScope& operator=(const CaseScope&) = delete;

private:
    std::string previous_;
};

/// Starts the trace for as long as it lives (a CLI run), and stops it after.
class Session {
public:
    Session() = default;
    ~Session() { stop(); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

}  // namespace mx3pid::engine::trace
