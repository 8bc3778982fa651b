#pragma once
// Finding the links and codes that a validation mail carries.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp_sink/smtp_sink.hpp"

namespace mx3pid::smtp_sink::detail {

/// The http(s) URLs in the text body, then the http(s) href values of the html body (entities
/// decoded), in order of appearance, each once.
std::vector<std::string> find_links(std::string_view text_body, std::string_view html_body);

/// The first link whose query (or, failing that, the query inside its fragment) has `token`.
std::optional<ValidationLink> find_validation(const std::vector<std::string>& links);

/// A code given in words rather than in a link, e.g. "Your code is 123456" or "token: Ab3dE…".
/// The rule: after a word "code", "token", "pin" or "otp" (any case, punctuation around it ignored),
/// the first of the next four words that is token-like: 4 to 255 characters of [A-Za-z0-9_-], with
/// a digit in it or at least 16 long (so that "is", "below" or "ready" never qualify). Searches
/// `text_body`, or the html body stripped of its tags when there is no text body. Empty if none.
std::string find_bare_token(std::string_view text_body, std::string_view html_body);

/// Decodes the HTML character references &amp; &lt; &gt; &quot; &apos; &#N; &#xH;; others stay.
std::string decode_html_entities(std::string_view text);

}  // namespace mx3pid::smtp_sink::detail
