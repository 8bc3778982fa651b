#include "suite/derive.hpp"

#include <algorithm>
#include <array>

#include "spec/phone.hpp"

namespace mx3pid::suite {
namespace {

using nlohmann::json;
using spec::JsonType;

constexpr std::array<std::pair<InputFamily, std::string_view>, 13> family_names{{
    {InputFamily::characters, "characters"},
    {InputFamily::out_of_range, "out-of-range"},
    {InputFamily::boundaries, "boundaries"},
    {InputFamily::types, "types"},
    {InputFamily::absent, "absent"},
    {InputFamily::fractions, "fractions"},
    {InputFamily::wide_integers, "wide-integers"},
    {InputFamily::huge_numbers, "huge-numbers"},
    {InputFamily::spellings, "spellings"},
    {InputFamily::non_object_bodies, "non-object-bodies"},
    {InputFamily::malformed_bodies, "malformed-bodies"},
    {InputFamily::tolerated_bodies, "tolerated-bodies"},
    {InputFamily::accepted_bodies, "accepted-bodies"},
}};

std::vector<std::string> strings(const std::vector<std::string_view>& views) { return {views.begin(), views.end()}; }

std::vector<std::string> joined(std::initializer_list<const std::vector<std::string_view>*> lists) {
    std::vector<std::string> all;
    for (const auto* list : lists)
        for (auto id : *list)
            if (std::find(all.begin(), all.end(), id) == all.end()) all.emplace_back(id);
    return all;
}

std::string utf8(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// --- which inputs each family derives ---------------------------------------------------------------

/// The few derived inputs a quick run asks beside the hand-written cases: each catches a kind of
/// mistake no hand-written case reaches (a '$' that takes a final line feed, a check that stops at
/// a NUL, a 32-bit send_attempt, a lenient JSON parser, a Content-Type demanded).
bool quick_character(std::string_view field, std::string_view name) {
    static const std::vector<std::pair<std::string_view, std::string_view>> quick{
        {"client_secret", "line-feed-last"}, {"client_secret", "nul-middle"}};
    return std::find(quick.begin(), quick.end(), std::pair{field, name}) != quick.end();
}

std::string_view position_name(Position position) {
    return position == Position::first ? "first" : position == Position::middle ? "middle" : "last";
}

std::vector<DerivedInput> characters(const spec::Field& field) {
    std::vector<DerivedInput> inputs;
    if (!field.grammar) return inputs;
    const auto& grammar = *field.grammar;
    // The one MUST grammar of a request body gets every class; the others, the classes every grammar gets.
    const bool every_class = &grammar == &spec::opaque_id_grammar();
    std::vector<Position> positions{Position::first, Position::middle, Position::last};
    if (grammar.fixed_length() && grammar.max_length < 3) positions = {Position::first, Position::last};
    for (const auto& character : character_classes()) {
        if (grammar.allows(character.code_point) || !(every_class || character.core)) continue;
        for (auto position : positions) {
            DerivedInput input;
            input.field = std::string(field.name);
            input.family = InputFamily::characters;
            input.name = std::string(character.name) + "-" + std::string(position_name(position));
            const auto where = grammar.fixed_length()
                                   ? std::string(" in place of its ") + std::string(position_name(position)) + " character"
                                   : position == Position::middle ? std::string(" in the middle")
                                                                  : " as its " + std::string(position_name(position)) + " character";
            input.describes = std::string(character.describes) + where;
            input.depth = quick_character(field.name, input.name) ? Depth::quick : Depth::full;
            input.sentences = strings(field.sentences.characters);
            input.edit = {Edit::Kind::insert, character.code_point, position, 0, {}};
            inputs.push_back(std::move(input));
        }
    }
    return inputs;
}

DerivedInput sized(const spec::Field& field, InputFamily family, std::size_t length, Depth depth,
                   const std::vector<std::string_view>& sentences) {
    DerivedInput input;
    input.field = std::string(field.name);
    input.family = family;
    // A value the grammar allows is named for where it sits in the range, one outside it for its length.
    input.name = family == InputFamily::boundaries ? (length == field.grammar->min_length ? "shortest" : "longest")
                 : length == 0                     ? "empty"
                                                   : "length-" + std::to_string(length);
    input.describes = length == 0 ? "an empty string" : std::to_string(length) + " characters";
    input.depth = depth;
    input.sentences = strings(sentences);
    input.edit = {Edit::Kind::resize, 0, Position::first, length, {}};
    return input;
}

}  // namespace

DerivedInput resized_input(std::string_view field, std::size_t length) {
    DerivedInput input;
    input.field = std::string(field);
    input.family = InputFamily::boundaries;
    input.name = "length-" + std::to_string(length);
    input.describes = std::to_string(length) + " characters";
    input.edit = {Edit::Kind::resize, 0, Position::first, length, {}};
    return input;
}

namespace {

std::vector<DerivedInput> out_of_range(const spec::Field& field) {
    std::vector<DerivedInput> inputs;
    const auto& s = field.sentences;
    if (field.type != JsonType::string) return inputs;
    if (!field.grammar) {
        inputs.push_back(sized(field, InputFamily::out_of_range, 0, Depth::full, s.characters));
        return inputs;
    }
    const auto& grammar = *field.grammar;
    const bool opaque = &grammar == &spec::opaque_id_grammar();
    if (grammar.min_length > 0) inputs.push_back(sized(field, InputFamily::out_of_range, 0, Depth::full, s.min_length.empty() ? s.characters : s.min_length));
    if (grammar.min_length > 1)
        inputs.push_back(sized(field, InputFamily::out_of_range, grammar.min_length - 1, Depth::full, s.min_length));
    if (grammar.max_length > 0)
        inputs.push_back(sized(field, InputFamily::out_of_range, grammar.max_length + 1, Depth::full, s.max_length));
    return inputs;
}

std::vector<DerivedInput> boundaries(const spec::Field& field) {
    std::vector<DerivedInput> inputs;
    if (!field.grammar || field.grammar->fixed_length()) return inputs;
    const auto& grammar = *field.grammar;
    const bool opaque = &grammar == &spec::opaque_id_grammar();
    if (grammar.min_length > 0 && grammar.max_length != grammar.min_length)
        inputs.push_back(sized(field, InputFamily::boundaries, grammar.min_length, Depth::full, field.sentences.min_length));
    if (grammar.max_length > 0)
        inputs.push_back(sized(field, InputFamily::boundaries, grammar.max_length, Depth::full, field.sentences.max_length));
    return inputs;
}

std::vector<DerivedInput> types(const spec::Field& field) {
    std::vector<DerivedInput> inputs;
    if (field.type == JsonType::object) return inputs;  // the body's own type: malformed bodies
    for (auto type : {JsonType::string, JsonType::number, JsonType::boolean, JsonType::null, JsonType::array, JsonType::object}) {
        if (type == field.type || (field.type == JsonType::integer && type == JsonType::number)) continue;  // fractions
        // A null where a field is optional reads as the field left out, which it may be.
        if (type == JsonType::null && field.presence != spec::Presence::required) continue;
        DerivedInput input;
        input.field = std::string(field.name);
        input.family = InputFamily::types;
        input.name = "type-" + std::string(spec::to_string(type));
        input.describes = type == JsonType::null ? "null" : type == JsonType::array || type == JsonType::object
                                                                ? "an " + std::string(spec::to_string(type))
                                                                : "a " + std::string(spec::to_string(type));
        input.depth = Depth::full;
        input.sentences = strings(field.sentences.type);
        input.edit = {Edit::Kind::json_value, 0, Position::first, 0, std::string(spec::to_string(type))};
        inputs.push_back(std::move(input));
    }
    return inputs;
}

std::vector<DerivedInput> absent(const spec::Field& field) {
    if (field.name == "body") return {};
    DerivedInput input;
    input.field = std::string(field.name);
    input.family = InputFamily::absent;
    input.name = "absent";
    input.describes = "left out";
    input.depth = Depth::full;
    input.sentences = strings(field.sentences.presence);
    input.edit = {Edit::Kind::remove, 0, Position::first, 0, {}};
    return {input};
}

DerivedInput number(const spec::Field& field, InputFamily family, std::string literal, std::string describes, Depth depth) {
    DerivedInput input;
    input.field = std::string(field.name);
    input.family = family;
    input.name = family == InputFamily::fractions ? (literal == "2.5" ? "fraction" : "precise-fraction") : literal;
    input.describes = std::move(describes);
    input.depth = depth;
    input.sentences = strings(field.sentences.type);
    input.edit = {Edit::Kind::json_value, 0, Position::first, 0, std::move(literal)};
    return input;
}

std::vector<DerivedInput> numbers(const spec::Field& field, InputFamily family) {
    if (field.type != JsonType::integer) return {};
    switch (family) {
        case InputFamily::fractions:
            return {number(field, family, "2.5", "2.5, a number with a fraction", Depth::full),
                    number(field, family, "3.0000000000000001", "3.0000000000000001, a fraction a double cannot hold", Depth::full)};
        case InputFamily::wide_integers:
            return {number(field, family, "2147483648", "2147483648 (2^31), past a 32-bit integer", Depth::quick),
                    number(field, family, "9007199254740991", "9007199254740991 (2^53 - 1), the largest integer JSON numbers carry exactly", Depth::full)};
        case InputFamily::huge_numbers:
            return {number(field, family, "18446744073709551616", "18446744073709551616 (2^64), past a 64-bit integer", Depth::full),
                    number(field, family, "1e400", "1e400, past what a double holds", Depth::full)};
        default: return {};
    }
}

DerivedInput spelling(const spec::Field& field, std::string name, std::string describes, std::string editions,
                      std::vector<std::string> sentences) {
    DerivedInput input;
    input.field = std::string(field.name);
    input.family = InputFamily::spellings;
    input.name = name;
    input.describes = std::move(describes);
    input.editions = std::move(editions);
    input.sentences = std::move(sentences);
    input.edit = {Edit::Kind::spell, 0, Position::first, 0, std::move(name)};
    return input;
}

std::vector<DerivedInput> spellings(const spec::Field& field) {
    if (field.name == "email")
        return {spelling(field, "upper-case-domain", "the domain in upper case", "*", {"cs.threepid.canonical", "cs.threepid.email.domain_case"}),
                spelling(field, "upper-case-local-part", "the local part in upper case", ">= v1.1", {"cs.threepid.email.case_fold"})};
    if (field.name == "phone_number")
        return {spelling(field, "separators", "spaces and a dash between the digits", "*", {"cs.request.country.dialled_from", "cs.threepid.msisdn.form"}),
                spelling(field, "international", "the international form, + and the calling code first", "*",
                         {"cs.request.country.dialled_from", "cs.threepid.msisdn.form"})};
    return {};
}

DerivedInput body(const spec::Field& field, InputFamily family, std::string name, std::string describes, Depth depth,
                  std::vector<std::string> sentences) {
    DerivedInput input;
    input.field = std::string(field.name);
    input.family = family;
    input.name = name;
    input.describes = std::move(describes);
    input.depth = depth;
    input.sentences = std::move(sentences);
    input.edit = {family == InputFamily::accepted_bodies ? Edit::Kind::no_content_type : Edit::Kind::body, 0, Position::first, 0,
                  std::move(name)};
    return input;
}

std::vector<DerivedInput> bodies(const spec::Field& field, InputFamily family) {
    if (field.name != "body") return {};
    const auto& s = field.sentences;
    const auto not_json = joined({&s.type});
    const auto quick = Depth::quick, full = Depth::full;
    const auto f = family;
    switch (family) {
        case InputFamily::non_object_bodies:
            return {body(field, f, "not-json", "form-encoded parameters, not JSON", full, not_json),
                    body(field, f, "array", "a JSON array holding the valid object", full, not_json),
                    body(field, f, "empty", "empty", full, joined({&s.presence, &s.type})),
                    body(field, f, "string", "a JSON string holding the valid object's text", full, not_json)};
        case InputFamily::malformed_bodies:
            return {body(field, f, "nan", "the valid object with a NaN literal in it", quick, not_json),
                    body(field, f, "infinity", "the valid object with an Infinity literal in it", full, not_json),
                    body(field, f, "plus-sign", "the valid object with a number written +1", full, not_json),
                    body(field, f, "hex-number", "the valid object with a number written 0x1F", full, not_json),
                    body(field, f, "leading-zero", "the valid object with a number written 017", full, not_json),
                    body(field, f, "trailing-comma", "the valid object with a comma after its last member", full, not_json),
                    body(field, f, "comment", "the valid object with a /* comment */ in it", full, not_json),
                    body(field, f, "single-quotes", "the valid object with a key in single quotes", full, not_json),
                    body(field, f, "trailing-data", "the valid object followed by a second JSON value", full, not_json),
                    body(field, f, "invalid-utf8", "the valid object with a byte that is not UTF-8 in a string", full,
                         joined({&s.characters, &s.type}))};
        case InputFamily::tolerated_bodies:
            return {body(field, f, "byte-order-mark", "the valid object after a UTF-8 byte-order mark", full, not_json),
                    body(field, f, "duplicate-key", "the valid object with one key twice, with the same value", full, not_json),
                    body(field, f, "deep-nesting", "the valid object with an array nested 1000 deep in it", full, not_json)};
        case InputFamily::accepted_bodies: {
            auto input = body(field, f, "no-content-type", "the valid object sent without a Content-Type", quick,
                              {"cs.api.request_content_type.optional"});
            input.editions = ">= v1.4";
            return {input};
        }
        default: return {};
    }
}

// --- applying an input to a valid body --------------------------------------------------------------

/// A deterministic stream of numbers from one seed (splitmix64).
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t state_;
};

/// What stands for a field the valid body lacks, so that an input has a value to change.
std::string stand_in(std::string_view field) {
    if (field == "id_server") return "id.mx3pid.invalid";
    if (field == "id_access_token") return "mx3pidtoken";
    if (field == "next_link") return "https://client.mx3pid.invalid/validated";
    return "mx3pid";
}

std::string base_text(const json& valid, const std::string& field) {
    auto found = valid.find(field);
    if (found != valid.end() && found->is_string()) return found->get<std::string>();
    if (found != valid.end() && found->is_number()) return dump(*found);
    return stand_in(field);
}

/// Splits `text` at a code-point boundary for `position`.
std::size_t split_at(const std::string& text, Position position) {
    if (position == Position::first) return 0;
    if (position == Position::last) return text.size();
    auto at = text.size() / 2;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
    return at;
}

/// The JSON string text of `left` + the character + `right`.
std::string string_with(const std::string& left, char32_t c, const std::string& right) { return dump(json(left + utf8(c) + right)); }

/// The grammar of the field named so, in whichever edition it has one; null: none in any.
const spec::Grammar* grammar_of(std::string_view field_name) {
    for (const auto& field : spec::fields())
        if (field.name == field_name && field.grammar) return field.grammar;
    return nullptr;
}

std::string inserted(const DerivedInput& input, const std::string& base) {
    const auto c = input.edit.code_point;
    const auto* grammar = grammar_of(input.field);
    // A fixed-length value keeps its length: the character takes the place of the one there.
    if (grammar && grammar->fixed_length() && !base.empty()) {
        const auto at = input.edit.position == Position::first ? 0 : base.size() - 1;
        return string_with(base.substr(0, at), c, base.substr(at + 1));
    }
    const auto at = split_at(base, input.edit.position);
    return string_with(base.substr(0, at), c, base.substr(at));
}

/// The grammar's printable ASCII characters, to make values of a length from.
std::string alphabet_of(std::string_view field_name) {
    const auto* grammar = grammar_of(field_name);
    std::string alphabet;
    for (char32_t c = 0x21; c < 0x7F; ++c)
        if (!grammar || grammar->allows(c)) alphabet += static_cast<char>(c);
    return alphabet;
}

std::string resized(const DerivedInput& input, const std::string& base, std::uint64_t entropy) {
    const auto length = input.edit.length;
    if (length == 0) return dump(json(""));
    const auto alphabet = alphabet_of(input.field);
    Random random(entropy ^ length);
    std::string value = base.substr(0, std::min(base.size(), length));
    while (value.size() < length) value += alphabet[random.next() % alphabet.size()];
    // The shortest value is fresh too: a character of its own, not the base's first, and the
    // entropy's own, so that consecutive entropies (a case's units in one run) differ.
    if (length < base.size()) value[length - 1] = alphabet[entropy % alphabet.size()];
    return dump(json(value));
}

std::string typed(const std::string& type, const json& valid, const std::string& field) {
    auto found = valid.find(field);
    const json value = found != valid.end() ? *found : json(stand_in(field));
    if (type == "string") return dump(json(value.is_string() ? value.get<std::string>() : dump(value)));
    if (type == "number") return "12345";
    if (type == "integer") return "12345";
    if (type == "boolean") return "true";
    if (type == "null") return "null";
    if (type == "array") return dump(json::array({value}));
    return dump(json{{"value", value}});
}

std::string spelled(const std::string& how, const json& valid, const std::string& field) {
    const auto address = base_text(valid, field);
    auto upper = [](std::string text) {
        for (auto& c : text)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        return text;
    };
    if (how == "upper-case-domain" || how == "upper-case-local-part") {
        const auto at = address.find('@');
        if (at == std::string::npos) return dump(json(upper(address)));
        const auto local = address.substr(0, at), domain = address.substr(at + 1);
        return dump(json(how == "upper-case-domain" ? local + "@" + upper(domain) : upper(local) + "@" + domain));
    }
    std::string digits;
    for (char c : address)
        if (c >= '0' && c <= '9') digits += c;
    if (how == "international") {
        const auto country = valid.value("country", "");
        const auto code = spec::calling_code(country);
        const auto international = spec::international_msisdn(country, digits);
        return dump(json("+" + (code ? std::string(*code) + " " + international.substr(code->size()) : international)));
    }
    // separators: "7700 900-001"
    std::string spaced;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i % 3 == 1 && i + 1 < digits.size()) spaced += i % 2 ? ' ' : '-';
        spaced += digits[i];
    }
    return dump(json(spaced));
}

