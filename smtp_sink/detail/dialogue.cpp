#include "smtp_sink/detail/dialogue.hpp"

#include <cctype>
#include <charconv>

namespace mx3pid::smtp_sink::detail {
namespace {

/// Data lines longer than this are passed on to the message in pieces rather than held whole.
constexpr std::size_t data_piece = 4096;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
    return true;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

struct Path {
    bool ok = false;
    std::string address;
    std::string_view parameters;
};

/// "<address> PARAM=V ..." (or, leniently, "address PARAM=V ...").
Path parse_path(std::string_view text) {
    text = trim(text);
    Path path;
    if (!text.empty() && text.front() == '<') {
        auto close = text.find('>');
        if (close == std::string_view::npos) return path;
        path.address = std::string(trim(text.substr(1, close - 1)));
        path.parameters = trim(text.substr(close + 1));
    } else {
        auto space = text.find_first_of(" \t");
        path.address = std::string(text.substr(0, space));
        path.parameters = space == std::string_view::npos ? std::string_view() : trim(text.substr(space));
    }
    path.ok = true;
    return path;
}

}  // namespace

Dialogue::Dialogue(DialogueLimits limits, Deliver deliver, std::string host_name)
    : limits_(limits), deliver_(std::move(deliver)), host_name_(std::move(host_name)) {}

std::string Dialogue::greeting() { return "220 " + host_name_ + " ESMTP mx3pid\r\n"; }

std::string Dialogue::receive(std::string_view bytes) {
    std::string out;
    while (!bytes.empty() && !finished_) {
        switch (mode_) {
            case Mode::command: on_command_bytes(bytes, out); break;
            case Mode::data: on_data_bytes(bytes, out); break;
            case Mode::discarding_line: on_discarded_bytes(bytes, out); break;
        }
    }
    return out;
}

void Dialogue::on_command_bytes(std::string_view& bytes, std::string& out) {
    auto lf = bytes.find('\n');
    if (lf == std::string_view::npos) {
        line_.append(bytes);
        bytes = {};
        if (line_.size() >= max_command_line) {
            discarded_ = line_.size();
            line_.clear();
            mode_ = Mode::discarding_line;
        }
        return;
    }
    if (line_.size() + lf + 1 > max_command_line) {
        line_.clear();
        bytes.remove_prefix(lf + 1);
        error("500 Line too long", out);
        return;
    }
    line_.append(bytes.substr(0, lf));
    bytes.remove_prefix(lf + 1);
    std::string line = std::move(line_);
    line_.clear();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    command(line, out);
}

void Dialogue::on_discarded_bytes(std::string_view& bytes, std::string& out) {
    auto lf = bytes.find('\n');
    if (lf == std::string_view::npos) {
        discarded_ += bytes.size();
        bytes = {};
        if (discarded_ > max_discarded_line) {
            out += "500 Line too long, closing connection\r\n";
            finished_ = true;
        }
        return;
    }
    bytes.remove_prefix(lf + 1);
    discarded_ = 0;
    mode_ = Mode::command;
    error("500 Line too long", out);
}

void Dialogue::on_data_bytes(std::string_view& bytes, std::string& out) {
    auto lf = bytes.find('\n');
    if (lf == std::string_view::npos) {
        line_.append(bytes);
        bytes = {};
        if (line_.size() > data_piece) {
            // A CR at the end may be half of the CRLF still to come: keep it back.
            bool keep_cr = line_.back() == '\r';
            std::string_view piece(line_);
            if (keep_cr) piece.remove_suffix(1);
            data_line(piece, line_continued_);
            line_continued_ = true;
            line_ = keep_cr ? "\r" : "";
        }
        return;
    }
    line_.append(bytes.substr(0, lf));
    bytes.remove_prefix(lf + 1);
    std::string_view line(line_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line_continued_ && line == ".") {
        line_.clear();
        end_of_data(out);
        return;
    }
    data_line(line, line_continued_);
    append_data("\r\n");
    line_.clear();
    line_continued_ = false;
}

void Dialogue::data_line(std::string_view line, bool continued) {
    if (!continued && !line.empty() && line.front() == '.') line.remove_prefix(1);
    append_data(line);
}

void Dialogue::append_data(std::string_view bytes) {
    data_size_ += bytes.size();
    if (data_too_big_) return;
    if (data_size_ > limits_.max_message_bytes) {
        data_too_big_ = true;
        std::string().swap(data_);
        return;
    }
    data_.append(bytes);
}

void Dialogue::end_of_data(std::string& out) {
    mode_ = Mode::command;
    if (data_too_big_) {
        out += "552 Message exceeds fixed maximum message size\r\n";
    } else {
        try {
            auto id = deliver_(Envelope{std::move(mail_from_), std::move(recipients_), std::move(data_)});
            out += "250 OK queued as " + std::to_string(id) + "\r\n";
        } catch (const std::exception&) {
            out += "451 Local error in processing\r\n";
        }
    }
    reset_transaction();
}

void Dialogue::reset_transaction() {
    in_transaction_ = false;
    mail_from_.clear();
    recipients_.clear();
    std::string().swap(data_);
    data_size_ = 0;
    data_too_big_ = false;
    line_continued_ = false;
}

void Dialogue::error(std::string_view reply, std::string& out) {
    out.append(reply);
    out += "\r\n";
    if (++errors_ >= max_errors) {
        out += "421 Too many errors, closing connection\r\n";
        finished_ = true;
    }
}

void Dialogue::command(std::string_view line, std::string& out) {
    auto space = line.find_first_of(" \t");
    std::string verb = upper(line.substr(0, space));
    std::string_view arguments = space == std::string_view::npos ? std::string_view() : trim(line.substr(space));

    if (verb == "EHLO" || verb == "HELO") {
        if (arguments.empty()) return error("501 Syntax: " + verb + " hostname", out);
        reset_transaction();
        if (verb == "HELO") {
            out += "250 " + host_name_ + "\r\n";
        } else {
            out += "250-" + host_name_ + "\r\n";
            out += "250-SIZE " + std::to_string(limits_.max_message_bytes) + "\r\n";
            out += "250-8BITMIME\r\n";
            out += "250 PIPELINING\r\n";
        }
    } else if (verb == "MAIL") {
        mail(arguments, out);
    } else if (verb == "RCPT") {
        rcpt(arguments, out);
    } else if (verb == "DATA") {
        if (!in_transaction_) return error("503 Need MAIL command", out);
        if (recipients_.empty()) return error("503 Need RCPT command", out);
        mode_ = Mode::data;
        data_size_ = 0;
        data_too_big_ = false;
        line_continued_ = false;
        out += "354 End data with <CR><LF>.<CR><LF>\r\n";
    } else if (verb == "RSET") {
        reset_transaction();
        out += "250 OK\r\n";
    } else if (verb == "NOOP") {
        out += "250 OK\r\n";
    } else if (verb == "QUIT") {
        out += "221 " + host_name_ + " closing connection\r\n";
        finished_ = true;
    } else if (verb == "VRFY") {
        out += "252 Cannot VRFY user, but will accept message and attempt delivery\r\n";
    } else if (verb == "HELP") {
        out += "214 mx3pid SMTP sink\r\n";
    } else if (verb == "STARTTLS" || verb == "AUTH" || verb == "EXPN" || verb == "BDAT" || verb == "ETRN" ||
               verb == "TURN") {
        error("502 Command not implemented", out);
    } else {
        error("500 Command not recognized", out);
    }
}

void Dialogue::mail(std::string_view arguments, std::string& out) {
    if (in_transaction_) return error("503 Sender already specified", out);
    if (!starts_with_ignoring_case(arguments, "FROM:")) return error("501 Syntax: MAIL FROM:<address>", out);
    auto path = parse_path(arguments.substr(5));
    if (!path.ok) return error("501 Syntax: MAIL FROM:<address>", out);
    auto parameters = path.parameters;
    while (!parameters.empty()) {
        auto end = parameters.find_first_of(" \t");
        auto parameter = parameters.substr(0, end);
        parameters = end == std::string_view::npos ? std::string_view() : trim(parameters.substr(end));
        if (!starts_with_ignoring_case(parameter, "SIZE=")) continue;
        auto digits = parameter.substr(5);
        std::uint64_t size = 0;
        auto [rest, status] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
        bool overflow = status == std::errc::result_out_of_range;
        if (!overflow && (digits.empty() || status != std::errc() || rest != digits.data() + digits.size()))
            return error("501 Bad SIZE parameter", out);
        if (overflow || size > limits_.max_message_bytes) {
            out += "552 Message size exceeds fixed maximum message size\r\n";
            return;
        }
    }
    in_transaction_ = true;
    mail_from_ = std::move(path.address);
    out += "250 OK\r\n";
}

void Dialogue::rcpt(std::string_view arguments, std::string& out) {
    if (!in_transaction_) return error("503 Need MAIL command", out);
    if (!starts_with_ignoring_case(arguments, "TO:")) return error("501 Syntax: RCPT TO:<address>", out);
    auto path = parse_path(arguments.substr(3));
    if (!path.ok || path.address.empty()) return error("501 Syntax: RCPT TO:<address>", out);
    if (recipients_.size() >= limits_.max_recipients) {
        out += "452 Too many recipients\r\n";
        return;
    }
    recipients_.push_back(std::move(path.address));
    out += "250 OK\r\n";
}

}  // namespace mx3pid::smtp_sink::detail
