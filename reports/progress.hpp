#pragma once
// The line a terminal shows in place while a case takes its time: "[37/180] 3pid/email/resend …",
// or the time left while a rate limit is waited out. It is cleared before each case line prints.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

namespace mx3pid::reports {

class ProgressLine {
public:
    using Clock = std::chrono::steady_clock;

    /// Shows nothing unless `enabled` (a terminal); fits lines into `width` columns (0: 80). With
    /// `ticking`, a thread looks every 100 ms whether a case has run longer than `delay`.
    ProgressLine(std::ostream& out, bool enabled, std::size_t width,
                 std::chrono::milliseconds delay = std::chrono::milliseconds(500), bool ticking = true);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    /// A case started (from any thread): `index` counts from 0 in a selection of `total`.
    void case_started(std::size_t index, std::size_t total, const std::string& id);
    /// A rate limit is being waited out: shown at once, updated in place; cleared when `left` is 0.
    void waiting(const std::string& what, std::chrono::milliseconds left);
    /// Shows the running case once it has run `delay` by `now`; the ticking thread calls it.
    void tick(Clock::time_point now);
    /// Clears the progress line, lets `write` print whole lines, and flushes. When `finished` is the
    /// running case's ID, that case is done and is not shown again; another case still running is,
    /// at the next tick.
    void print(const std::function<void(std::ostream&)>& write, const std::string& finished = {});

private:
    void draw(const std::string& text);
    void clear();

    std::ostream& out_;
    const bool enabled_;
    const std::size_t width_;
    const std::chrono::milliseconds delay_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::string label_;  ///< "[37/180] 3pid/email/resend"; empty when no case is running
    std::string running_;  ///< the ID in label_
    Clock::time_point since_{};
    bool shown_ = false;
    bool stopping_ = false;
    std::thread ticker_;
};

}  // namespace mx3pid::reports
