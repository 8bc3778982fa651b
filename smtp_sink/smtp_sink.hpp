#pragma once
// An SMTP sink: a mail server on loopback that accepts every message and keeps it for inspection,
// decoded, with the validation link a self-validating homeserver mails out.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mx3pid::smtp_sink {

struct ListenOptions {
    std::string host = "127.0.0.1";  ///< an IP address literal
    unsigned short port = 0;  ///< 0: the kernel picks a free port
};

struct Limits {
    std::size_t max_message_bytes = 1 << 20;  ///< advertised as SIZE; bigger messages get 552
    std::size_t max_recipients = 50;          ///< per message; more get 452
    std::size_t max_connections = 32;
    std::chrono::milliseconds idle_timeout{30000};
    std::size_t max_kept_messages = 10000;  ///< the oldest are dropped beyond this
};

/// The query parameters of a validation link, percent-decoded. `sid` is taken from `sid`, or from
/// `session` (continuwuity) when there is no `sid`.
struct ValidationLink {
    std::string url;
    std::string token, client_secret, sid;
};

struct ReceivedMail {
    std::uint64_t sequence = 0;  ///< 1, 2, 3… in order of acceptance; never reused, not even after reset()
    std::string mail_from;       ///< envelope sender
    std::vector<std::string> recipients;  ///< envelope recipients
    std::string raw;             ///< the message as received (dot-stuffing undone, CRLF line ends)
    std::vector<std::pair<std::string, std::string>> headers;  ///< top-level, unfolded, not decoded
    std::string subject;         ///< decoded
    std::string text_body;       ///< first text/plain part, UTF-8, "\n" line ends
    std::string html_body;       ///< first text/html part, likewise
    std::vector<std::string> links;  ///< http(s) URLs of the text body, then the html hrefs; no repeats
    std::optional<ValidationLink> validation;  ///< the first link whose query has `token`
    std::string bare_token;  ///< without a validation link: a code given in the text (see detail/links.hpp)
    std::chrono::system_clock::time_point received_at;
};

/// Accepts mail on `host:port` until destroyed (binds in the constructor; throws std::system_error
/// on failure). Offers neither STARTTLS nor AUTH. All member functions are thread-safe.
class SmtpSink {
public:
    explicit SmtpSink(ListenOptions listen = {}, Limits limits = {});
    ~SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    std::string authority() const;  ///< "host:port"
    unsigned short port() const;

    std::vector<ReceivedMail> messages() const;
    std::vector<ReceivedMail> messages_since(std::uint64_t sequence) const;  ///< those with a later sequence
    std::uint64_t last_sequence() const;  ///< of the last message accepted; 0 before the first

    /// Waits up to `timeout` for a message later than `sequence`; returns the first such one.
    std::optional<ReceivedMail> wait_for_message(std::uint64_t sequence, std::chrono::milliseconds timeout) const;

    void reset();  ///< forgets the kept messages; sequence numbers go on

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::smtp_sink
