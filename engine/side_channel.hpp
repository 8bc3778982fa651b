#pragma once
// Watches what reaches the mock identity servers and the mail sink, and attributes every arrival to
// the case it belongs to (by client secret, session id or address), whenever it arrives. Cases are
// told apart by what they carry, never by when things arrive, so an observation can stay open after
// its case has been answered and be closed later.
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/fixtures.hpp"
#include "mock_identity/identity_server.hpp"
#include "smtp_sink/smtp_sink.hpp"

namespace mx3pid::engine {

/// What reached the side channel on one case's behalf.
struct Observation {
    std::vector<mock_identity::ReceivedRequest> trusted;  ///< requests at the identity server the homeserver trusts
    std::vector<mock_identity::ReceivedRequest> decoy;    ///< requests at the one it must not trust
    std::vector<mock_identity::SentMessage> messages;     ///< what either identity server sent to the address
    std::vector<smtp_sink::ReceivedMail> mails;           ///< mail to the address

    /// Validation tokens that reached the address: identity-server messages, and mails carrying a
    /// validation link or code (a notice without a token does not count).
    std::size_t tokens_delivered() const;
    /// requestToken requests that reached the untrusted identity server.
    std::size_t decoy_request_tokens() const;
};

bool carries_token(const smtp_sink::ReceivedMail& mail);
/// What a request to an identity server carries: its parameters as an object, also when its JSON is
/// not UTF-8 (those bytes read as '?') or is wrapped in an array; empty when it has none.
nlohmann::json parameters_of(const mock_identity::ReceivedRequest& request);
bool is_request_token(const mock_identity::ReceivedRequest& request);

/// What a case is recognised by.
struct CaseIdentity {
    std::string label;  ///< the case ID, for warnings
    Address address;
    std::vector<std::string> client_secrets;
};

class SideChannel {
public:
    SideChannel(mock_identity::IdentityServer& trusted, mock_identity::IdentityServer& decoy, smtp_sink::SmtpSink* mailbox);

    /// Starts attributing to case `id` whatever carries its secrets or address; call before its first request.
    void watch(std::size_t id, CaseIdentity identity);
    /// A session id the case was answered (or issued), so that arrivals carrying only it are recognised.
    void learn_sid(std::size_t id, const std::string& sid);
    /// Everything attributed to case `id` so far (arrivals are collected first).
    Observation observe(std::size_t id);
    /// Ends case `id`'s observation: what arrives for it afterwards becomes a warning.
    void close(std::size_t id);
    /// Collects arrivals, then describes those that matched no case and those that came too late.
    std::vector<std::string> warnings();

private:
    struct Watched {
        CaseIdentity identity;
        std::vector<std::string> sids;
        Observation seen;
        bool closed = false;
    };
    struct Keys {
        std::vector<std::string> secrets, sids;
        std::string email;               ///< lower case
        std::string country, digits;     ///< msisdn
        bool any() const { return !secrets.empty() || !sids.empty() || !email.empty() || !digits.empty(); }
    };
    struct Pending {  ///< an arrival that matched no case yet
        Keys keys;
        std::string description;
        mock_identity::ReceivedRequest request;
        mock_identity::SentMessage message;
        smtp_sink::ReceivedMail mail;
        enum class Kind { trusted_request, decoy_request, message, mail } kind;
    };

    void collect();  // with mutex_ held
    void place(Pending arrival);
    Watched* owner(const Keys& keys);
    void add_to(Watched& watched, Pending& arrival);

    mock_identity::IdentityServer& trusted_;
    mock_identity::IdentityServer& decoy_;
    smtp_sink::SmtpSink* mailbox_;
    std::mutex mutex_;
    std::map<std::size_t, Watched> cases_;
    std::vector<Pending> unmatched_;
    std::vector<std::string> late_;
    std::uint64_t trusted_request_seq_ = 0, decoy_request_seq_ = 0, trusted_message_seq_ = 0, decoy_message_seq_ = 0,
                  mail_seq_ = 0;
};

}  // namespace mx3pid::engine