/// The body text with one extra member (its JSON text `member`) before the closing brace.
std::string with_member(const std::string& object, const std::string& member) {
    const auto close = object.rfind('}');
    const bool empty = object.find_first_not_of(" {") == close;
    return object.substr(0, close) + (empty ? "" : ",") + member + object.substr(close);
}

std::string body_text(const std::string& how, const json& valid) {
    const auto text = dump(valid);
    if (how == "not-json") {
        std::string form;
        for (const auto& [key, value] : valid.items())
            form += (form.empty() ? "" : "&") + key + "=" + (value.is_string() ? value.get<std::string>() : dump(value));
        return form;
    }
    if (how == "array") return "[" + text + "]";
    if (how == "empty") return "";
    if (how == "string") return dump(json(text));
    if (how == "nan") return with_member(text, "\"mx3pid_number\":NaN");
    if (how == "infinity") return with_member(text, "\"mx3pid_number\":Infinity");
    if (how == "plus-sign") return with_member(text, "\"mx3pid_number\":+1");
    if (how == "hex-number") return with_member(text, "\"mx3pid_number\":0x1F");
    if (how == "leading-zero") return with_member(text, "\"mx3pid_number\":017");
    if (how == "trailing-comma") return text.substr(0, text.rfind('}')) + ",}";
    if (how == "comment") return "{/* mx3pid */" + text.substr(1);
    if (how == "single-quotes") return with_member(text, "'mx3pid_key':1");
    if (how == "trailing-data") return text + "\n{}";
    if (how == "invalid-utf8") return with_member(text, "\"mx3pid_text\":\"\xff\"");
    if (how == "byte-order-mark") return "\xEF\xBB\xBF" + text;
    if (how == "duplicate-key") {
        const auto first = valid.begin();
        return first == valid.end() ? text : with_member(text, dump(json(first.key())) + ":" + dump(first.value()));
    }
    if (how == "deep-nesting") return with_member(text, "\"mx3pid_nested\":" + std::string(1000, '[') + std::string(1000, ']'));
    return text;
}

}  // namespace

