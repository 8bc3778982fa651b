#pragma once
// Test helpers for net: temporary files, loopback ports, and child processes with bounded waits.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace mx3pid::net::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// A directory that is removed with everything in it at the end of the scope.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "mx3pid-net-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }

private:
    std::filesystem::path path_;
};

/// Polls `condition` every 10 ms for at most `bound`.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds bound = 5s) {
    const auto until = Clock::now() + bound;
    while (Clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

inline sockaddr_in loopback(unsigned short port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/// A loopback port that was free a moment ago, drawn at random below the ephemeral range: a port the
/// kernel hands out to any parallel test's bind to port 0 or outgoing connection could be taken in
/// the moment between this check and the child process binding it.
inline unsigned short free_port() {
    int ephemeral_low = 32768;
    std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
    const int high = std::max(ephemeral_low - 1, 2048), low = high < 11024 ? 1024 : 10000;
    std::minstd_rand draw(std::random_device{}());
    for (int attempt = 0; attempt < 2000; ++attempt) {
        const auto port = static_cast<unsigned short>(low + static_cast<int>(draw() % (high - low + 1)));
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) break;
        sockaddr_in address = loopback(port);
        const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        ::close(fd);
        if (bound) return port;
    }
    throw std::runtime_error("cannot find a free port below the ephemeral range");
}

/// A blocking loopback TCP connection for raw bytes; every wait bounded.
class RawConnection {
public:
    explicit RawConnection(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address = loopback(port);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return connected_; }
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }
    /// Reads and discards until the peer closes (true) or `bound` passes (false).
    bool closed_by_peer_within(std::chrono::milliseconds bound) {
        const auto until = Clock::now() + bound;
        char buffer[4096];
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
            if (left <= 0) return false;
            pollfd descriptor{fd_, POLLIN, 0};
            if (::poll(&descriptor, 1, static_cast<int>(left)) <= 0) continue;
            if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return true;
        }
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

/// True once something accepts TCP connections on 127.0.0.1:port, polling until `bound` passes.
inline bool accepting_within(unsigned short port, std::chrono::milliseconds bound) {
    return eventually([port] { return RawConnection(port).connected(); }, bound);
}

inline bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        auto end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        auto candidate = std::filesystem::path(dirs.substr(start, end - start)) / program;
        if (::access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

struct CommandResult {
    int status = -1;  ///< the exit status, or -1
    std::string output;  ///< stdout and stderr
};

/// Runs a shell command that bounds its own time (e.g. curl --max-time) and collects its output.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.output.append(buffer, n);
    int status = ::pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// A child process in a process group of its own (so that its own children go with it), its output
/// sent to `log_file`. The destructor sends SIGTERM to the group, then SIGKILL after a bounded wait.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::string& log_file) {
        std::vector<char*> args;
        for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attributes, 0);
        int error = posix_spawnp(&pid_, args[0], &actions, &attributes, args.data(), environ);
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0) throw std::runtime_error("cannot start " + argv[0]);
    }
    ~ChildProcess() { stop(); }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
        return pid_ > 0;
    }

    void stop() {
        if (!running()) return;
        ::kill(-pid_, SIGTERM);
        if (!eventually([this] { return !running(); }, 3s)) {
            ::kill(-pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            pid_ = -1;
        }
    }

private:
    pid_t pid_ = -1;
};

}  // namespace mx3pid::net::testing
