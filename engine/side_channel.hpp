#pragma once
// Watches what reaches the mock identity servers and the mail sink, and attributes every arrival to
// the case it belongs to by the strongest key it carries (detail/attribution.hpp: next_link, client
// secret, sid, then an address of one case's own), whenever it arrives. Cases are told apart by what
// they carry, never by when things arrive, so an observation can stay open after its case has been
// answered and be closed later, and what comes after that is still credited to its case.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "engine/detail/attribution.hpp"
#include "engine/fixtures.hpp"
#include "mock_identity/identity_server.hpp"
#include "reports/run_result.hpp"
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
    /// requestToken requests at the trusted identity server, the very same body sent again (a
    /// retrying HTTP client) counted once: the identity service sends nothing for such a repeat.
    std::vector<const mock_identity::ReceivedRequest*> distinct_forwards() const;
};

bool carries_token(const smtp_sink::ReceivedMail& mail);
/// What a request to an identity server carries: its parameters as an object, also when its JSON is
/// not UTF-8 (those bytes read as '?') or is wrapped in an array; empty when it has none.
nlohmann::json parameters_of(const mock_identity::ReceivedRequest& request);
bool is_request_token(const mock_identity::ReceivedRequest& request);

/// What a case is recognised by.
struct CaseIdentity {
    std::string label;  ///< the case ID, for warnings and the trace
    Address address;
    std::vector<std::string> client_secrets;  ///< every one it sent, byte for byte, malformed ones too
    std::string next_link;                    ///< its own, unique in the run
    /// "the profile's bound email" and the like when other cases use the address too; empty when
    /// the address is the case's own. A shared address never places an arrival.
    std::string shared_fixture;
};

/// Arrivals that came for a case after its observation was closed.
struct LateArrivals {
    std::size_t id = 0;
    std::vector<std::string> arrivals;  ///< one description each
};

class SideChannel {
public:
    /// `redact`: client secrets are shown as <redacted> in what unattributed arrivals carried.
    /// `own_next_links`: what the run's next_links start with (FixtureFactory::next_link_prefix); an
    /// arrival carrying one that no case sent comes from mx3pid's own requests before the cases (the
    /// fixture set-up), and is nobody's to judge. Empty: none is recognised.
    SideChannel(mock_identity::IdentityServer& trusted, mock_identity::IdentityServer& decoy, smtp_sink::SmtpSink* mailbox,
                bool redact = true, std::string own_next_links = {});

    /// Starts attributing to case `id` whatever carries its keys; call before its first request.
    void watch(std::size_t id, CaseIdentity identity);
    /// A session id the case was answered (or issued), so that arrivals carrying only it are recognised.
    void learn_sid(std::size_t id, const std::string& sid);
    /// Everything attributed to case `id` so far (arrivals are collected first).
    Observation observe(std::size_t id);
    /// Ends case `id`'s observation. What arrives for it afterwards is still its own, and is
    /// reported by late_arrivals() so that its verdict can be judged again.
    void close(std::size_t id);
    /// Collects arrivals, then hands over (once) those that came for closed cases, by case.
    std::vector<LateArrivals> late_arrivals();
    /// Collects arrivals, then describes those that no key placed, and why.
    std::vector<reports::UnattributedArrival> unattributed();

private:
    struct Watched {
        detail::CaseKeys keys;
        Observation seen;
        bool closed = false;
        std::vector<std::string> late;  ///< arrivals after close not yet handed over
    };
    struct Pending {  ///< an arrival not placed yet
        detail::ArrivalKeys keys;
        std::string what;  ///< "a request to the identity server (POST /…)"
        std::string body;  ///< for the trace, at debug
        std::optional<std::chrono::system_clock::time_point> received_at;  ///< for the trace, when known
        mock_identity::ReceivedRequest request;
        mock_identity::SentMessage message;
        smtp_sink::ReceivedMail mail;
        enum class Kind { trusted_request, decoy_request, message, mail } kind;
        bool traced = false;  ///< its first placement attempt is in the trace
    };

    void collect();  // with mutex_ held
    void collect_requests(mock_identity::IdentityServer& server, std::uint64_t& seq, Pending::Kind kind, const char* who);
    void collect_messages();
    void collect_mails();
    void place(Pending arrival);
    void add_to(Watched& watched, Pending& arrival);
    /// Does the arrival carry a next_link of the run's that no case sent (the fixture set-up's)?
    bool from_set_up(const Pending& arrival) const;
    /// Says in the trace where the arrival went and by which key, or why it went nowhere yet.
    void trace_placement(const Pending& arrival, const detail::Attribution& attribution, const Watched* owner) const;

    mock_identity::IdentityServer& trusted_;
    mock_identity::IdentityServer& decoy_;
    smtp_sink::SmtpSink* mailbox_;
    bool redact_;
    std::string own_next_links_;
    std::mutex mutex_;
    std::map<std::size_t, Watched> cases_;
    std::vector<Pending> unmatched_;
    std::uint64_t generation_ = 0;  ///< counts what could place an arrival: cases watched, sids learnt
    std::uint64_t retried_at_ = 0;  ///< the generation unmatched_ was last tried against
    std::uint64_t trusted_request_seq_ = 0, decoy_request_seq_ = 0, trusted_message_seq_ = 0, decoy_message_seq_ = 0,
                  mail_seq_ = 0;
};

}  // namespace mx3pid::engine
