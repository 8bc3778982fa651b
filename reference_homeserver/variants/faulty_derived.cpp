// Faulty variants only derived inputs catch (suite/derive, cases/11-derived.yaml): a grammar check
// that a line terminator, a NUL, Unicode word characters or an off-by-one length gets past, or that
// looks at the length alone; JSON parsers that take what JSON is not, or crash on deep nesting;
// send_attempt stored too narrowly or read loosely; a next_link of another type dropped.
#include "reference_homeserver/variants/shared.hpp"

#include <algorithm>
#include <cmath>

#include "spec/edition.hpp"
#include "spec/grammar.hpp"
#include "spec/json_text.hpp"
#include "spec/utf8.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;

// --- grammar checks a derived character gets past ------------------------------------------------

/// A pattern anchored with '$' as Python and PCRE read it: the end, or just before a final line feed.
struct SecretLineTerminator : Stages {
    bool client_secret_valid(const std::string& secret) override {
        if (!secret.empty() && secret.back() == '\n') return Stages::client_secret_valid(secret.substr(0, secret.size() - 1));
        return Stages::client_secret_valid(secret);
    }
};

/// The length limit written `<= 256`.
struct SecretLengthOffByOne : Stages {
    bool client_secret_valid(const std::string& secret) override {
        return secret.size() == 256 ? Stages::client_secret_valid(secret.substr(0, 255)) : Stages::client_secret_valid(secret);
    }
};

/// Letters and digits of any script, as a Unicode-aware `\w`: Latin-1 and Latin Extended letters,
/// Greek and Cyrillic, the letter-like symbols (the Kelvin sign among them), fullwidth letters and digits.
bool unicode_word_character(char32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x4FF) || (c >= 0x2100 && c <= 0x214F) ||
           (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A);
}

/// `[\w.=-]{1,255}` with a Unicode-aware `\w`.
struct SecretUnicodeWord : Stages {
    bool client_secret_valid(const std::string& secret) override {
        std::size_t length = 0;
        for (std::size_t at = 0; at < secret.size(); ++length) {
            const auto decoded = spec::decode_utf8(secret, at);
            if (!decoded.valid) return false;
            const char32_t c = decoded.code_point;
            if (!unicode_word_character(c) && c != '.' && c != '=' && c != '-') return false;
            at += decoded.length;
        }
        return length >= 1 && length <= 255;
    }
};

/// Checks the secret as a C string: up to its first NUL.
struct SecretStopsAtNul : Stages {
    bool client_secret_valid(const std::string& secret) override { return Stages::client_secret_valid(secret.substr(0, secret.find('\0'))); }
};

// --- JSON parsers -----------------------------------------------------------------------------------

/// A JSON5-minded reading of the body: comments and trailing commas dropped, single-quoted strings
/// and keys, NaN and Infinity (as null), numbers with a '+', in hex or with leading zeros.
std::string as_strict_json(const std::string& text) {
    std::string out;
    bool in_string = false;
    char quote = '"';
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\' && i + 1 < text.size()) {
                out += c;
                out += text[++i];
            } else if (c == quote) {
                out += '"';
                in_string = false;
            } else {
                out += c == '"' ? std::string("\\\"") : std::string(1, c);
            }
            continue;
        }
        auto rest = std::string_view(text).substr(i);
        auto word = [&](std::string_view w) { return rest.substr(0, w.size()) == w; };
        if (c == '"' || c == '\'') {
            in_string = true;
            quote = c;
            out += '"';
        } else if (word("/*")) {
            auto end = text.find("*/", i + 2);
            i = end == std::string::npos ? text.size() : end + 1;
        } else if (word("//")) {
            auto end = text.find('\n', i);
            i = end == std::string::npos ? text.size() : end;
        } else if (c == ',' && rest.find_first_not_of(" \t\r\n", 1) != std::string_view::npos &&
                   (rest[rest.find_first_not_of(" \t\r\n", 1)] == '}' || rest[rest.find_first_not_of(" \t\r\n", 1)] == ']')) {
            continue;
        } else if (word("NaN") || word("Infinity") || word("-Infinity")) {
            out += "null";
            i += word("-Infinity") ? 8 : word("NaN") ? 2 : 7;
        } else if (c == '+' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            continue;
        } else if (word("0x") || word("0X")) {
            std::size_t end = i + 2;
            while (end < text.size() && std::isxdigit(static_cast<unsigned char>(text[end]))) ++end;
            out += std::to_string(std::stoll(text.substr(i + 2, end - i - 2), nullptr, 16));
            i = end - 1;
        } else if (c == '0' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
                   (out.empty() || !std::isdigit(static_cast<unsigned char>(out.back())))) {
            continue;  // a leading zero
        } else {
            out += c;
        }
    }
    return out;
}

