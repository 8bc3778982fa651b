#pragma once
// A blocking loopback TCP client for the tests, every read bounded in time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace mx3pid::smtp_sink::test {

class RawClient {
public:
    explicit RawClient(unsigned short port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~RawClient() { close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }

    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    struct Read {
        std::string data;
        bool closed = false;     ///< the peer closed (or reset) the connection
        bool timed_out = false;  ///< the deadline passed first
    };

    /// Reads until `needle` has arrived, the peer closes, or `timeout` passes.
    Read read_until(std::string_view needle, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        Read result;
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (needle.empty() || result.data.find(needle) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                result.timed_out = true;
                break;
            }
            pollfd p{fd_, POLLIN, 0};
            int ready = ::poll(&p, 1, static_cast<int>(left.count()));
            if (ready == 0) continue;
            char buffer[4096];
            auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                result.closed = true;
                break;
            }
            result.data.append(buffer, static_cast<std::size_t>(n));
        }
        return result;
    }

    /// Waits for the peer to close, discarding what it sends.
    Read read_to_close(std::chrono::milliseconds timeout = std::chrono::seconds(5)) { return read_until({}, timeout); }

    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

}  // namespace mx3pid::smtp_sink::test
