// mx3pid-identity: the mock identity server on its own, for pointing a real homeserver at it.
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <string>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "mock_identity/detail/body.hpp"
#include "mock_identity/detail/reading.hpp"
#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"
#include "net/server.hpp"
#include "spec/defaults.hpp"

namespace {

using namespace mx3pid;

struct ListenAddress {
    std::string host;
    unsigned short port = 0;
};

std::optional<ListenAddress> parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() || text.size() - colon - 1 > 5)
        return std::nullopt;
    std::string host = text.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']') return std::nullopt;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return std::nullopt;
    }
    if (host == "localhost") host = "127.0.0.1";
    unsigned long port = 0;
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') return std::nullopt;
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) return std::nullopt;
    return ListenAddress{host, static_cast<unsigned short>(port)};
}

std::string utc_now() {
    auto now = std::chrono::system_clock::now();
    auto seconds = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[80];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1,
                  parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec, static_cast<int>(millis));
    return text;
}

// The path only: queries may carry client secrets and tokens. A requestToken call is followed by
// each way it departs from the identity API, for a person pointing a homeserver at the tool.
void log_request(const net::Request& request, const net::Response& response) {
    std::string line = utc_now() + " " + request.peer + " " + request.method + " " + request.path() + " -> " +
                       std::to_string(response.status) + " (" + std::to_string(request.body.size()) + " bytes in)\n";
    if (mock_identity::detail::names_request_token(request.path())) {
        auto reading = mock_identity::detail::read_request_token(request, mock_identity::detail::read_body(request));
        for (const auto& deviation : reading.deviations)
            line += "  departs from the identity API: " + mock_identity::describe(deviation) + "\n";
    }
    for (auto& c : line)
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) c = '?';
    std::fputs(line.c_str(), stderr);
}

/// Prints each message the mock would have sent, once, in sequence order.
class MessageLog {
public:
    explicit MessageLog(bool show_tokens) : show_tokens_(show_tokens) {}

    void print_new(const mock_identity::detail::State& state) {
        std::lock_guard lock(mutex_);
        for (const auto& message : state.messages_since(printed_)) {
            std::string line = utc_now() + " would send " + message.medium + " to " + message.address + ": sid " +
                               message.sid + ", token " + (show_tokens_ ? message.token : "(hidden: --show-tokens)") +
                               ", send_attempt " + std::to_string(message.send_attempt) + "\n";
            for (auto& c : line)
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) c = '?';
            std::fputs(line.c_str(), stderr);
            printed_ = message.sequence;
        }
    }

private:
    bool show_tokens_;
    std::mutex mutex_;
    std::uint64_t printed_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "mx3pid-identity: a mock Matrix identity server that records what it is asked.\n"
        "Serves /_matrix/identity/api/v1 and /_matrix/identity/v2 until SIGINT or SIGTERM.\n"
        "Logs each request, and each validation message it would have sent (address, sid, token) to stderr.\n"
        "GET /_mx3pid/messages[?since=N] lists those messages as JSON, tokens included, for validating by hand.\n"
        "Exit codes: 0 stopped by a signal; 2 bad arguments or cannot listen."};
    std::string listen = mx3pid::spec::defaults::identity_listen();
    bool show_tokens = false;
    app.add_option("--listen", listen, "HOST:PORT to listen on (IPv6 as [::1]:PORT; port 0 picks a free one)")
        ->capture_default_str();
    app.add_flag("--show-tokens", show_tokens, "print the tokens in the log (hidden by default)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? 0 : 2;
    }

    auto address = parse_listen(listen);
    if (!address) {
        std::fprintf(stderr, "mx3pid-identity: --listen wants HOST:PORT (e.g. 127.0.0.1:8090), got \"%s\"\n",
                     listen.c_str());
        return 2;
    }

    // Blocked before the server starts its threads, so that they inherit the mask and only sigwait sees these.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    mock_identity::detail::State state;
    MessageLog messages(show_tokens);
    std::optional<net::Server> server;
    try {
        server.emplace(
            [&state, &messages](const net::Request& request) {
                auto response = mock_identity::detail::handle(state, request);
                log_request(request, response);
                messages.print_new(state);
                return response;
            },
            mock_identity::detail::server_options(address->host, address->port));
    } catch (const std::exception& error) {
        std::fprintf(stderr, "mx3pid-identity: cannot listen on %s: %s\n", listen.c_str(), error.what());
        return 2;
    }

    std::printf("mx3pid-identity listening on %s\n", server->base_url().c_str());
    std::fflush(stdout);

    int received = 0;
    sigwait(&stop_signals, &received);
    server.reset();
    std::fprintf(stderr, "mx3pid-identity: stopped by signal %d\n", received);
    return 0;
}
