#include "suite/detail/field_coverage.hpp"

#include <algorithm>
#include <array>
#include <ostream>

#include "suite/derived_cases.hpp"

namespace mx3pid::suite::detail {
namespace {

constexpr std::array all_aspects{Aspect::presence, Aspect::type, Aspect::characters, Aspect::lengths};

constexpr std::array all_families{
    InputFamily::characters,        InputFamily::out_of_range,     InputFamily::boundaries,       InputFamily::types,
    InputFamily::absent,            InputFamily::fractions,        InputFamily::wide_integers,    InputFamily::huge_numbers,
    InputFamily::spellings,         InputFamily::non_object_bodies, InputFamily::malformed_bodies, InputFamily::tolerated_bodies,
    InputFamily::accepted_bodies,
};

/// The aspect a family's inputs break or test; spellings test how addresses compare, none of these.
std::optional<Aspect> aspect_of(InputFamily family) {
    switch (family) {
        case InputFamily::characters: return Aspect::characters;
        case InputFamily::out_of_range:
        case InputFamily::boundaries: return Aspect::lengths;
        case InputFamily::absent: return Aspect::presence;
        case InputFamily::spellings: return std::nullopt;
        default: return Aspect::type;
    }
}

/// Whether an input of `family` counts for `aspect`: its family's aspect, or presence for an input
/// that breaks the field's presence (the empty body).
bool counts_for(const FamilyCoverage& family, Aspect aspect, const std::vector<DerivedInput>& inputs, const spec::Field& field) {
    if (aspect_of(family.family) == aspect) return true;
    if (aspect != Aspect::presence) return false;
    return std::any_of(inputs.begin(), inputs.end(), [&](const DerivedInput& input) {
        return std::any_of(input.sentences.begin(), input.sentences.end(), [&](const std::string& id) {
            return std::find(field.sentences.presence.begin(), field.sentences.presence.end(), id) != field.sentences.presence.end();
        });
    });
}

std::string article(std::string_view noun) {
    return std::string(noun.find_first_of("aeiou") == 0 ? "an " : "a ") + std::string(noun);
}

/// Why the definition gives no input for `aspect` in the edition, when the derivation itself gives none.
std::string nothing_to_derive(const spec::Field& field, Aspect aspect) {
    switch (aspect) {
        case Aspect::presence:
            if (field.name == "body") return "the request itself: a request always has a body (an empty one is under type)";
            if (field.presence == spec::Presence::required_when_proxying)
                return "required only of a request to a server that forwards to the identity server it names; a server "
                       "validating itself may ignore it, so no rule every server keeps refuses it left out";
            return "optional: a request without it is valid, so leaving it out breaks nothing";
        case Aspect::type: return "no JSON type other than its own is defined for it";
        case Aspect::characters:
            if (!field.grammar) return field.no_grammar.empty() ? std::string("no grammar") : std::string(field.no_grammar);
            return "every character class the derivation knows is inside the grammar";
        case Aspect::lengths:
            if (field.type != spec::JsonType::string) return article(spec::to_string(field.type)) + ": it has no length";
            if (!field.grammar) return "no grammar: an empty value breaks nothing the spec says of it";
            return "the grammar sets no length limit";
    }
    return {};
}

/// The sentences the derivation's inputs for `aspect` name, whatever the edition.
std::vector<std::string> named_sentences(const spec::Field& field, Aspect aspect) {
    std::vector<std::string> ids;
    for (auto family : all_families) {
        if (aspect_of(family) != aspect || (family == InputFamily::absent && field.presence != spec::Presence::required)) continue;
        for (const auto& input : derive_inputs(field, family))
            for (const auto& id : input.sentences)
                if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
}

/// The catalogue's records of `edition` that a named sentence's ID begins (`cs.request.email.type`
/// → `cs.request.email.type.r0_3`): the same rule for this edition, which the field's definition
/// does not cite.
std::vector<std::string> uncited_records(const std::vector<std::string>& named, const spec::Edition& edition,
                                         const Catalogue& catalogue) {
    std::vector<std::string> found;
    for (auto id : named) {
        if (!id.empty() && id.back() == '*') id.pop_back();
        for (const auto* sentence : catalogue.matching(id + ".*"))
            if (sentence->holds_in(edition) && std::find(found.begin(), found.end(), sentence->id) == found.end())
                found.push_back(sentence->id);
    }
    return found;
}

std::string listed(const std::vector<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
    return text;
}

/// The state of an aspect no input derives for in `edition`: untestable, and why, when the spec
/// gives nothing to derive; uncovered when the catalogue records a rule for it in the edition that
/// the field's definition does not cite, so that no input derives from a rule the spec states.
AspectCoverage nothing_derived(const spec::Field& field, Aspect aspect, const spec::Edition& edition, const Catalogue& catalogue) {
    const auto named = named_sentences(field, aspect);
    if (named.empty()) return {aspect, Covered::untestable, nothing_to_derive(field, aspect)};
    if (const auto uncited = uncited_records(named, edition, catalogue); !uncited.empty())
        return {aspect, Covered::uncovered,
                "the catalogue records " + listed(uncited) + " in " + edition.name() +
                    ", which the field's definition (spec/fields.cpp) does not cite: no input derives from it"};
    return {aspect, Covered::untestable,
            "the catalogue records no sentence of " + edition.name() + " that its inputs would break (" + listed(named) + ")"};
}

/// The derived cases of `edition` sending an input derived from `field`, by family.
std::vector<std::pair<InputFamily, std::string>> derived_cases(const Suite& suite, const spec::Field& field,
                                                                const spec::Edition& edition) {
    std::vector<std::pair<InputFamily, std::string>> found;
    for (const auto& instance : expand(suite.templates)) {
        const auto& derived = instance.source->steps.front().request.derived;
        // A hand-written case may send a derived value (resize: {client_secret: 255}); only a derive: entry's cases count.
        if (!derived || instance.source->kind != derived->field + "." + derived->name || !instance.applies_in(edition)) continue;
        if (spec::find_field(derived->field, *instance.endpoint, edition) == &field) found.emplace_back(derived->family, instance.id);
    }
    return found;
}

AspectCoverage aspect_coverage(const spec::Field& field, const spec::Edition& edition, const Catalogue& catalogue, Aspect aspect,
                               const std::vector<FamilyCoverage>& families, const std::vector<std::vector<DerivedInput>>& inputs) {
    bool derivable = false, asked = false;
    for (std::size_t i = 0; i < families.size(); ++i) {
        if (!counts_for(families[i], aspect, inputs[i], field)) continue;
        derivable = true;
        asked = asked || !families[i].cases.empty();
    }
    if (!derivable) return nothing_derived(field, aspect, edition, catalogue);
    return {aspect, asked ? Covered::covered : Covered::uncovered, {}};
}

FieldCoverage one_field(const Suite& suite, const spec::Field& field, const spec::Edition& edition) {
    FieldCoverage entry{&field, {}, {}};
    std::vector<std::vector<DerivedInput>> inputs;
    const auto cases = derived_cases(suite, field, edition);
    for (auto family : all_families) {
        auto derived = inputs_in(field, family, edition, suite.catalogue);
        if (derived.empty()) continue;
        FamilyCoverage one{family, {}, {}};
        for (const auto& input : derived) one.inputs.push_back(input.name);
        for (const auto& [case_family, id] : cases)
            if (case_family == family) one.cases.push_back(id);
        entry.families.push_back(std::move(one));
        inputs.push_back(std::move(derived));
    }
    for (auto aspect : all_aspects) entry.aspects.push_back(aspect_coverage(field, edition, suite.catalogue, aspect, entry.families, inputs));
    return entry;
}

bool documented_somewhere(const spec::Field& field, const spec::Edition& edition) {
    const auto& endpoints = spec::endpoints();
    return std::any_of(endpoints.begin(), endpoints.end(),
                       [&](const spec::Endpoint& endpoint) { return field.applies_to(endpoint) && endpoint.documented_in(edition); });
}

std::string_view presence_text(spec::Presence presence) {
    switch (presence) {
        case spec::Presence::required: return "required";
        case spec::Presence::optional: return "optional";
        case spec::Presence::required_when_proxying: return "required when the server forwards to the identity server it names";
    }
    return "?";
}

std::string joined(const std::vector<std::string>& items, std::size_t most) {
    std::string text;
    for (std::size_t i = 0; i < items.size() && i < most; ++i) text += (i == 0 ? "" : ", ") + items[i];
    if (items.size() > most) text += ", …";
    return text;
}

std::string endpoints_text(const spec::Field& field) {
    return joined(std::vector<std::string>(field.endpoints.begin(), field.endpoints.end()), field.endpoints.size());
}

std::string grammar_text(const spec::Field& field) {
    if (field.grammar) return std::string(field.grammar->written);
    return field.no_grammar.rfind("no grammar", 0) == 0 ? std::string(field.no_grammar) : "no grammar: " + std::string(field.no_grammar);
}

std::string_view state_text(Covered state) {
    return state == Covered::covered ? "covered" : state == Covered::untestable ? "untestable" : "uncovered";
}

std::string count_text(std::size_t count, std::string_view one) {
    return std::to_string(count) + " " + std::string(one) + (count == 1 ? "" : "s");
}

void write_field_text(const FieldCoverage& entry, std::ostream& out) {
    const auto& field = *entry.field;
    out << field.name << "  " << spec::to_string(field.type) << ", " << presence_text(field.presence) << "  on "
        << endpoints_text(field) << "  (this definition: " << field.editions << ")\n";
    out << "    grammar: " << grammar_text(field) << "\n";
    for (const auto& family : entry.families) {
        out << "    " << to_string(family.family) << ": " << count_text(family.inputs.size(), "input") << " ("
            << joined(family.inputs, 4) << "), ";
        if (family.cases.empty()) out << "no case: no derive: entry asks them\n";
        else out << count_text(family.cases.size(), "case") << ": " << joined(compact_case_ids(family.cases), 3) << "\n";
    }
    for (const auto& aspect : entry.aspects) {
        out << "    " << to_string(aspect.aspect) << ": ";
        if (aspect.state == Covered::covered) out << "derived\n";
        else if (aspect.state == Covered::untestable) out << "nothing to derive: " << aspect.why << "\n";
        else if (aspect.why.empty()) out << "UNCOVERED: inputs derive from it and no derived case sends one\n";
        else out << "UNCOVERED: " << aspect.why << "\n";
    }
}

}  // namespace

std::vector<FieldCoverage> field_coverage_of(const Suite& suite, const spec::Edition& edition) {
    std::vector<FieldCoverage> fields;
    for (const auto& field : spec::fields())
        if (field.holds_in(edition) && documented_somewhere(field, edition)) fields.push_back(one_field(suite, field, edition));
    return fields;
}

void write_fields_text(const Coverage& coverage, std::ostream& out) {
    out << "\nmx3pid coverage: the request fields of " << coverage.edition.name()
        << ", their grammars and schemas, and the inputs derived from them at full depth (an aspect is covered when a "
           "derived case sends an input of it)\n\n";
    for (const auto& entry : coverage.fields) write_field_text(entry, out);
    out << "\n" << coverage.fields_line() << "\n";
}

nlohmann::ordered_json fields_json(const Coverage& coverage) {
    using Json = nlohmann::ordered_json;
    Json fields = Json::array();
    for (const auto& entry : coverage.fields) {
        const auto& field = *entry.field;
        Json one;
        one["name"] = field.name;
        one["endpoints"] = std::vector<std::string>(field.endpoints.begin(), field.endpoints.end());
        one["editions"] = field.editions;
        one["type"] = spec::to_string(field.type);
        one["presence"] = presence_text(field.presence);
        one["grammar"] = field.grammar ? Json(field.grammar->written) : Json(nullptr);
        one["no_grammar"] = field.no_grammar;
        one["families"] = Json::array();
        for (const auto& family : entry.families)
            one["families"].push_back({{"family", to_string(family.family)}, {"inputs", family.inputs}, {"cases", family.cases}});
        one["aspects"] = Json::array();
        for (const auto& aspect : entry.aspects)
            one["aspects"].push_back({{"aspect", to_string(aspect.aspect)}, {"state", state_text(aspect.state)}, {"why", aspect.why}});
        one["state"] = state_text(entry.state());
        fields.push_back(std::move(one));
    }
    return fields;
}

}  // namespace mx3pid::suite::detail
