#pragma once
// Mail shaped like what homeservers send, built in the tests.
#include <string>
#include <string_view>

namespace mx3pid::smtp_sink::test {

inline constexpr std::string_view synapse_link =
    "https://hs.example/_matrix/client/unstable/registration/email/submit_token?token=abc123&client_secret=s3cr3t&sid=42";

/// Base64 with lines of 76 characters, as Python's email package writes it.
inline std::string base64_lines(std::string_view bytes) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string flat;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned value = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) value |= static_cast<unsigned char>(bytes[i + 2]);
        flat += alphabet[(value >> 18) & 63];
        flat += alphabet[(value >> 12) & 63];
        flat += i + 1 < bytes.size() ? alphabet[(value >> 6) & 63] : '=';
        flat += i + 2 < bytes.size() ? alphabet[value & 63] : '=';
    }
    std::string out;
    for (std::size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\r\n";
    return out;
}

inline std::string synapse_text() {
    return "Validez votre adresse – café\r\n\r\nTo validate, follow this link: " + std::string(synapse_link) +
           "\r\n\r\nIf this was not you, ignore this mail.\r\n";
}

inline std::string synapse_html() {
    std::string link(synapse_link);
    std::string escaped;
    for (char c : link) escaped += c == '&' ? std::string("&amp;") : std::string(1, c);
    return "<!doctype html><html><body><p>Validez votre adresse &ndash; café</p>\r\n"
           "<p><a href=\"" + escaped + "\">" + escaped + "</a></p></body></html>\r\n";
}

/// multipart/alternative, UTF-8, both parts base64: how Synapse mails a validation link.
inline std::string synapse_message(std::string_view to = "alice@example.org") {
    return "From: Matrix <noreply@hs.example>\r\n"
           "To: " + std::string(to) + "\r\n"
           "Subject: =?utf-8?b?VmFsaWRleiB2b3RyZSBhZHJlc3NlIOKAkyBjYWbDqQ==?=\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/alternative; boundary=\"===============1234567890==\"\r\n"
           "\r\n"
           "--===============1234567890==\r\n"
           "Content-Type: text/plain; charset=\"utf-8\"\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" + base64_lines(synapse_text()) +
           "\r\n"
           "--===============1234567890==\r\n"
           "Content-Type: text/html; charset=\"utf-8\"\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Transfer-Encoding: base64\r\n"
           "\r\n" + base64_lines(synapse_html()) +
           "\r\n"
           "--===============1234567890==--\r\n";
}

}  // namespace mx3pid::smtp_sink::test
