#pragma once
// The curl command a report prints for a case: pasted into a POSIX shell (bash), it sends a request
// equivalent to the one mx3pid sent, without revealing the run's secrets.
#include <string>
#include <string_view>
#include <vector>

#include "net/message.hpp"
#include "net/url.hpp"

namespace mx3pid::engine::detail {

/// Bodies longer than this are written as a shell expression that regenerates them.
inline constexpr std::size_t curl_literal_limit = 4 * 1024;

/// `text` as one shell word: '…' when every byte is printable (UTF-8 included), else bash's $'…'
/// with \xNN escapes, so that a terminal or report never holds the raw byte.
std::string shell_quote(std::string_view text);

/// A command that repeats `request` against `origin`. Each of `secrets` that the request carries is
/// replaced, when `redact`, by a fresh value of the same length drawn from the client_secret
/// grammar if the secret is itself valid; a secret the grammar refuses (a case about the secret)
/// is kept as it was sent, since it is what the case is about and no server accepts it. A body
/// over curl_literal_limit is piped in from `printf`/`head | tr` pieces instead of written out.
std::string curl_line(const net::Url& origin, const net::Request& request, const std::vector<std::string>& secrets,
                      bool redact);

}  // namespace mx3pid::engine::detail
