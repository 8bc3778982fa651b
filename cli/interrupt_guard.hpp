#pragma once
// SIGINT and SIGTERM as a flag the run checks (between cases, while waiting for the server, while
// holding a reproduction open); a second signal ends the process as usual.
#include <atomic>
#include <csignal>

namespace mx3pid::cli {

class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    /// True once a signal arrived.
    bool interrupted() const { return signalled().load(); }
    /// What the runner reads: set by a signal, or by stop_cases() (--fail-fast).
    const std::atomic<bool>& stop_flag() const { return halted(); }
    /// Stops the run before its next case without calling it an interruption.
    void stop_cases() { halted().store(true); }

private:
    static std::atomic<bool>& signalled();
    static std::atomic<bool>& halted();
    struct sigaction previous_interrupt_ {};
    struct sigaction previous_terminate_ {};
};

}  // namespace mx3pid::cli
