#include "smtp_sink/detail/links.hpp"

#include <algorithm>
#include <cstdint>

#include "net/message.hpp"
#include "smtp_sink/detail/codec.hpp"

namespace mx3pid::smtp_sink::detail {
namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool ends_url(unsigned char c) { return c <= 32 || c == 127 || c == '<' || c == '>' || c == '"' || c == '`'; }

bool is_http_url(std::string_view text) {
    auto head = lower(text.substr(0, 8));
    return head.rfind("http://", 0) == 0 || head.rfind("https://", 0) == 0;
}

/// Drops punctuation that ends a sentence rather than the URL; a closing bracket stays when the URL opened one.
std::string_view trim_url(std::string_view url) {
    auto opened = [&](char open, char close) {
        return std::count(url.begin(), url.end(), open) - std::count(url.begin(), url.end(), close);
    };
    auto parens = opened('(', ')');
    auto brackets = opened('[', ']');
    while (!url.empty()) {
        char c = url.back();
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*') {
            url.remove_suffix(1);
        } else if (c == ')' && parens < 0) {
            url.remove_suffix(1);
            ++parens;
        } else if (c == ']' && brackets < 0) {
            url.remove_suffix(1);
            ++brackets;
        } else {
            break;
        }
    }
    return url;
}

void add_unique(std::vector<std::string>& links, std::string link) {
    if (link.size() <= 8 || !is_http_url(link)) return;
    if (std::find(links.begin(), links.end(), link) == links.end()) links.push_back(std::move(link));
}

void text_links(std::string_view text, std::vector<std::string>& links) {
    auto folded = lower(text);
    std::size_t at = 0;
    while ((at = folded.find("http", at)) != std::string::npos) {
        std::size_t scheme_end = at + 4;
        if (scheme_end < folded.size() && folded[scheme_end] == 's') ++scheme_end;
        if (folded.compare(scheme_end, 3, "://") != 0) {
            at += 4;
            continue;
        }
        std::size_t end = scheme_end + 3;
        while (end < text.size() && !ends_url(static_cast<unsigned char>(text[end]))) ++end;
        add_unique(links, std::string(trim_url(text.substr(at, end - at))));
        at = end;
    }
}

