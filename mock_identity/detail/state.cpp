#include "mock_identity/detail/state.hpp"

#include <algorithm>
#include <chrono>

namespace mx3pid::mock_identity::detail {
namespace {

constexpr std::string_view letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view alphanumerics = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view digits = "0123456789";

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

template <class Record>
std::vector<Record> since(const std::deque<Record>& records, std::uint64_t sequence) {
    auto first = std::upper_bound(records.begin(), records.end(), sequence,
                                  [](std::uint64_t value, const Record& record) { return value < record.sequence; });
    return {first, records.end()};
}

}  // namespace

State::State(Limits limits) : limits_(limits), random_(std::random_device{}()) {}

std::string State::random_text(std::string_view alphabet, std::size_t length) {
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string out(length, ' ');
    for (auto& c : out) c = alphabet[pick(random_)];
    return out;
}

void State::send_message(const Session& session, std::int64_t send_attempt) {
    SentMessage message;
    message.sequence = ++message_sequence_;
    message.medium = session.medium;
    message.address = session.address;
    message.sid = session.sid;
    message.client_secret = session.client_secret;
    message.token = session.token;
    message.send_attempt = send_attempt;
    message.next_link = session.next_link;
    messages_.push_back(std::move(message));
    while (messages_.size() > limits_.max_messages) messages_.pop_front();
}

std::string State::request_token(const TokenRequest& request) {
    std::lock_guard lock(mutex_);
    SessionKey key{request.medium, request.address, request.client_secret};
    if (auto found = sid_by_key_.find(key); found != sid_by_key_.end()) {
        Session& session = sessions_.at(found->second);
        if (request.send_attempt > session.highest_send_attempt) {
            session.highest_send_attempt = request.send_attempt;
            send_message(session, request.send_attempt);
        }
        return session.sid;
    }

    Session session;
    session.sid = "mockis-" + std::to_string(++session_counter_) + "-" + random_text(letters, 8);
    session.medium = request.medium;
    session.address = request.address;
    session.bound_address = request.bound_address;
    session.client_secret = request.client_secret;
    session.token = request.medium == "msisdn" ? random_text(digits, 6) : random_text(alphanumerics, 16);
    session.next_link = request.next_link;
    session.highest_send_attempt = request.send_attempt;
    send_message(session, request.send_attempt);

    std::string sid = session.sid;
    sid_by_key_.emplace(std::move(key), sid);
    session_order_.push_back(sid);
    sessions_.emplace(sid, std::move(session));
    while (session_order_.size() > limits_.max_sessions) {
        auto oldest = sessions_.find(session_order_.front());
        sid_by_key_.erase(SessionKey{oldest->second.medium, oldest->second.address, oldest->second.client_secret});
        sessions_.erase(oldest);
        session_order_.pop_front();
    }
    return sid;
}

SubmitResult State::submit_token(std::string_view medium, std::string_view sid, std::string_view client_secret,
                                 std::string_view token) {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(sid);
    if (found == sessions_.end() || found->second.medium != medium || found->second.client_secret != client_secret)
        return {SubmitOutcome::no_session, {}};
    Session& session = found->second;
    if (session.token != token) return {SubmitOutcome::token_incorrect, {}};
    if (!session.validated_at_ms) session.validated_at_ms = now_ms();
    return {SubmitOutcome::validated, session.next_link};
}

ValidatedThreepid State::validated_threepid(std::string_view sid, std::string_view client_secret) const {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(sid);
    if (found == sessions_.end() || found->second.client_secret != client_secret) return {};
    const Session& session = found->second;
    if (!session.validated_at_ms) return {LookupOutcome::not_validated, session.medium, session.bound_address, 0};
    return {LookupOutcome::validated, session.medium, session.bound_address, *session.validated_at_ms};
}

bool State::mark_validated(std::string_view sid) {
    std::lock_guard lock(mutex_);
    auto found = sessions_.find(sid);
    if (found == sessions_.end()) return false;
    if (!found->second.validated_at_ms) found->second.validated_at_ms = now_ms();
    return true;
}

std::string State::register_access_token(std::string user_id) {
    std::lock_guard lock(mutex_);
    std::string token = "mockis_" + random_text(alphanumerics, 32);
    access_tokens_.emplace(token, std::move(user_id));
    access_token_order_.push_back(token);
    while (access_token_order_.size() > limits_.max_access_tokens) {
        access_tokens_.erase(access_token_order_.front());
        access_token_order_.pop_front();
    }
    return token;
}

bool State::knows_access_token(std::string_view token) const {
    std::lock_guard lock(mutex_);
    return access_tokens_.find(token) != access_tokens_.end();
}

std::optional<std::string> State::account_of(std::string_view token) const {
    std::lock_guard lock(mutex_);
    auto found = access_tokens_.find(token);
    if (found == access_tokens_.end()) return std::nullopt;
    return found->second;
}

void State::forget_access_token(std::string_view token) {
    std::lock_guard lock(mutex_);
    if (auto found = access_tokens_.find(token); found != access_tokens_.end()) access_tokens_.erase(found);
}

std::size_t State::cost_of(const ReceivedRequest& request) {
    std::size_t cost = sizeof(ReceivedRequest) + request.method.size() + request.path.size() + request.query.size();
    for (const auto& [name, value] : request.headers) cost += name.size() + value.size() + 64;
    // The parsed body usually takes a few times the space of its text.
    return cost + 4 * request.raw_body.size();
}

std::uint64_t State::record(ReceivedRequest request) {
    std::lock_guard lock(mutex_);
    request.sequence = ++request_sequence_;
    request_bytes_ += cost_of(request);
    requests_.push_back(std::move(request));
    while (requests_.size() > 1 &&
           (requests_.size() > limits_.max_requests || request_bytes_ > limits_.max_request_bytes)) {
        request_bytes_ -= cost_of(requests_.front());
        requests_.pop_front();
    }
    return request_sequence_;
}

std::vector<ReceivedRequest> State::requests_since(std::uint64_t sequence) const {
    std::lock_guard lock(mutex_);
    return since(requests_, sequence);
}

std::vector<SentMessage> State::messages_since(std::uint64_t sequence) const {
    std::lock_guard lock(mutex_);
    return since(messages_, sequence);
}

std::uint64_t State::last_request_sequence() const {
    std::lock_guard lock(mutex_);
    return request_sequence_;
}

std::uint64_t State::last_message_sequence() const {
    std::lock_guard lock(mutex_);
    return message_sequence_;
}

void State::reset() {
    std::lock_guard lock(mutex_);
    sessions_.clear();
    sid_by_key_.clear();
    session_order_.clear();
    requests_.clear();
    request_bytes_ = 0;
    messages_.clear();
}

}  // namespace mx3pid::mock_identity::detail
