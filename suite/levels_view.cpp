// cases/LEVELS.md, generated: the catalogue seen from the cases.
#include <algorithm>
#include <ostream>

#include "suite/check_plan.hpp"
#include "suite/coverage.hpp"

namespace mx3pid::suite {
namespace {

std::string cell(std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
    return text;
}

std::string ids_text(const std::vector<std::string>& ids) {
    std::string text;
    for (const auto& id : ids) text += (text.empty() ? "" : ", ") + ("`" + id + "`");
    return text;
}

std::vector<spec::Validation> modes_of(const CaseTemplate& source) {
    if (!source.requires_profile.validation.empty()) return source.requires_profile.validation;
    return {spec::Validation::proxy, spec::Validation::delegate, spec::Validation::self};
}

/// "MUST", "free" (only freedoms), or "" (nothing holds) for one check in one place, over the modes.
std::string level_at(const Catalogue& catalogue, const PlannedCheck& check, const CaseTemplate& source,
                     const spec::Edition& edition, const spec::Endpoint& endpoint) {
    std::string level;
    bool free = false;
    for (auto mode : modes_of(source)) {
        auto resolved = catalogue.resolve(check.cited, {edition, &endpoint, mode});
        if (resolved.level == "MUST") return "MUST";
        if (resolved.level == "SHOULD") level = "SHOULD";
        free = free || !resolved.freedoms.empty();
    }
    return !level.empty() ? level : free ? "free" : "";
}

/// "MUST", or "SHOULD r0.4.0–v1.12, MUST v1.13–v1.19": a check's level on one endpoint over the
/// template's editions.
std::string level_over_editions(const Catalogue& catalogue, const PlannedCheck& check, const CaseTemplate& source,
                                const spec::Endpoint& endpoint, const std::vector<spec::Edition>& editions) {
    std::vector<std::pair<std::string, std::pair<std::string, std::string>>> runs;  // level, first–last edition
    for (const auto& edition : editions) {
        auto level = level_at(catalogue, check, source, edition, endpoint);
        if (level.empty()) level = "—";
        if (!runs.empty() && runs.back().first == level) runs.back().second.second = edition.name();
        else runs.push_back({level, {edition.name(), edition.name()}});
    }
    if (runs.size() == 1) return runs.front().first;
    std::string text;
    for (const auto& [level, span] : runs)
        text += (text.empty() ? "" : ", ") + level + " " + span.first + (span.first == span.second ? "" : "–" + span.second);
    return text;
}

void write_counts(const Suite& suite, std::ostream& out) {
    out << "## Sentences per edition\n\n"
        << "| edition | MUST | schema | SHOULD | MAY | normative | covered | untestable | uncovered |\n"
        << "|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& edition : spec::Edition::all()) {
        auto coverage = coverage_of(suite, edition);
        std::map<SentenceLevel, std::size_t> levels;
        for (const auto& entry : coverage.sentences) ++levels[entry.sentence->level];
        out << "| " << edition.name() << " | " << levels[SentenceLevel::must] << " | " << levels[SentenceLevel::schema] << " | "
            << levels[SentenceLevel::should] << " | " << levels[SentenceLevel::may] << " | " << coverage.sentences.size() << " | "
            << coverage.count(Covered::covered) << " | " << coverage.count(Covered::untestable) << " | "
            << coverage.count(Covered::uncovered) << " |\n";
    }
    out << "\n";
}

void write_template(const Suite& suite, const CaseTemplate& source, std::ostream& out) {
    std::vector<spec::Edition> editions;
    for (const auto& edition : spec::Edition::all())
        if (source.editions.contains(edition)) editions.push_back(edition);
    std::vector<const spec::Endpoint*> endpoints;
    for (const auto& instance : expand({source})) endpoints.push_back(instance.endpoint);
    std::string where;
    for (const auto& glob : source.endpoints) where += (where.empty() ? "" : ", ") + glob;
    out << "### `" << source.kind << "` — " << source.title << "\n\n"
        << where << "; editions `" << source.editions.text() << "`";
    if (!source.requires_profile.validation.empty()) {
        out << "; servers that validate by ";
        for (std::size_t i = 0; i < source.requires_profile.validation.size(); ++i)
            out << (i ? " or " : "") << spec::to_string(source.requires_profile.validation[i]);
    }
    out << " (" << source.file.substr(source.file.find_last_of('/') + 1) << ":" << source.line << ")\n\n"
        << "| check | sentences | level |\n|---|---|---|\n";
    const auto plan = planned_checks(source, editions.back());
    for (const auto& check : plan) {
        // One level text per endpoint; endpoints with the same text share a line.
        std::vector<std::pair<std::string, std::vector<std::string>>> levels;
        for (const auto* endpoint : endpoints) {
            auto text = level_over_editions(suite.catalogue, check, source, *endpoint, editions);
            auto found = std::find_if(levels.begin(), levels.end(), [&](const auto& l) { return l.first == text; });
            if (found == levels.end()) found = levels.insert(levels.end(), {text, {}});
            found->second.push_back(std::string(endpoint->key) + "/" + source.kind);
        }
        std::string level;
        for (const auto& [text, ids] : levels) {
            std::string on;
            if (levels.size() > 1)
                for (const auto& id : compact_case_ids(ids)) on += (on.empty() ? "" : ", ") + id.substr(0, id.rfind('/'));
            level += (level.empty() ? "" : "; ") + (on.empty() ? text : on + ": " + text);
        }
        std::string name = check.name;
        if (source.steps.size() > 1 && check.on != Answers::side_channel && check.on != Answers::follow_up)
            name += " (step " + std::to_string(check.step + 1) + ")";
        const bool judges_own = std::any_of(judge_checks().begin(), judge_checks().end(),
                                            [&](const JudgeCheck& own) { return own.name == check.name; });
        out << "| " << cell(name) << " | " << (judges_own ? "the judge's (below)" : cell(ids_text(check.cited))) << " | "
            << cell(level) << " |\n";
    }
    out << "\n";
}

void write_judge_checks(std::ostream& out) {
    out << "## The judge's own checks\n\n"
        << "Made on every answer of their kind whatever the case, with sentences named in `suite/check_plan.cpp`; "
        << "a failure that knows which sentence it breaks names only that one.\n\n"
        << "| check | made on | sentences (those holding in the edition judged count) |\n|---|---|---|\n";
    for (const auto& check : judge_checks()) {
        const char* on = check.on == Answers::every         ? "every answer"
                         : check.on == Answers::error       ? "an error status the step expects"
                         : check.on == Answers::success     ? "a 200 to a POST the step expects"
                         : check.on == Answers::side_channel ? "what reached the identity server (proxy, delegate)"
                                                             : "completing the validation";
        out << "| " << check.name << " | " << on << " | " << ids_text(check.sentences) << " |\n";
    }
    out << "| errcode (no codes named) | an error status the step expects | " << ids_text(errcode_form_sentences()) << " |\n\n";
}

void write_sentences(const Catalogue& catalogue, std::ostream& out) {
    out << "## Every sentence\n\n| id | level | editions | section | says |\n|---|---|---|---|---|\n";
    for (const auto& sentence : catalogue.sentences()) {
        std::string says = sentence.says;
        if (!sentence.freedom.empty()) says += " *Freedom:* " + sentence.freedom;
        if (!sentence.untestable.empty()) says += " *Untestable:* " + sentence.untestable;
        out << "| `" << sentence.id << "` | " << to_string(sentence.level) << " | `" << cell(sentence.editions.text()) << "` | "
            << cell(sentence.section) << " | " << cell(says) << " |\n";
    }
}

}  // namespace