std::string_view to_string(Depth depth) { return depth == Depth::quick ? "quick" : "full"; }

std::optional<Depth> parse_depth(std::string_view text) {
    if (text == "quick") return Depth::quick;
    if (text == "full") return Depth::full;
    return std::nullopt;
}

std::string_view to_string(InputFamily family) {
    for (const auto& [value, name] : family_names)
        if (value == family) return name;
    return "?";
}

std::optional<InputFamily> parse_family(std::string_view text) {
    for (const auto& [value, name] : family_names)
        if (name == text) return value;
    return std::nullopt;
}

const std::vector<CharacterClass>& character_classes() {
    static const std::vector<CharacterClass> classes{
        {"space", "a space (U+0020)", U' ', true},
        {"punctuation", "an exclamation mark (U+0021)", U'!'},
        {"slash", "a slash (U+002F)", U'/', true},
        {"at-sign", "an at sign (U+0040)", U'@', true},
        {"comma", "a comma (U+002C)", U','},
        {"angle-bracket", "an angle bracket (U+003C)", U'<'},
        {"backslash", "a backslash (U+005C)", U'\\'},
        {"tilde", "a tilde (U+007E), which the opaque-identifier grammar allows", U'~'},
        {"lower-case", "a lower-case letter (U+0061)", U'a', true},
        {"nul", "NUL (U+0000)", U'\0', true},
        {"tab", "a tab (U+0009)", U'\t'},
        {"line-feed", "a line feed (U+000A)", U'\n', true},
        {"carriage-return", "a carriage return (U+000D)", U'\r'},
        {"delete", "DEL (U+007F)", U'\x7f'},
        {"latin-letter", "a non-ASCII letter (U+00E9)", U'\u00e9', true},
        {"fullwidth-digit", "a fullwidth digit one (U+FF11)", U'\uff11'},
        {"kelvin-sign", "the Kelvin sign (U+212A), which case-insensitive matching takes for k", U'\u212a'},
        {"zero-width-space", "a zero-width space (U+200B)", U'\u200b'},
        {"line-separator", "a line separator (U+2028)", U'\u2028'},
        {"emoji", "an emoji outside the Basic Multilingual Plane (U+1F600)", U'\U0001F600', true},
    };
    return classes;
}

