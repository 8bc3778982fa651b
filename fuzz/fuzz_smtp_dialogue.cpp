// The SMTP dialogue fed a session in chunks. Byte 0 holds flags (bit 0: delivery fails, bit 1:
// small limits), bytes 1-4 the chunk sizes used in turn (0: all that is left), the rest is the session.
#include <array>
#include <stdexcept>

#include "fuzz/fuzz_support.hpp"
#include "smtp_sink/detail/dialogue.hpp"

using namespace mx3pid;
using smtp_sink::detail::Dialogue;
using smtp_sink::detail::DialogueLimits;
using smtp_sink::detail::Envelope;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Complete reply lines: "DDD text" or "DDD-text" (continued by a line with the same code), each CRLF-ended.
void check_replies(std::string_view out) {
    if (out.empty()) return;
    fuzz::expect(out.size() >= 2 && out.substr(out.size() - 2) == "\r\n", "a reply not ended by CRLF", out);
    out.remove_suffix(2);
    std::string_view pending_code;
    for (auto line : fuzz::split(out, "\r\n")) {
        fuzz::expect(line.size() >= 4 && line.size() <= 512, "a reply line of the wrong length", line);
        fuzz::expect(line[0] >= '2' && line[0] <= '5' && is_digit(line[1]) && is_digit(line[2]),
                     "a reply line without a 3-digit code", line);
        fuzz::expect(line[3] == ' ' || line[3] == '-', "a reply code followed by neither ' ' nor '-'", line);
        fuzz::expect(line.find_first_of("\r\n") == std::string_view::npos, "a bare CR or LF in a reply", line);
        if (!pending_code.empty()) fuzz::expect(line.substr(0, 3) == pending_code, "a multi-line reply changed its code", line);
        pending_code = line[3] == '-' ? line.substr(0, 3) : std::string_view();
    }
    fuzz::expect(pending_code.empty(), "a multi-line reply without its last line", out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    const bool failing_delivery = data[0] & 1;
    const bool small_limits = data[0] & 2;
    const std::array<std::size_t, 4> chunk_sizes = {data[1], data[2], data[3], data[4]};
    auto session = fuzz::as_text(data + 5, size - 5);

    DialogueLimits limits;
    if (small_limits) limits = DialogueLimits{64, 2};
    std::uint64_t delivered = 0;
    Dialogue dialogue(
        limits,
        [&](Envelope envelope) -> std::uint64_t {
            fuzz::expect(!envelope.recipients.empty(), "a message delivered without recipients");
            fuzz::expect(envelope.data.size() <= limits.max_message_bytes, "a message over the size limit delivered");
            for (std::size_t lf = envelope.data.find('\n'); lf != std::string::npos; lf = envelope.data.find('\n', lf + 1))
                fuzz::expect(lf > 0 && envelope.data[lf - 1] == '\r', "a line in the data not ended by CRLF");
            fuzz::expect(envelope.data.empty() || envelope.data.ends_with("\r\n"), "the data does not end with CRLF");
            if (failing_delivery) throw std::runtime_error("mailbox full");
            return ++delivered;
        },
        "mx.fuzz.example");

    check_replies(dialogue.greeting());
    std::size_t turn = 0;
    while (!session.empty() && !dialogue.finished()) {
        auto chunk_size = chunk_sizes[turn++ % chunk_sizes.size()];
        auto chunk = session.substr(0, chunk_size == 0 ? session.size() : chunk_size);
        session.remove_prefix(chunk.size());
        check_replies(dialogue.receive(chunk));
    }
    if (dialogue.finished()) {
        for (std::string_view more : {session, std::string_view("NOOP\r\n"), std::string_view("QUIT\r\n")}) {
            fuzz::expect(dialogue.receive(more).empty(), "a finished dialogue answered");
            fuzz::expect(dialogue.finished(), "a finished dialogue came back");
        }
    }
    return 0;
}