void write_levels_markdown(const Suite& suite, std::ostream& out) {
    out << "# Levels: the sentences behind every check\n\n"
        << "Generated by `mx3pid coverage --levels-md cases/LEVELS.md` from the sentence catalogue "
           "(`cases/sentences/`) and the cases; do not edit it by hand (the ctest `LevelsMd.IsTheGeneratedViewOfTheCatalogueAndTheCases` fails when it is stale).\n\n"
        << "Every check names the sentences it tests and takes its level from them: MUST when a MUST or schema "
           "sentence is among them, else SHOULD. A MAY sentence or a freedom only widens what the check accepts; a "
           "check that cites only freedoms where it runs is not made (\"free\"). A case FAILs when a MUST check fails "
           "or any 5xx came back, and WARNs when only SHOULD checks fail. Where the spec names an errcode only in an "
           "example, or names none for the situation, the errcode check is at most SHOULD; the status keeps its own "
           "level. `cases/sentences/README.md` says how each sentence was read and lists the ambiguities.\n\n";
    out << "The checks on what reached an identity server (";
    for (auto name : identity_side_checks()) out << name << (name == identity_side_checks().back() ? "" : ", ");
    out << ") count by how the homeserver validates: " << identity_side_by_mode()
        << ". Advice is reported on the check and never makes a case warn or fail: an identity server the "
           "homeserver's own configuration names is outside what the client-server API rules.\n\n";
    write_counts(suite, out);
    out << "## Case kinds\n\nEach template's checks, the sentences they cite, and the level they take (per endpoint "
           "and edition where it differs; \"—\" where none holds).\n\n";
    for (const auto& source : suite.templates) write_template(suite, source, out);
    write_judge_checks(out);
    write_sentences(suite.catalogue, out);
}

}  // namespace mx3pid::suite
