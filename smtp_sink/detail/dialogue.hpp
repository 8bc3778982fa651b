#pragma once
// The server side of one SMTP session (RFC 5321) as a pure state machine: bytes in, replies out.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "net/stream_server.hpp"

namespace mx3pid::smtp_sink::detail {

struct Envelope {
    std::string mail_from;
    std::vector<std::string> recipients;
    std::string data;  ///< the message as received: dot-stuffing undone, every line ended by CRLF
};

struct DialogueLimits {
    std::size_t max_message_bytes = 1 << 20;
    std::size_t max_recipients = 50;
};

/// Takes an accepted message; returns its id for the 250 reply. An exception turns into a 451.
using Deliver = std::function<std::uint64_t(Envelope)>;

inline constexpr std::size_t max_command_line = 1000;       ///< bytes, with the line end (RFC 5321 text line)
inline constexpr std::size_t max_discarded_line = 64 * 1024;  ///< an overlong line past this closes the session
inline constexpr int max_errors = 20;                        ///< error replies before the session is closed

/// Accepts any bytes in any chunking (a byte at a time, or pipelined commands in one chunk).
/// Offers SIZE, 8BITMIME and PIPELINING; no STARTTLS, no AUTH. Bare LF ends a line like CRLF.
class Dialogue final : public net::Conversation {
public:
    Dialogue(DialogueLimits limits, Deliver deliver, std::string host_name = "localhost");

    std::string greeting() override;
    std::string receive(std::string_view bytes) override;
    bool finished() const override { return finished_; }

private:
    enum class Mode { command, data, discarding_line };

    void on_command_bytes(std::string_view& bytes, std::string& out);
    void on_data_bytes(std::string_view& bytes, std::string& out);
    void on_discarded_bytes(std::string_view& bytes, std::string& out);
    void command(std::string_view line, std::string& out);
    void mail(std::string_view arguments, std::string& out);
    void rcpt(std::string_view arguments, std::string& out);
    void data_line(std::string_view line, bool continued);
    void append_data(std::string_view bytes);
    void end_of_data(std::string& out);
    void error(std::string_view reply, std::string& out);
    void reset_transaction();

    DialogueLimits limits_;
    Deliver deliver_;
    std::string host_name_;
    Mode mode_ = Mode::command;
    bool finished_ = false;
    int errors_ = 0;
    std::string line_;               ///< the incomplete line so far
    std::size_t discarded_ = 0;      ///< bytes thrown away from an overlong command line
    bool line_continued_ = false;    ///< data mode: the start of this line was already flushed to data
    bool in_transaction_ = false;
    std::string mail_from_;
    std::vector<std::string> recipients_;
    std::string data_;
    std::size_t data_size_ = 0;
    bool data_too_big_ = false;
};

}  // namespace mx3pid::smtp_sink::detail
