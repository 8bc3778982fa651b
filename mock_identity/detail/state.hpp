#pragma once
// Everything the mock identity server remembers, behind one mutex: sessions, access tokens and the
// record of requests and messages. Every member function is safe to call from any thread.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "mock_identity/identity_server.hpp"

namespace mx3pid::mock_identity::detail {

struct Limits {
    std::size_t max_requests = 100000;
    std::size_t max_request_bytes = 128u << 20;  ///< an estimate of what the kept requests occupy
    std::size_t max_messages = 100000;
    std::size_t max_sessions = 100000;
    std::size_t max_access_tokens = 10000;
};

/// One requestToken call that passed validation.
struct TokenRequest {
    std::string medium;         ///< "email" or "msisdn"
    std::string address;        ///< normalised: "a@b.example" or "GB 07700900001"
    std::string bound_address;  ///< what getValidated3pid and bind report: the email, or the international msisdn
    std::string client_secret;
    std::int64_t send_attempt = 0;
    std::string next_link;
};

enum class SubmitOutcome { validated, token_incorrect, no_session };

struct SubmitResult {
    SubmitOutcome outcome = SubmitOutcome::no_session;
    std::string next_link;
};

enum class LookupOutcome { validated, not_validated, no_session };

struct ValidatedThreepid {
    LookupOutcome outcome = LookupOutcome::no_session;
    std::string medium;
    std::string address;
    std::int64_t validated_at_ms = 0;
};

class State {
public:
    explicit State(Limits limits = {});

    /// Starts a session or finds the one for the same (medium, address, client_secret), records a
    /// message when this send_attempt is higher than any seen for it, and returns the session's sid.
    std::string request_token(const TokenRequest& request);
    SubmitResult submit_token(std::string_view medium, std::string_view sid, std::string_view client_secret,
                              std::string_view token);
    ValidatedThreepid validated_threepid(std::string_view sid, std::string_view client_secret) const;
    bool mark_validated(std::string_view sid);

    /// A new access token for the account `user_id` (what GET /account answers).
    std::string register_access_token(std::string user_id);
    bool knows_access_token(std::string_view token) const;
    std::optional<std::string> account_of(std::string_view token) const;
    void forget_access_token(std::string_view token);

    /// Stores the request with the next sequence number, dropping the oldest over the limits.
    std::uint64_t record(ReceivedRequest request);

    std::vector<ReceivedRequest> requests_since(std::uint64_t sequence) const;
    std::vector<SentMessage> messages_since(std::uint64_t sequence) const;
    std::uint64_t last_request_sequence() const;
    std::uint64_t last_message_sequence() const;

    /// Forgets requests, messages and sessions; access tokens and sequence numbers carry on.
    void reset();

private:
    struct Session {
        std::string sid;
        std::string medium;
        std::string address;
        std::string bound_address;
        std::string client_secret;
        std::string token;
        std::string next_link;
        std::int64_t highest_send_attempt = 0;
        std::optional<std::int64_t> validated_at_ms;
    };
    using SessionKey = std::tuple<std::string, std::string, std::string>;  // medium, address, client_secret

    std::string random_text(std::string_view alphabet, std::size_t length);
    void send_message(const Session& session, std::int64_t send_attempt);
    static std::size_t cost_of(const ReceivedRequest& request);

    Limits limits_;
    mutable std::mutex mutex_;
    std::mt19937_64 random_;
    std::map<std::string, Session, std::less<>> sessions_;  // by sid
    std::map<SessionKey, std::string> sid_by_key_;
    std::deque<std::string> session_order_;  // sids, oldest first
    std::map<std::string, std::string, std::less<>> access_tokens_;  // token → user_id
    std::deque<std::string> access_token_order_;
    std::deque<ReceivedRequest> requests_;
    std::size_t request_bytes_ = 0;
    std::deque<SentMessage> messages_;
    std::uint64_t request_sequence_ = 0;
    std::uint64_t message_sequence_ = 0;
    std::uint64_t session_counter_ = 0;
};

}  // namespace mx3pid::mock_identity::detail
