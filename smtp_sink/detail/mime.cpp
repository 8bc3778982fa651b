#include "smtp_sink/detail/mime.hpp"

#include "smtp_sink/detail/codec.hpp"

namespace mx3pid::smtp_sink::detail {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && (is_blank(text.front()) || text.front() == '\r' || text.front() == '\n'))
        text.remove_prefix(1);
    while (!text.empty() && (is_blank(text.back()) || text.back() == '\r' || text.back() == '\n'))
        text.remove_suffix(1);
    return text;
}

/// One line of `text` from `at`: its content (without CR/LF) and the offset after its line end.
std::string_view next_line(std::string_view text, std::size_t at, std::size_t& next) {
    auto lf = text.find('\n', at);
    next = lf == std::string_view::npos ? text.size() : lf + 1;
    auto line = text.substr(at, (lf == std::string_view::npos ? text.size() : lf) - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

bool is_header_name(std::string_view name) {
    if (name.empty()) return false;
    for (unsigned char c : name)
        if (c <= 32 || c >= 127 || c == ':') return false;
    return true;
}

const std::string* find(const HeaderList& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (lower(key) == name) return &value;
    return nullptr;
}

std::string normalise_line_ends(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        out += text[i];
    }
    return out;
}

struct Walker {
    ParsedMessage& result;
    bool have_text = false;
    bool have_html = false;
    int parts = 0;

    void entity(std::string_view text, int depth, const HeaderList* given_headers, std::size_t given_body_start) {
        if (++parts > max_mime_parts || (have_text && have_html)) return;
        std::size_t body_start = given_body_start;
        HeaderList local;
        if (!given_headers) local = parse_headers(text, body_start);
        const HeaderList& headers = given_headers ? *given_headers : local;
        auto body = text.substr(body_start);

        const std::string* type_value = find(headers, "content-type");
        ContentType type = type_value ? parse_content_type(*type_value) : ContentType{};
        if (type.type.rfind("multipart/", 0) == 0) {
            if (!type.boundary.empty() && depth < max_mime_depth) multipart(body, type.boundary, depth);
            return;
        }
        if (type.type == "message/rfc822" || type.type == "message/global") {
            if (depth < max_mime_depth) entity(body, depth + 1, nullptr, 0);
            return;
        }
        bool is_text = type.type == "text/plain";
        bool is_html = type.type == "text/html";
        if ((!is_text || have_text) && (!is_html || have_html)) return;
        if (const auto* disposition = find(headers, "content-disposition");
            disposition && lower(trim(std::string_view(*disposition).substr(0, disposition->find(';')))) == "attachment")
            return;

        std::string encoding;
        if (const auto* value = find(headers, "content-transfer-encoding")) encoding = lower(trim(*value));
        std::string bytes;
        if (encoding == "base64")
            bytes = decode_base64(body);
        else if (encoding == "quoted-printable")
            bytes = decode_quoted_printable(body);
        else
            bytes = std::string(body);
        auto decoded = normalise_line_ends(to_utf8(bytes, type.charset));
        if (is_text) {
            result.text_body = std::move(decoded);
            have_text = true;
        } else {
            result.html_body = std::move(decoded);
            have_html = true;
        }
    }

    void multipart(std::string_view body, const std::string& boundary, int depth) {
        std::string delimiter = "--" + boundary;
        std::size_t part_start = std::string_view::npos;  // npos: still in the preamble
        std::size_t at = 0;
        while (at < body.size()) {
            std::size_t next = 0;
            auto line = next_line(body, at, next);
            if (line.size() >= delimiter.size() && line.compare(0, delimiter.size(), delimiter) == 0) {
                auto rest = line.substr(delimiter.size());
                bool closing = rest.size() >= 2 && rest.compare(0, 2, "--") == 0;
                if (closing) rest.remove_prefix(2);
                if (trim(rest).empty()) {
                    if (part_start != std::string_view::npos) {
                        // The line end before a delimiter belongs to the delimiter.
                        std::size_t part_end = at;
                        if (part_end > part_start && body[part_end - 1] == '\n') --part_end;
                        if (part_end > part_start && body[part_end - 1] == '\r') --part_end;
                        entity(body.substr(part_start, part_end - part_start), depth + 1, nullptr, 0);
                    }
                    if (closing) return;
                    part_start = next;
                }
            }
            at = next;
        }
        // No closing delimiter: the last part runs to the end.
        if (part_start != std::string_view::npos && part_start < body.size())
            entity(body.substr(part_start), depth + 1, nullptr, 0);
    }
};

}  // namespace

HeaderList parse_headers(std::string_view text, std::size_t& body_start) {
    HeaderList headers;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t next = 0;
        auto line = next_line(text, at, next);
        if (line.empty()) {
            at = next;
            break;
        }
        if (is_blank(line.front())) {
            if (!headers.empty()) {
                // Unfolding removes only the line break; the leading blank stays.
                headers.back().second += line;
            }
            at = next;
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_header_name(trim(line.substr(0, colon)))) {
            // Not a header: the header section ended without its blank line.
            break;
        }
        headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(line.substr(colon + 1)));
        at = next;
    }
    body_start = at;
    for (auto& header : headers) header.second = std::string(trim(header.second));
    return headers;
}

ContentType parse_content_type(std::string_view value) {
    ContentType type;
    auto semicolon = value.find(';');
    auto main = lower(trim(value.substr(0, semicolon)));
    if (main.find('/') != std::string::npos) type.type = main;
    std::size_t at = semicolon == std::string_view::npos ? value.size() : semicolon + 1;
    while (at < value.size()) {
        while (at < value.size() && (is_blank(value[at]) || value[at] == ';' || value[at] == '\r' || value[at] == '\n'))
            ++at;
        auto eq = value.find('=', at);
        if (eq == std::string_view::npos) break;
        auto name = lower(trim(value.substr(at, eq - at)));
        at = eq + 1;
        while (at < value.size() && is_blank(value[at])) ++at;
        std::string parameter;
        if (at < value.size() && value[at] == '"') {
            ++at;
            while (at < value.size() && value[at] != '"') {
                if (value[at] == '\\' && at + 1 < value.size()) ++at;
                parameter += value[at++];
            }
            if (at < value.size()) ++at;  // the closing quote
            auto end = value.find(';', at);
            at = end == std::string_view::npos ? value.size() : end + 1;
        } else {
            auto end = value.find(';', at);
            parameter = std::string(trim(value.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at)));
            at = end == std::string_view::npos ? value.size() : end + 1;
        }
        if (name == "boundary" && type.boundary.empty()) type.boundary = parameter;
        if (name == "charset" && type.charset.empty()) type.charset = lower(parameter);
    }
    return type;
}

ParsedMessage parse_message(std::string_view raw) {
    ParsedMessage result;
    std::size_t body_start = 0;
    result.headers = parse_headers(raw, body_start);
    if (const auto* subject = find(result.headers, "subject")) result.subject = decode_header_words(*subject);
    Walker walker{result};
    walker.entity(raw, 0, &result.headers, body_start);
    return result;
}

}  // namespace mx3pid::smtp_sink::detail
