// The mx3pid-identity binary: starts, announces its URL, serves, stops cleanly on SIGTERM.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_client.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using mx3pid::mock_identity::testing::Client;

struct Child {
    pid_t pid = -1;
    int out = -1;  ///< the child's stdout
    int err = -1;  ///< the child's stderr
};

Child spawn(const std::vector<std::string>& arguments) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return {};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    std::vector<char*> argv;
    std::string program = MX3PID_IDENTITY_BIN;
    argv.push_back(program.data());
    std::vector<std::string> copies = arguments;
    for (auto& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    Child child;
    if (posix_spawn(&child.pid, program.c_str(), &actions, nullptr, argv.data(), environ) != 0) child.pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    child.out = out[0];
    child.err = err[0];
    return child;
}

/// Reads from `fd` until a newline or end of file, waiting at most `limit` in all.
std::optional<std::string> read_line(int fd, std::chrono::milliseconds limit) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) return std::nullopt;
        pollfd ready{fd, POLLIN, 0};
        if (poll(&ready, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        char c;
        if (read(fd, &c, 1) != 1) return line.empty() ? std::nullopt : std::optional(line);
        if (c == '\n') return line;
        line += c;
    }
}

std::string read_all(int fd, std::chrono::milliseconds limit) {
    std::string text;
    while (auto line = read_line(fd, limit)) text += *line + "\n";
    return text;
}

/// The exit status, or nothing if the child is still running after `limit` (it is then killed).
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (done < 0) return std::nullopt;
        std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return std::nullopt;
}

TEST(Tool, ServesUntilSigterm) {
    Child child = spawn({"--listen", "127.0.0.1:0"});
    ASSERT_GT(child.pid, 0);
    auto line = read_line(child.out, 10s);
    ASSERT_TRUE(line) << "no listening line";
    const std::string prefix = "mx3pid-identity listening on ";
    ASSERT_EQ(line->rfind(prefix, 0), 0u) << *line;
    std::string url = line->substr(prefix.size());
    EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;

    auto response = Client(url).get("/_matrix/identity/versions");
    EXPECT_EQ(response.status, 200);

    ASSERT_EQ(kill(child.pid, SIGTERM), 0);
    EXPECT_EQ(wait_for_exit(child.pid, 10s), 0);
    auto log = read_all(child.err, 5s);
    EXPECT_NE(log.find("GET /_matrix/identity/versions -> 200"), std::string::npos) << log;
    close(child.out);
    close(child.err);
}

/// Starts the tool with `arguments`, asks one email token, stops it, and returns its log and what
/// GET /_mx3pid/messages listed.
std::pair<std::string, nlohmann::json> log_of_one_token(std::vector<std::string> arguments,
                                                         nlohmann::json extra = nlohmann::json::object()) {
    arguments.insert(arguments.begin(), {"--listen", "127.0.0.1:0"});
    Child child = spawn(arguments);
    EXPECT_GT(child.pid, 0);
    auto line = read_line(child.out, 10s);
    if (!line) {
        ADD_FAILURE() << "no listening line";
        return {};
    }
    Client client(line->substr(std::string("mx3pid-identity listening on ").size()));
    nlohmann::json body = {{"client_secret", "handsecret"}, {"email", "by.hand@a.example"}, {"send_attempt", 1}};
    body.update(extra);
    auto asked = client.post(std::string(mx3pid::mock_identity::testing::v1) + "/validate/email/requestToken", body);
    EXPECT_EQ(asked.status, 200) << asked.body;
    auto listed = nlohmann::json::parse(client.get("/_mx3pid/messages").body, nullptr, false);
    kill(child.pid, SIGTERM);
    EXPECT_EQ(wait_for_exit(child.pid, 10s), 0);
    auto log = read_all(child.err, 5s);
    close(child.out);
    close(child.err);
    return {log, listed};
}

TEST(Tool, LogsEachTokenItWouldHaveSentHidingTheToken) {
    auto [log, listed] = log_of_one_token({});
    ASSERT_EQ(listed["messages"].size(), 1u) << listed.dump();
    const auto& message = listed["messages"][0];
    EXPECT_NE(log.find("would send email to by.hand@a.example: sid " + message["sid"].get<std::string>()),
              std::string::npos) << log;
    EXPECT_EQ(log.find(message["token"].get<std::string>()), std::string::npos) << log;
    EXPECT_NE(log.find("--show-tokens"), std::string::npos) << log;
}

TEST(Tool, LogsHowARequestTokenCallDepartsFromTheIdentityApi) {
    auto [plain, ignored] = log_of_one_token({});
    EXPECT_EQ(plain.find("departs from"), std::string::npos) << plain;
    auto [log, listed] = log_of_one_token({}, {{"id_server", "id.example"}});
    EXPECT_EQ(listed["messages"].size(), 1u) << "a key the API does not define is ignored, not refused";
    EXPECT_NE(log.find("requestToken -> 200 ("), std::string::npos) << log;
    EXPECT_NE(log.find("\n  departs from the identity API: a key the identity API does not define: id_server\n"), std::string::npos) << log;
}

TEST(Tool, ShowTokensPutsTheTokenInTheLog) {
    auto [log, listed] = log_of_one_token({"--show-tokens"});
    ASSERT_EQ(listed["messages"].size(), 1u) << listed.dump();
    EXPECT_NE(log.find("token " + listed["messages"][0]["token"].get<std::string>()), std::string::npos) << log;
}

TEST(Tool, SigintStopsItToo) {
    Child child = spawn({"--listen", "127.0.0.1:0"});
    ASSERT_GT(child.pid, 0);
    ASSERT_TRUE(read_line(child.out, 10s));
    ASSERT_EQ(kill(child.pid, SIGINT), 0);
    EXPECT_EQ(wait_for_exit(child.pid, 10s), 0);
    close(child.out);
    close(child.err);
}

TEST(Tool, BadListenExitsWithTwo) {
    for (const char* bad :
         {"nonsense", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:8x", "::1:80", "256.0.0.1:0"}) {
        Child child = spawn({"--listen", bad});
        ASSERT_GT(child.pid, 0);
        EXPECT_EQ(wait_for_exit(child.pid, 10s), 2) << bad;
        EXPECT_FALSE(read_all(child.err, 5s).empty()) << bad;
        close(child.out);
        close(child.err);
    }
}

}  // namespace
