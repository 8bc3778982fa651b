#pragma once
// The thing under test, and the in-process servers a run needs beside it.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "suite/profile.hpp"
#include "mock_identity/identity_server.hpp"
#include "net/url.hpp"
#include "reference_homeserver/chaos.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "reference_homeserver/variants.hpp"
#include "smtp_sink/smtp_sink.hpp"
#include "spec/edition.hpp"


namespace mx3pid::targets {

struct TargetChoice {
    bool builtin = true;
    std::string name = "reference";  ///< for builtin targets: the variant's or the chaos server's
    /// The variant a builtin target answers as; null for chaos servers and live targets.
    const reference_homeserver::Variant* variant = &reference_homeserver::reference();
    bool chaos = false;                 ///< a hostile transport-level target, not the reference
    std::optional<net::Url> url;        ///< for live targets
    std::string text;                   ///< as the user wrote it, for reports
};

/// "builtin", "builtin:NAME" or an http(s) URL; nothing (with `error` set) otherwise.
std::optional<TargetChoice> parse_target(const std::string& text, std::string& error);

/// "HOST:PORT" (or "[v6]:PORT") for a listener; nothing for anything else.
std::optional<mock_identity::ListenOptions> parse_listen(const std::string& text);

/// The reference homeserver's configuration for a profile: it denies the domain of denied.email and
/// the country of denied.msisdn, has the bound addresses bound, trusts (or delegates to) the identity
/// server at `identity_authority`, mails through `smtp_authority` when it validates email itself, and
/// answers as `variant` (null: the reference).
reference_homeserver::Config reference_config(const suite::Profile& profile, const spec::Edition& edition,
                                              const std::string& identity_authority, const std::string& smtp_authority,
                                              const reference_homeserver::Variant* variant,
                                              const std::string& identity_ca_file = "");

/// One built-in homeserver of a target, and the editions it answers as (answered alike by it).
struct BuiltinServer {
    std::vector<spec::Edition> editions;  ///< oldest first; it is configured with the newest
    std::unique_ptr<reference_homeserver::Homeserver> server;
    net::Url url;
};

/// Starts the mock identity servers, the mail sink when the profile needs one and, for a builtin
/// target, the reference homeserver configured from the profile: one per stretch of the editions
/// judged that the variant answers alike (reference_homeserver::answered_alike), since no one server
/// can answer every edition as it says. Throws std::runtime_error when a listener cannot be bound.
class Target {
public:
    Target(const TargetChoice& choice, const suite::Profile& profile, const spec::Edition& builtin_edition);
    /// `builtin_editions`: the editions a builtin target is judged in (oldest first, not empty).
    Target(const TargetChoice& choice, const suite::Profile& profile, const std::vector<spec::Edition>& builtin_editions);
    ~Target();

    /// The homeserver: a URL target's, or the built-in one answering as the newest edition.
    const net::Url& homeserver_url() const { return homeserver_url_; }
    /// Where requests judged in `edition` go: the built-in server answering as it, else homeserver_url().
    const net::Url& homeserver_for(const spec::Edition& edition) const;
    /// Whether the server judging `later` answers requests with these bodies as the one judging
    /// `earlier` does: it is the same server, or both are built-in and differ only at epochs no such
    /// body reaches (reference_homeserver::answers_alike), so one exchange can serve both editions.
    bool answers_alike(const spec::Edition& earlier, const spec::Edition& later, const std::vector<std::string>& bodies) const;
    /// The built-in servers, oldest editions first; empty for a URL or chaos target.
    const std::vector<BuiltinServer>& builtin_servers() const { return builtins_; }
    mock_identity::IdentityServer& identity() { return *identity_; }
    mock_identity::IdentityServer& decoy() { return *decoy_; }
    /// The mail sink, when the profile has a medium the homeserver validates itself; null otherwise.
    smtp_sink::SmtpSink* mailbox() { return mailbox_.get(); }
    /// The certificate the mocks present when the profile's scheme is https (made for the run unless
    /// the profile names one); empty otherwise. A homeserver calling them must trust it.
    const std::string& identity_certificate() const { return identity_certificate_; }
    /// What requests name as id_server: the identity server's public URL's authority, or where it listens.
    std::string id_server(const suite::Profile& profile) const;
    /// How long the target may act on the side channel after answering: what a built-in declares,
    /// one second for a server mx3pid does not know.
    std::chrono::milliseconds side_channel_grace() const { return grace_; }
    /// The in-process reference homeserver answering as the newest edition, for builtin targets; null otherwise.
    reference_homeserver::Homeserver* builtin() { return builtins_.empty() ? nullptr : builtins_.back().server.get(); }

private:
    std::unique_ptr<mock_identity::IdentityServer> identity_;
    std::unique_ptr<mock_identity::IdentityServer> decoy_;
    std::unique_ptr<smtp_sink::SmtpSink> mailbox_;
    std::vector<BuiltinServer> builtins_;
    std::unique_ptr<reference_homeserver::ChaosServer> chaos_;
    net::Url homeserver_url_;
    std::string identity_certificate_;
    std::string generated_certificate_;  ///< removed with the target
    std::chrono::milliseconds grace_{1000};
    const reference_homeserver::Variant* variant_ = nullptr;
    bool legacy_api_ = true;
};

}  // namespace mx3pid::targets
