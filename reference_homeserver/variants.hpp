#pragma once
// The named built-in targets: the reference homeserver and its variants. A variant is a small
// named change over the reference's pipeline stages (detail/pipeline.hpp); its family file under
// variants/ holds the change and the metadata below.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reference_homeserver/epochs.hpp"
#include "reference_homeserver/homeserver.hpp"
#include "spec/validation.hpp"

namespace mx3pid::reference_homeserver {

namespace detail {
class Stages;
}

/// Sentences of the catalogue (cases/sentences/) a faulty variant breaks, and where the break is
/// visible. The cases that must fail (or warn, where all it breaks there is a SHOULD) are not
/// listed: they are those whose checks cite such a sentence, in the reference's run or the variant's.
struct Kill {
    std::vector<std::string_view> sentences;  ///< sentence IDs, or globs over them
    std::string editions = "*";               ///< an edition range (spec::EditionRange)
    std::vector<spec::Validation> modes = {};  ///< the validation modes it shows in; empty: every one
    std::string_view endpoints = "*";          ///< a glob over endpoint keys
};

/// What a run against a variant must show.
enum class Behaviour {
    faulty,      ///< fails exactly its kill set
    conformant,  ///< passes everything: it does something unusual but right
    hostile,     ///< cannot be judged: every case it touches ends in an error or is not run, none in a failure
};

std::string_view to_string(Behaviour behaviour);

struct Variant {
    std::string_view name;  ///< what `--homeserver builtin:NAME` takes
    Behaviour behaviour = Behaviour::faulty;
    std::string_view description;  ///< what it does differently, in one line
    /// Faulty only: the sentences it breaks, and where. It must break exactly these: every case
    /// citing one fails (or warns), no other case does, and every failed check names one of them.
    std::vector<Kill> kills = {};
    /// The built-in profiles (cases/profiles/NAME.yaml) it is judged under.
    std::vector<std::string_view> profiles = {"builtin"};
    /// Where it is judged: an edition range (spec::EditionRange), for a conformant variant the
    /// editions where the freedom it uses exists.
    std::string editions = "*";
    /// The epochs its stages consult beyond the reference's own (epochs.hpp): where its answers
    /// change between editions, so that a run of several editions starts a server per stretch.
    std::vector<Epoch> epochs = {};
    /// Conformant: the spec sentence it relies on, with the edition and section it is in.
    std::string_view basis = {};
    /// How long after answering it may still act on the side channel (mail, identity server); 0
    /// when it acts before answering.
    std::chrono::milliseconds grace{0};
    /// Conformant: the freedoms (MAY sentences, or records with a freedom; IDs or globs) it uses.
    std::vector<std::string_view> uses = {};
    /// Makes the stages it answers with; null: the reference's.
    std::unique_ptr<detail::Stages> (*make)() = nullptr;
};

/// `reference` first, then the faulty, conformant and hostile variants, each family in a stable order.
const std::vector<Variant>& variants();
const Variant* find_variant(std::string_view name);
const Variant& reference();

/// How --list-builtin names it: "reference", or "faulty:NAME", "conformant:NAME", "hostile:NAME".
std::string listed_name(const Variant& variant);

/// The stages a server configured with `variant` (null: the reference) answers with.
std::unique_ptr<detail::Stages> make_stages(const Variant* variant);

}  // namespace mx3pid::reference_homeserver
