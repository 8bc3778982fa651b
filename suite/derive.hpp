#pragma once
// Inputs derived from the spec's grammars and schemas (spec/fields.hpp) instead of listed by hand:
// each character class outside a field's grammar at the first, a middle and the last position; the
// length limits and one past them; every JSON type but the field's; the field left out; integers a
// server may store too narrowly; addresses in the other spellings the spec makes equal; bodies that
// are not JSON, or JSON a strict parser refuses and a lenient one takes. A case file asks for a
// family of them (`derive:`) and says how each is judged; every input becomes a case of its own,
// with a stable ID. The engine applies an input to the case's own valid request (apply_input), so
// boundary values are fresh in every run.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "spec/edition.hpp"
#include "spec/fields.hpp"

namespace mx3pid::suite {

/// How much a run asks: `quick`, the hand-written cases and a few derived inputs, or `full`, every input
/// derived from every grammar and schema.
enum class Depth { quick, full };
std::string_view to_string(Depth depth);
std::optional<Depth> parse_depth(std::string_view text);

/// Where a character outside the grammar goes in a valid value.
enum class Position { first, middle, last };

/// What a family of inputs does to a valid request; the case file judges each family as a whole.
enum class InputFamily {
    characters,      ///< a character class outside the grammar, at a position: refused
    out_of_range,    ///< empty, or one character past a length limit: refused
    boundaries,      ///< exactly at a length limit, fresh and random of the grammar: accepted
    types,           ///< every JSON type but the field's: refused
    absent,          ///< the field left out: refused when required, accepted when optional
    fractions,       ///< a number for an integer that is not one, however close: refused
    wide_integers,   ///< integers past 32 bits and up to 2^53 - 1, which a server may store too narrowly: accepted
    huge_numbers,    ///< numbers past what 64 bits hold: refused or accepted, never a 5xx
    spellings,       ///< the address in another spelling the spec makes equal: the same address
    non_object_bodies, ///< bodies that are no JSON object (not JSON, empty, an array, a string): refused
    malformed_bodies,  ///< an object written as only a lenient parser takes it (NaN, comments, bad UTF-8): refused
    tolerated_bodies,  ///< JSON a parser may take or refuse (a byte-order mark, duplicate keys, deep nesting)
    accepted_bodies,   ///< JSON a server must take as it is (no Content-Type, from v1.4)
};
std::string_view to_string(InputFamily family);  ///< as case files write it: "characters", "out-of-range", …
std::optional<InputFamily> parse_family(std::string_view text);

/// How an input changes the valid request.
struct Edit {
    enum class Kind {
        insert,          ///< `code_point` at `position` (a fixed-length value: replaces the character there)
        resize,          ///< the value made `length` characters long, from the grammar's characters
        json_value,      ///< the field's value is `text`, a JSON text written as it stands
        remove,          ///< the field is left out
        spell,           ///< the address spelled as `text` names a spelling (see spellings)
        body,            ///< the body's text made as `text` names (see malformed bodies)
        no_content_type, ///< the body as it is, sent without a Content-Type
    };
    Kind kind = Kind::json_value;
    char32_t code_point = 0;
    Position position = Position::first;
    std::size_t length = 0;
    std::string text;
};

struct DerivedInput {
    std::string field;       ///< the JSON key it changes; "body" for the body as a whole
    InputFamily family = InputFamily::characters;
    std::string name;        ///< its part of the case kind: "nul-middle", "length-256", "type-number", "absent"
    std::string describes;   ///< for the case title: "NUL (U+0000) as the middle character"
    Depth depth = Depth::full;
    /// Where it makes sense, when narrower than the field's definition ("*": wherever that holds).
    std::string editions = "*";
    /// The sentences of the field's definition it breaks, or (accepted) tests: what a case file's `$field` stands for.
    std::vector<std::string> sentences;
    Edit edit;
};

/// Every input of `family` derived from `field`'s definition, in a stable order. A family the field
/// gives nothing for (characters without a grammar, fractions for a string) yields none.
std::vector<DerivedInput> derive_inputs(const spec::Field& field, InputFamily family);

/// The input that makes `field`'s valid value `length` characters long from its grammar's characters,
/// fresh and random in every run: a hand-written case's `send: {resize: {FIELD: N}}`.
DerivedInput resized_input(std::string_view field, std::size_t length);

/// What a request carries once an input is applied.
struct DerivedBody {
    std::string text;           ///< the body as sent
    bool content_type = true;   ///< false: sent without a Content-Type
};

/// `valid` (the case's own valid body, a JSON object) with `input` applied; `entropy` (the case's
/// own randomness) makes its boundary values fresh. A value the field's valid body lacks is made
/// from a stand-in of its kind.
DerivedBody apply_input(const DerivedInput& input, const nlohmann::json& valid, std::uint64_t entropy);

/// One character class the derivation knows, whatever field it is outside of.
struct CharacterClass {
    std::string_view name;      ///< "nul"
    std::string_view describes; ///< "NUL (U+0000)"
    char32_t code_point;
    bool core = false;          ///< derived for every grammar; the others only for client_secret's
};
const std::vector<CharacterClass>& character_classes();

}  // namespace mx3pid::suite
