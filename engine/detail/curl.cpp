#include "engine/detail/curl.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <utility>

#include "spec/grammar.hpp"
#include "spec/utf8.hpp"

namespace mx3pid::engine::detail {
namespace {

/// A run of one byte at least this long is regenerated with `head | tr` rather than written out.
constexpr std::size_t shortest_run = 64;

bool is_printable(char32_t c) { return c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F); }

bool all_printable(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = spec::decode_utf8(text, at);
        if (!decoded.valid || !is_printable(decoded.code_point)) return false;
        at += decoded.length;
    }
    return true;
}

void append_hex_byte(std::string& out, unsigned char byte) {
    constexpr const char* digits = "0123456789abcdef";
    out += "\\x";
    out += digits[byte >> 4];
    out += digits[byte & 0xF];
}

std::string fresh_secret(std::size_t length) {
    constexpr std::string_view alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string secret;
    for (std::size_t i = 0; i < length; ++i) secret += alphabet[pick(generator)];
    return secret;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
}

/// The request with every valid secret it carries swapped for a fresh one of the same length.
net::Request with_fresh_secrets(net::Request request, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (!spec::is_valid_client_secret(secret)) continue;
        const auto fresh = fresh_secret(secret.size());
        replace_all(request.target, secret, fresh);
        for (auto& header : request.headers) replace_all(header.second, secret, fresh);
        replace_all(request.body, secret, fresh);
    }
    return request;
}

/// `tr`'s replacement set for one byte: the letter itself when alphanumeric, else an octal escape.
std::string tr_byte(unsigned char byte) {
    if (std::isalnum(byte)) return std::string(1, static_cast<char>(byte));
    std::string octal = "'\\";
    for (int shift = 6; shift >= 0; shift -= 3) octal += static_cast<char>('0' + ((byte >> shift) & 7));
    return octal + "'";
}

/// Shell commands whose output, in order, is `body`: literal pieces and long runs of one byte.
std::string regenerating_commands(std::string_view body) {
    std::string commands;
    std::string literal;
    auto flush = [&] {
        if (literal.empty()) return;
        if (literal.size() > curl_literal_limit) literal.resize(curl_literal_limit);  // a body no case generates
        commands += (commands.empty() ? "" : "; ") + std::string("printf %s ") + shell_quote(literal);
        literal.clear();
    };
    for (std::size_t at = 0; at < body.size();) {
        auto end = body.find_first_not_of(body[at], at);
        if (end == std::string_view::npos) end = body.size();
        const auto length = end - at;
        if (length < shortest_run) {
            literal.append(body.substr(at, length));
        } else {
            flush();
            const auto byte = static_cast<unsigned char>(body[at]);
            commands += (commands.empty() ? "" : "; ") + std::string("head -c ") + std::to_string(length) + " /dev/zero";
            if (byte != 0) commands += " | tr '\\0' " + tr_byte(byte);
        }
        at = end;
    }
    flush();
    return commands;
}

}  // namespace

std::string shell_quote(std::string_view text) {
    constexpr std::string_view plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
    if (!text.empty() && text.find_first_not_of(plain) == std::string_view::npos) return std::string(text);
    std::string out;
    if (all_printable(text)) {
        out = "'";
        for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return out + "'";
    }
    out = "$'";
    for (std::size_t at = 0; at < text.size();) {
        const auto decoded = spec::decode_utf8(text, at);
        if (decoded.valid && is_printable(decoded.code_point)) {
            if (text[at] == '\\' || text[at] == '\'') out += '\\';
            out.append(text.substr(at, decoded.length));
            at += decoded.length;
            continue;
        }
        const auto length = decoded.valid ? decoded.length : std::max<std::size_t>(decoded.length, 1);
        for (std::size_t i = 0; i < length; ++i) append_hex_byte(out, static_cast<unsigned char>(text[at + i]));
        at += length;
    }
    return out + "'";
}

std::string curl_line(const net::Url& origin, const net::Request& sent, const std::vector<std::string>& secrets,
                      bool redact) {
    const auto request = redact ? with_fresh_secrets(sent, secrets) : sent;
    std::string command = "curl -sS -i -X " + shell_quote(request.method) + " " + shell_quote(origin.origin() + request.target);
    for (const auto& [name, value] : request.headers) command += " -H " + shell_quote(name + ": " + value);
    if (request.body.size() > curl_literal_limit)
        return "{ " + regenerating_commands(request.body) + "; } | " + command + " --data-binary @-";
    if (!request.body.empty() || request.method != "GET") command += " --data-raw " + shell_quote(request.body);
    return command;
}

}  // namespace mx3pid::engine::detail
