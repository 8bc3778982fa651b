#include "cli/interrupt_guard.hpp"

namespace mx3pid::cli {

std::atomic<bool>& InterruptGuard::signalled() {
    static std::atomic<bool> value{false};
    return value;
}

std::atomic<bool>& InterruptGuard::halted() {
    static std::atomic<bool> value{false};
    return value;
}

InterruptGuard::InterruptGuard() {
    signalled().store(false);
    halted().store(false);
    struct sigaction action {};
    action.sa_handler = [](int) {
        signalled().store(true);
        halted().store(true);
    };
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_interrupt_);
    sigaction(SIGTERM, &action, &previous_terminate_);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &previous_interrupt_, nullptr);
    sigaction(SIGTERM, &previous_terminate_, nullptr);
}

}  // namespace mx3pid::cli
