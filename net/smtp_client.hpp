#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "net/result.hpp"

namespace mx3pid::net {

struct SmtpTarget {
    std::string host = "127.0.0.1";
    unsigned short port = 25;
    std::string helo_name = "mx3pid.localhost";  ///< the name given in EHLO/HELO
};

struct MailMessage {
    std::string from;             ///< envelope sender, without angle brackets; may be empty (null sender)
    std::vector<std::string> to;  ///< envelope recipients, without angle brackets; at least one
    std::string data;             ///< RFC 5322 text with CRLF line ends (bare LF is sent as CRLF)
};

struct SmtpTimeouts {
    std::chrono::milliseconds connect{5000};
    std::chrono::milliseconds reply{10000};  ///< for each reply, from the end of sending what it answers
};

struct MailReceipt {
    std::string reply;  ///< the server's last reply line to the message, e.g. "250 OK queued as 7"
};

/// Delivers one message over plain SMTP (no TLS, no AUTH) on a fresh connection: EHLO (HELO when EHLO
/// gets a 5xx), MAIL FROM, RCPT TO each recipient, DATA, QUIT. A reply with an unexpected code is a
/// malformed_response failure naming the command and the reply. Never throws for anything the peer does.
Outcome<MailReceipt> send_mail(const SmtpTarget& target, const MailMessage& message, const SmtpTimeouts& timeouts = {});

}  // namespace mx3pid::net