struct LenientJson : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        x.body = json::parse(as_strict_json(x.request.body), nullptr, false);
        if (x.body.is_discarded()) return error(400, "M_NOT_JSON", "the body is not JSON");
        if (!x.body.is_object()) return error(400, "M_BAD_JSON", "the body must be a JSON object");
        return std::nullopt;
    }
};

/// Reads the first JSON value of the body, as a streaming decoder does, and ignores what follows.
struct ReadsFirstJsonValue : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        auto refusal = Stages::parse_body(x);
        if (!refusal) return refusal;
        const auto& text = x.request.body;
        int depth = 0;
        bool in_string = false;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (in_string) {
                if (c == '\\') ++i;
                else if (c == '"') in_string = false;
                continue;
            }
            if (c == '"') in_string = true;
            if (c == '{' || c == '[') ++depth;
            if ((c == '}' || c == ']') && --depth == 0) {
                x.body = json::parse(text.substr(0, i + 1), nullptr, false);
                if (x.body.is_object()) return std::nullopt;
                break;
            }
        }
        return refusal;
    }
};

/// Decodes the body as UTF-8 with each ill-formed sequence replaced by U+FFFD before parsing it.
struct Utf8Replaced : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        x.body = json::parse(spec::repair_utf8(x.request.body), nullptr, false);
        if (x.body.is_discarded()) return error(400, "M_NOT_JSON", "the body is not JSON");
        if (!x.body.is_object()) return error(400, "M_BAD_JSON", "the body must be a JSON object");
        return std::nullopt;
    }
};

/// A recursive-descent parser whose stack gives out past 512 levels of nesting: the crash escapes as a 500.
struct DeepNestingCrashes : Stages {
    std::optional<net::Response> parse_body(Exchange& x) override {
        if (spec::json_depth(x.request.body) > 512) return error(500, "M_UNKNOWN", "maximum recursion depth exceeded");
        return Stages::parse_body(x);
    }
};

/// What a web framework's body parser answers before the handler runs: its own JSON, not Matrix's error.
net::Response framework_error(Stages&) {
    return net::Response::json(400, R"({"message":"Unexpected token in JSON at position 0","statusCode":400})");
}

// --- send_attempt -----------------------------------------------------------------------------------

/// Keeps send_attempt in a 32-bit column: a larger value fails the insert, and the error escapes as a 500.
struct SendAttemptInt32 : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        if (auto refusal = Stages::check_fields(x)) return refusal;
        if (x.fields.send_attempt > 2147483647LL || x.fields.send_attempt < -2147483648LL)
            return error(500, "M_UNKNOWN", "integer out of range");
        return std::nullopt;
    }
};

/// Reads send_attempt as a double and takes any integral double for an integer.
struct SendAttemptAsDouble : Stages {
    std::optional<std::int64_t> read_send_attempt(const json& value) override {
        if (!value.is_number()) return std::nullopt;
        const double number = value.get<double>();
        if (!std::isfinite(number) || std::floor(number) != number || std::fabs(number) > 9.2e18) return std::nullopt;
        return static_cast<std::int64_t>(number);
    }
};

/// Reads send_attempt as a loosely typed language converts a value to a number: true is 1, null
/// and false 0, a string of digits its number, an array or an object its size.
struct SendAttemptAnyType : Stages {
    std::optional<std::int64_t> read_send_attempt(const json& value) override {
        if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
        if (value.is_null()) return 0;
        if (value.is_array() || value.is_object()) return static_cast<std::int64_t>(value.size());
        if (value.is_string()) {
            const auto& text = value.get_ref<const std::string&>();
            if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
            return std::stoll(text);
        }
        return Stages::read_send_attempt(value);
    }
};

// --- checks only derived inputs reach ----------------------------------------------------------------

/// Drops a next_link that is not a string, as if the client had sent none, and goes on.
struct NextLinkTypeIgnored : Stages {
    std::optional<net::Response> check_fields(Exchange& x) override {
        if (x.body.is_object() && x.body.contains("next_link") && !x.body["next_link"].is_string()) x.body.erase("next_link");
        return Stages::check_fields(x);
    }
};

