#include "reports/progress.hpp"

#include <ostream>

#include "reports/detail/text.hpp"

namespace mx3pid::reports {

ProgressLine::ProgressLine(std::ostream& out, bool enabled, std::size_t width, std::chrono::milliseconds delay,
                           bool ticking)
    : out_(out), enabled_(enabled), width_(width == 0 ? 80 : width), delay_(delay) {
    if (!enabled_ || !ticking) return;
    ticker_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, std::chrono::milliseconds(100));
            if (stopping_) break;
            lock.unlock();
            tick(Clock::now());
            lock.lock();
        }
    });
}

ProgressLine::~ProgressLine() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        if (shown_) clear();
    }
    wake_.notify_all();
    if (ticker_.joinable()) ticker_.join();
}

void ProgressLine::case_started(std::size_t index, std::size_t total, const std::string& id) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (shown_) clear();
    label_ = "[" + std::to_string(index + 1) + "/" + std::to_string(total) + "] " + detail::one_line(id);
    running_ = id;
    since_ = Clock::now();
}

void ProgressLine::waiting(const std::string& what, std::chrono::milliseconds left) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (left.count() <= 0) {  // the wait is over: the case shows again if it goes on long
        if (shown_) clear();
        since_ = Clock::now();
        return;
    }
    const auto seconds = (left.count() + 999) / 1000;
    draw((label_.empty() ? "" : label_ + ": ") + detail::one_line(what) + ", " + std::to_string(seconds) + " s left");
}

void ProgressLine::tick(Clock::time_point now) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    if (label_.empty() || shown_ || now - since_ < delay_) return;
    draw(label_ + " \u2026");
}

void ProgressLine::print(const std::function<void(std::ostream&)>& write, const std::string& finished) {
    std::lock_guard lock(mutex_);
    if (shown_) clear();
    if (finished.empty() || finished == running_) label_.clear();
    write(out_);
    out_.flush();
}

void ProgressLine::draw(const std::string& text) {
    // One column short of the width, so that the terminal never wraps the line it rewrites.
    out_ << '\r' << detail::cut_at_word(text, width_ - 1) << "\x1b[K" << std::flush;
    shown_ = true;
}

void ProgressLine::clear() {
    out_ << "\r\x1b[K" << std::flush;
    shown_ = false;
}

}  // namespace mx3pid::reports
