#pragma once
// What the reference homeserver keeps between requests, and how it reaches the outside: the
// identity server (Poster), the mail server (Mailer) and a timer for what it does after answering.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reference_homeserver/epochs.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "spec/edition.hpp"
#include "spec/endpoints.hpp"

namespace mx3pid::reference_homeserver::detail {

/// What the identity server answered, or why it could not be asked.
struct ForwardResult {
    bool reached = false;
    int status = 0;
    std::string body;
};

/// POSTs `body` (JSON text) to `url`, with `Authorization: Bearer <bearer>` unless `bearer` is empty.
/// POSTs `body` to `url` with Content-Type `content_type`, and `bearer` as an Authorization header when not empty.
using Poster = std::function<ForwardResult(const std::string& url, const std::string& body, const std::string& bearer,
                                           const std::string& content_type)>;
/// Sends one mail (RFC 5322 text) to `to`; false when it could not.
using Mailer = std::function<bool(const std::string& to, const std::string& message)>;

/// An address as the server compares it: email in lower case, msisdn as country and digits.
struct Address {
    spec::Medium medium = spec::Medium::email;
    std::string email;
    std::string country;
    std::string phone_digits;

    std::string key() const { return medium == spec::Medium::email ? email : country + " " + phone_digits; }
};

/// Is `address` bound to an account here? The one place the server looks (accounts may redirect it).
bool is_bound(const Config& config, const Address& address);
/// Does the address policy refuse `address`?
bool is_denied(const Config& config, const Address& address);

/// A validation the server runs itself: it mailed (or will mail) `token`.
struct Session {
    std::vector<std::string> sids;  ///< the first is the session's; a variant may answer further ones
    std::string token;
    std::string client_secret;
    std::int64_t send_attempt = 0;
    std::string next_link;  ///< where the mailed link sends the user once validated
    bool validated = false;
};

/// Runs tasks after a delay on one thread of its own, started on first use. Bounded: at most
/// `max_pending` tasks wait; the destructor drops what has not run and joins the thread.
class Scheduler {
public:
    explicit Scheduler(std::size_t max_pending = 256);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    /// False (and the task dropped) when full or stopping.
    bool after(std::chrono::milliseconds delay, std::function<void()> task);
    /// Waits `delay` on the calling thread, or less when the scheduler stops; false if it stopped.
    bool pause(std::chrono::milliseconds delay);

private:
    void run();

    std::mutex mutex_;
    std::condition_variable changed_;
    std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> pending_;
    std::size_t max_pending_;
    bool stopping_ = false;
    std::thread thread_;
};

/// Remembers keys; `first` is true the first time it sees one. Thread-safe, for variants' own state.
class SeenOnce {
public:
    bool first(const std::string& key);

private:
    std::mutex mutex_;
    std::set<std::string> seen_;
};

/// The server's state. Thread-safe.
class State {
public:
    State(Config config, Poster poster, Mailer mailer);

    Config config() const;  ///< a snapshot
    /// The newest edition the server advertises (what /versions lists up to).
    const spec::Edition& edition() const { return edition_; }
    /// Does the server's edition hold `epoch`? Every stage asks this way; one the server (its
    /// variant) did not declare (epochs.hpp) throws std::logic_error, which answers the request 500.
    bool since(Epoch epoch) const;
    void set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries);
    void set_public_base_url(std::string url);
    std::string public_base_url() const;

    /// A fresh identifier in the sid grammar: prefix, a counter and random letters.
    std::string new_id(const char* prefix);

    ForwardResult post(const std::string& url, const std::string& body, const std::string& bearer = "",
                       const std::string& content_type = "application/json") const;
    bool mail(const std::string& to, const std::string& message) const;
    /// This server's own access token at the identity server at `identity_base` (v2
    /// account/register), registered on first use, or again when `renew` (the identity server no
    /// longer knows the old one); empty when the identity server refused.
    std::string identity_token(const std::string& identity_base, bool renew = false);

    /// Starts or continues the session `key`. `decide` runs under the lock with the session (new,
    /// or as before) and whether it is new, and says whether to send a mail; the session as left
    /// is returned.
    std::pair<Session, bool> session(const std::string& key, const std::function<bool(Session&, bool created)>& decide);
    enum class Submitted { validated, wrong_token, no_session };
    /// Validates the session with this sid and secret when the token is its; the session's next_link.
    std::pair<Submitted, std::string> submit(const std::string& sid, const std::string& client_secret, const std::string& token);
    /// The key (medium|address|client_secret) of the validated session with this sid and secret.
    std::optional<std::string> validated_session(const std::string& sid, const std::string& client_secret) const;

    Scheduler& later() { return scheduler_; }

private:
    mutable std::mutex mutex_;
    Config config_;
    spec::Edition edition_;
    std::vector<Epoch> epochs_;  ///< those the server's stages may consult
    Poster post_;
    Mailer mail_;
    std::string public_base_url_;
    unsigned long counter_ = 0;
    /// Tells apart the ids of servers in one process (a run of several editions starts several):
    /// a server's sids are its own, as a real server's are.
    unsigned long instance_ = 0;
    std::map<std::string, Session> sessions_;        ///< by medium|address|client_secret
    std::map<std::string, std::string> tokens_;      ///< own identity-server tokens, by base URL
    Scheduler scheduler_;  ///< last: joined before the rest goes
};

}  // namespace mx3pid::reference_homeserver::detail