std::vector<DerivedInput> derive_inputs(const spec::Field& field, InputFamily family) {
    switch (family) {
        case InputFamily::characters: return characters(field);
        case InputFamily::out_of_range: return out_of_range(field);
        case InputFamily::boundaries: return boundaries(field);
        case InputFamily::types: return types(field);
        case InputFamily::absent: return absent(field);
        case InputFamily::fractions:
        case InputFamily::wide_integers:
        case InputFamily::huge_numbers: return numbers(field, family);
        case InputFamily::spellings: return spellings(field);
        case InputFamily::non_object_bodies:
        case InputFamily::malformed_bodies:
        case InputFamily::tolerated_bodies:
        case InputFamily::accepted_bodies: return bodies(field, family);
    }
    return {};
}

DerivedBody apply_input(const DerivedInput& input, const json& valid, std::uint64_t entropy) {
    const auto& edit = input.edit;
    switch (edit.kind) {
        case Edit::Kind::body: return {body_text(edit.text, valid), true};
        case Edit::Kind::no_content_type: return {dump(valid), false};
        case Edit::Kind::remove: {
            auto body = valid;
            body.erase(input.field);
            return {dump(body), true};
        }
        default: break;
    }
    std::string value;
    switch (edit.kind) {
        case Edit::Kind::insert: value = inserted(input, base_text(valid, input.field)); break;
        case Edit::Kind::resize: value = resized(input, base_text(valid, input.field), entropy); break;
        case Edit::Kind::spell: value = spelled(edit.text, valid, input.field); break;
        case Edit::Kind::json_value:
            value = input.family == InputFamily::types ? typed(edit.text, valid, input.field) : edit.text;
            break;
        default: break;
    }
    // The value goes in as JSON text written out, so that what no JSON library writes (an escaped
    // 2^64, a fraction a double rounds away) is sent as derived.
    static const std::string placeholder = "\x01mx3pid-derived-value\x01";
    auto body = valid;
    body[input.field] = placeholder;
    auto text = dump(body);
    const auto quoted = dump(json(placeholder));
    if (auto at = text.find(quoted); at != std::string::npos) text.replace(at, quoted.size(), value);
    return {text, true};
}

}  // namespace mx3pid::suite
