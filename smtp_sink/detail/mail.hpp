#pragma once
// From the raw text of a message to the decoded fields of a ReceivedMail.
#include <string>

#include "smtp_sink/smtp_sink.hpp"

namespace mx3pid::smtp_sink::detail {

/// Fills raw, headers, subject, the bodies, links, validation and bare_token from `raw`; leaves the
/// envelope, sequence and time alone. Total and bounded in work, whatever `raw` holds.
ReceivedMail read_mail(std::string raw);

}  // namespace mx3pid::smtp_sink::detail