/// Checks only the length of client_secret, 1 to 255 bytes, not its characters.
struct SecretLengthOnly : Stages {
    bool client_secret_valid(const std::string& secret) override { return !secret.empty() && secret.size() <= 255; }
};

/// What a body that is no JSON object breaks: the object the request must be.
std::vector<std::string_view> json_object() { return {"cs.request.body.object", "cs.api.request_object", "cs.api.json_baseline"}; }

}  // namespace

std::vector<Variant> faulty_derived() {
    // A server that validates email itself (builtin-self) shows its own grammar check; one that
    // forwards has the identity server refuse what it lets through, and relays the refusal.
    return {
        {.name = "client-secret-line-terminator",
         .description = "checks client_secret with a '$' that also matches before a final line feed, so \"…\\n\" passes",
         .kills = {breaks({"cs.request.client_secret.grammar"})}, .profiles = {"builtin-self"}, .make = make<SecretLineTerminator>},
        {.name = "client-secret-length-off-by-one", .description = "takes a client_secret of 256 characters (the limit written <= 256)",
         .kills = {breaks({"cs.request.client_secret.max_length"})}, .profiles = {"builtin-self"},
         .make = make<SecretLengthOffByOne>},
        {.name = "client-secret-unicode-word",
         .description = "checks client_secret as [\\w.=-] with a Unicode \\w: letters and digits of any script pass",
         .kills = {breaks({"cs.request.client_secret.grammar"})},
         .profiles = {"builtin-self"}, .make = make<SecretUnicodeWord>},
        {.name = "client-secret-stops-at-nul", .description = "checks client_secret as a C string, up to its first NUL",
         .kills = {breaks({"cs.request.client_secret.grammar"})}, .profiles = {"builtin-self"},
         .make = make<SecretStopsAtNul>},
        {.name = "client-secret-length-only", .description = "checks only that client_secret has 1 to 255 bytes, not its characters",
         .kills = {breaks({"cs.request.client_secret.grammar"})},
         .profiles = {"builtin-self"}, .make = make<SecretLengthOnly>},
        {.name = "lenient-json",
         .description = "reads bodies as JSON5: comments, trailing commas, single quotes, NaN, Infinity, +1, 0x1F, 017",
         .kills = {breaks(json_object())},
         .make = make<LenientJson>},
        {.name = "reads-first-json-value", .description = "reads the body's first JSON value and ignores whatever follows it",
         .kills = {breaks(json_object())}, .make = make<ReadsFirstJsonValue>},
        {.name = "utf8-replaced", .description = "decodes a body that is not UTF-8 with U+FFFD for what is ill-formed, and goes on",
         .kills = {breaks({"cs.request.body.object", "cs.api.request_object", "cs.api.json_baseline", "cs.api.utf8*"})}, .make = make<Utf8Replaced>},
        {.name = "deep-nesting-500", .description = "parses the body recursively: nesting past 512 levels crashes it into a 500",
         .kills = {breaks({"cs.api.json_baseline"})}, .editions = ">= r0.4.0", .make = make<DeepNestingCrashes>},
        {.name = "strict-json-framework-error",
         .description = "refuses a byte-order mark, a repeated name or deep nesting in its framework's body parser, "
                        "whose 400 has neither errcode nor error",
         .kills = {breaks({"cs.error.both_keys*"})}, .editions = ">= r0.4.0",
         .make = make<StrictJsonBody<framework_error>>},
        {.name = "send-attempt-int32", .description = "keeps send_attempt in 32 bits: a larger one fails with 500",
         .kills = {breaks(unserved({"cs.request.send_attempt.type"}))}, .make = make<SendAttemptInt32>},
        {.name = "send-attempt-as-double", .description = "reads send_attempt as a double: 3.0000000000000001 is taken for 3",
         .kills = {breaks({"cs.request.send_attempt.type"})}, .make = make<SendAttemptAsDouble>},
        {.name = "send-attempt-any-type",
         .description = "reads send_attempt as a loosely typed language would: true is 1, null 0, \"5\" 5, [x] 1",
         .kills = {breaks({"cs.request.send_attempt.type*", "cs.request.send_attempt.required*", "cs.request.via_register.r0_3"})}, .make = make<SendAttemptAnyType>},
        {.name = "next-link-type-ignored", .description = "drops a next_link that is not a string, and serves the request",
         .kills = {breaks({"cs.request.next_link.type"})}, .make = make<NextLinkTypeIgnored>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
