#pragma once
// Text clean-up shared by the writers: whatever bytes a server sent, what leaves a writer is valid
// UTF-8 with every invisible or XML-forbidden character spelled out.
#include <cstddef>
#include <string>
#include <string_view>

namespace mx3pid::reports::detail {

/// Valid UTF-8 that still shows the bytes: each byte of an ill-formed subsequence (stray
/// continuation byte, overlong form, surrogate, value above U+10FFFF, truncated sequence) is written
/// as `\xNN` (lower-case hex), so a reader sees what the server sent rather than U+FFFD.
std::string valid_utf8(std::string_view text);

/// valid_utf8, and then every character XML 1.0 forbids or a terminal would act on is written as a
/// visible escape: C0 controls other than tab and LF, and DEL, as `\x01`; C1 controls and
/// U+FFFE/U+FFFF as `\u0085`/`\uFFFF`. CRLF becomes LF and a lone CR becomes `\r`: XML parsers
/// would turn a raw CR into LF anyway, and on a terminal it would let a server overwrite the line.
/// The result is safe in XML text, Markdown and a terminal.
std::string visible_text(std::string_view text);

/// visible_text on one line: each run of whitespace that holds a tab or line break becomes one
/// space, the ends are trimmed, and text longer than max_chars code points ends in "…".
std::string one_line(std::string_view text, std::size_t max_chars = 500);

/// Characters (code points) in valid UTF-8 `text`: its width on a terminal, for the text mx3pid prints.
std::size_t display_width(std::string_view text);

/// Valid UTF-8 `text` in at most `columns` characters: cut at the last space that keeps at least
/// half of them, else mid-word, and ended with "…".
std::string cut_at_word(std::string_view text, std::size_t columns);

/// At most `limit` bytes of `body` (cut back to a UTF-8 character boundary), followed by
/// "[… N bytes cut]" when anything was cut.
std::string cap_bytes(std::string_view body, std::size_t limit);

/// The largest body (or header value) a report keeps: escaped, as JSON at six characters a byte
/// at worst, it stays well under the 70,000 characters a report line may hold.
inline constexpr std::size_t body_limit = 10 * 1024;

/// The longest curl line a report keeps. mx3pid's own stay far below it (their bodies are regenerated
/// past 4 KiB); the cap only guards the line limit.
inline constexpr std::size_t curl_limit = 30000;

}  // namespace mx3pid::reports::detail
