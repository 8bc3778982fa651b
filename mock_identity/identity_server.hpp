#pragma once
// An in-process mock Matrix identity server that records everything it is asked and everything it
// would have sent, so that conformance cases can assert on a homeserver's side effects.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_identity/request_reading.hpp"
#include "net/tls.hpp"

namespace mx3pid::mock_identity {

struct ListenOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;  ///< 0: any free port
    std::optional<net::TlsIdentity> tls = std::nullopt;  ///< set: serve HTTPS only, with this certificate
};

/// One HTTP request as the mock received it.
struct ReceivedRequest {
    std::uint64_t sequence = 0;    ///< 1, 2, 3 … in arrival order, over the server's lifetime
    std::string method;
    std::string path;              ///< without the query
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string raw_body;
    nlohmann::json body;           ///< the JSON or form-encoded body (or query for GET) as an object; null if unparseable
    int status = 0;                ///< what the mock answered
    std::chrono::system_clock::time_point received_at;
    std::optional<RequestTokenReading> request_token;  ///< set for any path naming requestToken
};

/// A validation message the mock would have delivered (an email or an SMS).
struct SentMessage {
    std::uint64_t sequence = 0;
    std::string medium;            ///< "email" or "msisdn"
    std::string address;           ///< email address, or country + phone_number as "GB 07700900001"
    std::string sid;
    std::string client_secret;
    std::string token;             ///< the session's token: a resend carries the same one
    std::int64_t send_attempt = 0;
    std::string next_link;
};

class IdentityServer {
public:
    /// Binds and serves on its own threads until destroyed; throws a std::exception if it cannot listen.
    explicit IdentityServer(ListenOptions options = {});
    ~IdentityServer();
    IdentityServer(const IdentityServer&) = delete;
    IdentityServer& operator=(const IdentityServer&) = delete;

    std::string authority() const;  ///< "127.0.0.1:PORT": what a homeserver puts in id_server
    std::string base_url() const;   ///< "http://127.0.0.1:PORT", or "https://…" when listening with TLS
    unsigned short port() const;

    std::vector<ReceivedRequest> requests() const;                       ///< all, in order
    std::vector<ReceivedRequest> requests_since(std::uint64_t sequence) const;  ///< those with a greater sequence
    std::vector<SentMessage> messages() const;
    std::vector<SentMessage> messages_since(std::uint64_t sequence) const;
    std::uint64_t last_request_sequence() const;
    std::uint64_t last_message_sequence() const;

    /// An identity-service v2 access token, as `POST /_matrix/identity/v2/account/register` would
    /// issue: what a client sends as `id_access_token` beside `id_server`.
    std::string register_access_token();

    /// Marks a session validated, as if its token had been submitted. False if no such session.
    bool mark_validated(const std::string& sid);
    void reset();  ///< forgets requests, messages and sessions

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::mock_identity