void html_links(std::string_view html, std::vector<std::string>& links) {
    auto folded = lower(html);
    std::size_t at = 0;
    while ((at = folded.find("href", at)) != std::string::npos) {
        std::size_t i = at + 4;
        bool attribute_start = at > 0 && is_space(static_cast<unsigned char>(html[at - 1]));
        at = i;
        if (!attribute_start) continue;
        while (i < html.size() && is_space(static_cast<unsigned char>(html[i]))) ++i;
        if (i >= html.size() || html[i] != '=') continue;
        ++i;
        while (i < html.size() && is_space(static_cast<unsigned char>(html[i]))) ++i;
        if (i >= html.size()) break;
        std::string_view value;
        if (html[i] == '"' || html[i] == '\'') {
            auto close = html.find(html[i], i + 1);
            if (close == std::string_view::npos) close = html.size();
            value = html.substr(i + 1, close - i - 1);
            at = close;
        } else {
            std::size_t end = i;
            while (end < html.size() && !is_space(static_cast<unsigned char>(html[end])) && html[end] != '>') ++end;
            value = html.substr(i, end - i);
            at = end;
        }
        auto decoded = decode_html_entities(value);
        auto trimmed = std::string_view(decoded);
        while (!trimmed.empty() && is_space(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
        while (!trimmed.empty() && is_space(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
        add_unique(links, std::string(trimmed));
    }
}

std::optional<ValidationLink> validation_from(const std::string& url, std::string_view query) {
    ValidationLink link{url, {}, {}, {}};
    bool have_token = false, have_sid = false;
    std::string session;
    for (auto& [name, value] : net::parse_form(query)) {
        if (name == "token" && !have_token) {
            link.token = std::move(value);
            have_token = true;
        } else if (name == "client_secret" && link.client_secret.empty()) {
            link.client_secret = std::move(value);
        } else if (name == "sid" && !have_sid) {
            link.sid = std::move(value);
            have_sid = true;
        } else if (name == "session" && session.empty()) {
            session = std::move(value);
        }
    }
    if (!have_token) return std::nullopt;
    if (!have_sid) link.sid = std::move(session);
    return link;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    if (code_point == 0 || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) code_point = 0xFFFD;
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
}

/// The numeric character reference body after "&#" (e.g. "39" or "x27"); false if it is not one.
bool numeric_reference(std::string_view digits, std::uint32_t& code_point) {
    bool hex = !digits.empty() && (digits.front() == 'x' || digits.front() == 'X');
    if (hex) digits.remove_prefix(1);
    if (digits.empty() || digits.size() > 8) return false;
    code_point = 0;
    for (char c : digits) {
        int value = -1;
        if (c >= '0' && c <= '9') value = c - '0';
        else if (hex && c >= 'a' && c <= 'f') value = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') value = c - 'A' + 10;
        if (value < 0) return false;
        code_point = code_point * (hex ? 16 : 10) + static_cast<std::uint32_t>(value);
    }
    return true;
}

bool token_like(std::string_view word) {
    if (word.size() < 4 || word.size() > 255) return false;
    bool digit = false;
    for (unsigned char c : word) {
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && c != '_' && c != '-') return false;
        digit = digit || (c >= '0' && c <= '9');
    }
    return digit || word.size() >= 16;
}

std::string_view strip_punctuation(std::string_view word) {
    constexpr std::string_view punctuation = ":;,.!?\"'()[]<>*";
    while (!word.empty() && punctuation.find(word.front()) != std::string_view::npos) word.remove_prefix(1);
    while (!word.empty() && punctuation.find(word.back()) != std::string_view::npos) word.remove_suffix(1);
    return word;
}

std::string strip_tags(std::string_view html) {
    std::string out;
    bool in_tag = false;
    for (char c : html) {
        if (c == '<') {
            in_tag = true;
            out += ' ';
        } else if (c == '>') {
            in_tag = false;
        } else if (!in_tag) {
            out += c;
        }
    }
    return decode_html_entities(out);
}

}  // namespace

std::string decode_html_entities(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        auto semicolon = text.substr(i, 12).find(';');
        if (semicolon == std::string_view::npos) {
            out += '&';
            continue;
        }
        auto name = text.substr(i + 1, semicolon - 1);
        std::uint32_t code_point = 0;
        if (name == "amp") out += '&';
        else if (name == "lt") out += '<';
        else if (name == "gt") out += '>';
        else if (name == "quot") out += '"';
        else if (name == "apos") out += '\'';
        else if (!name.empty() && name.front() == '#' && numeric_reference(name.substr(1), code_point))
            append_utf8(out, code_point);
        else {
            out += '&';
            continue;
        }
        i += semicolon;
    }
    return out;
}

std::vector<std::string> find_links(std::string_view text_body, std::string_view html_body) {
    std::vector<std::string> links;
    text_links(text_body, links);
    html_links(html_body, links);
    return links;
}

std::optional<ValidationLink> find_validation(const std::vector<std::string>& links) {
    for (const auto& url : links) {
        auto without_fragment = std::string_view(url).substr(0, url.find('#'));
        auto mark = without_fragment.find('?');
        if (mark != std::string_view::npos)
            if (auto link = validation_from(url, without_fragment.substr(mark + 1))) return link;
        auto hash = url.find('#');
        if (hash == std::string::npos) continue;
        auto fragment = std::string_view(url).substr(hash + 1);
        auto fragment_mark = fragment.find('?');
        if (fragment_mark != std::string_view::npos)
            if (auto link = validation_from(url, fragment.substr(fragment_mark + 1))) return link;
    }
    return std::nullopt;
}

std::string find_bare_token(std::string_view text_body, std::string_view html_body) {
    std::string stripped;
    std::string_view text = text_body;
    if (text.empty()) {
        stripped = strip_tags(html_body);
        text = stripped;
    }
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < text.size()) {
        while (at < text.size() && is_space(static_cast<unsigned char>(text[at]))) ++at;
        std::size_t end = at;
        while (end < text.size() && !is_space(static_cast<unsigned char>(text[end]))) ++end;
        if (end > at) words.push_back(text.substr(at, end - at));
        at = end;
    }
    for (std::size_t i = 0; i < words.size(); ++i) {
        auto keyword = lower(strip_punctuation(words[i]));
        if (keyword != "code" && keyword != "token" && keyword != "pin" && keyword != "otp") continue;
        for (std::size_t j = i + 1; j < words.size() && j <= i + 4; ++j) {
            auto candidate = strip_punctuation(words[j]);
            if (token_like(candidate)) return std::string(candidate);
        }
    }
    return {};
}

}  // namespace mx3pid::smtp_sink::detail
