#include "suite/coverage.hpp"

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "suite/check_plan.hpp"
#include "suite/detail/field_coverage.hpp"

namespace mx3pid::suite {
namespace {

std::vector<spec::Validation> modes_of(const CaseTemplate& source) {
    if (!source.requires_profile.validation.empty()) return source.requires_profile.validation;
    return {spec::Validation::proxy, spec::Validation::delegate, spec::Validation::self};
}

void add_test(SentenceCoverage& entry, const std::string& check, const std::string& case_id) {
    auto found = std::find_if(entry.tests.begin(), entry.tests.end(), [&](const auto& test) { return test.first == check; });
    if (found == entry.tests.end()) found = entry.tests.insert(entry.tests.end(), {check, {}});
    if (std::find(found->second.begin(), found->second.end(), case_id) == found->second.end()) found->second.push_back(case_id);
}

const spec::Endpoint* first_endpoint(const SentenceRecord& sentence) {
    for (const auto& endpoint : spec::endpoints())
        if (sentence.applies_to(endpoint)) return &endpoint;
    return &spec::endpoints().front();
}

std::string modes_text(const SentenceRecord& sentence) {
    std::string text;
    for (auto mode : sentence.modes) text += (text.empty() ? "" : ", ") + std::string(spec::to_string(mode));
    return text;
}

/// The sentences of the edition that the judge's checks on what reached the identity server test.
std::vector<std::string> identity_side_sentences(const Coverage& coverage) {
    const auto& names = identity_side_checks();
    std::vector<std::string> ids;
    for (const auto& entry : coverage.sentences)
        if (std::any_of(entry.tests.begin(), entry.tests.end(),
                        [&](const auto& test) { return std::find(names.begin(), names.end(), test.first) != names.end(); }))
            ids.push_back(entry.sentence->id);
    return ids;
}

constexpr spec::Validation all_modes[] = {spec::Validation::proxy, spec::Validation::delegate, spec::Validation::self};

}  // namespace

std::string_view to_string(Aspect aspect) {
    switch (aspect) {
        case Aspect::presence: return "presence";
        case Aspect::type: return "type";
        case Aspect::characters: return "characters";
        case Aspect::lengths: return "lengths";
    }
    return "?";
}

Covered FieldCoverage::state() const {
    auto any = [&](Covered state) { return std::any_of(aspects.begin(), aspects.end(), [&](const AspectCoverage& a) { return a.state == state; }); };
    if (any(Covered::uncovered)) return Covered::uncovered;
    return any(Covered::covered) ? Covered::covered : Covered::untestable;
}

std::size_t Coverage::count_fields(Covered state) const {
    return static_cast<std::size_t>(
        std::count_if(fields.begin(), fields.end(), [&](const FieldCoverage& f) { return f.state() == state; }));
}

std::string Coverage::fields_line() const {
    std::map<Covered, std::size_t> aspects;
    for (const auto& field : fields)
        for (const auto& aspect : field.aspects) ++aspects[aspect.state];
    return "fields: " + std::to_string(fields.size()) + " defined, " + std::to_string(count_fields(Covered::covered)) +
           " with derived inputs, " + std::to_string(count_fields(Covered::untestable)) + " with nothing to derive, " +
           std::to_string(count_fields(Covered::uncovered)) + " uncovered (aspects: " + std::to_string(aspects[Covered::covered]) +
           " derived, " + std::to_string(aspects[Covered::untestable]) + " with nothing to derive, " +
           std::to_string(aspects[Covered::uncovered]) + " uncovered)";
}

std::size_t Coverage::count(Covered state) const {
    return static_cast<std::size_t>(
        std::count_if(sentences.begin(), sentences.end(), [&](const SentenceCoverage& s) { return s.state == state; }));
}

std::string Coverage::last_line() const {
    return "sentences: " + std::to_string(sentences.size()) + " normative, " + std::to_string(count(Covered::covered)) +
           " covered, " + std::to_string(count(Covered::untestable)) + " untestable, " +
           std::to_string(count(Covered::uncovered)) + " uncovered";
}

Coverage coverage_of(const Suite& suite, const spec::Edition& edition) {
    const auto& catalogue = suite.catalogue;
    Coverage coverage{edition, {}, detail::field_coverage_of(suite, edition)};
    std::map<std::string, std::size_t> at;
    for (const auto& sentence : catalogue.sentences()) {
        if (!sentence.holds_in(edition)) continue;
        at[sentence.id] = coverage.sentences.size();
        coverage.sentences.push_back({&sentence, catalogue.placed(sentence, first_endpoint(sentence), edition),
                                      sentence.untestable.empty() ? Covered::uncovered : Covered::untestable, {}});
    }
    for (const auto& instance : expand(suite.templates)) {
        const auto& source = *instance.source;
        if (!instance.applies_in(edition)) continue;
        const auto plan = planned_checks(source, edition);
        for (auto mode : modes_of(source))
            for (const auto& check : plan) {
                auto resolved = catalogue.resolve(check.cited, {edition, instance.endpoint, mode});
                for (const auto* ids : {&resolved.obligations, &resolved.freedoms})
                    for (const auto& id : *ids) {
                        auto& entry = coverage.sentences[at.at(id)];
                        add_test(entry, check.name, instance.id);
                        if (entry.state == Covered::uncovered) entry.state = Covered::covered;
                    }
            }
    }
    return coverage;
}

std::vector<std::string> compact_case_ids(const std::vector<std::string>& ids) {
    // kind → the endpoints it is cited on, in order of first appearance.
    std::vector<std::pair<std::string, std::vector<std::string>>> kinds;
    for (const auto& id : ids) {
        auto slash = id.find('/', id.find('/') + 1);
        auto endpoint = id.substr(0, slash), kind = id.substr(slash + 1);
        auto found = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return k.first == kind; });
        if (found == kinds.end()) found = kinds.insert(kinds.end(), {kind, {}});
        found->second.push_back(endpoint);
    }
    std::vector<std::string> out;
    for (const auto& kind_and_endpoints : kinds) {
        const auto& [kind, endpoints] = kind_and_endpoints;
        const auto& cited_on = kind_and_endpoints.second;  // clang 14 cannot capture a structured binding
        auto has = [&](std::string_view key) { return std::find(cited_on.begin(), cited_on.end(), key) != cited_on.end(); };
        if (endpoints.size() == spec::endpoints().size()) {
            out.push_back("*/" + kind);
            continue;
        }
        std::vector<std::string> left = endpoints;
        for (std::string_view purpose : {"register", "3pid", "password"}) {
            const std::string email = std::string(purpose) + "/email", msisdn = std::string(purpose) + "/msisdn";
            if (!has(email) || !has(msisdn)) continue;
            out.push_back(std::string(purpose) + "/*/" + kind);
            std::erase(left, email);
            std::erase(left, msisdn);
        }
        for (const auto& endpoint : left) out.push_back(endpoint + "/" + kind);
    }
    return out;
}

void write_coverage_text(const Coverage& coverage, std::ostream& out) {
    std::map<std::string, std::size_t> by_level, by_modes;
    out << "mx3pid coverage: the sentences of " << coverage.edition.name()
        << " and the checks that test them (a check's cases: where it cites the sentence)\n\n";
    for (const auto& entry : coverage.sentences) {
        const auto& sentence = *entry.sentence;
        ++by_level[std::string(to_string(sentence.level))];
        const auto modes = modes_text(sentence);
        ++by_modes[modes.empty() ? "every validation mode" : modes + " only"];
        out << sentence.id << "  " << to_string(sentence.level) << "  " << entry.placed.section << " <" << entry.placed.url << ">\n";
        out << "    " << sentence.says << "\n";
        if (!modes.empty()) out << "    validation modes: " << modes << "\n";
        if (!sentence.freedom.empty()) out << "    freedom: " << sentence.freedom << "\n";
        if (entry.state == Covered::untestable) out << "    untestable: " << sentence.untestable << "\n";
        if (entry.state == Covered::uncovered) out << "    UNCOVERED: no check cites it\n";
        for (const auto& [check, cases] : entry.tests) {
            std::string list;
            for (const auto& id : compact_case_ids(cases)) list += (list.empty() ? "" : ", ") + id;
            out << "    " << check << ": " << list << "\n";
        }
    }
    out << "\nby level:";
    for (const char* level : {"MUST", "schema", "SHOULD", "MAY"}) out << " " << by_level[level] << " " << level;
    out << "\nby validation mode:";
    bool first = true;
    for (const auto& [modes, count] : by_modes) {
        out << (first ? " " : "; ") << count << " for " << modes;
        first = false;
    }
    out << "\nidentity side (";
    for (auto name : identity_side_checks()) out << name << (name == identity_side_checks().back() ? "" : ", ");
    out << "; " << identity_side_sentences(coverage).size() << " sentences here): " << identity_side_by_mode();
    out << "\n" << coverage.last_line() << "\n";
    detail::write_fields_text(coverage, out);
}

void write_coverage_json(const Coverage& coverage, std::ostream& out) {
    using Json = nlohmann::ordered_json;
    Json document;
    document["edition"] = coverage.edition.name();
    document["sentences"] = Json::array();
    for (const auto& entry : coverage.sentences) {
        const auto& sentence = *entry.sentence;
        Json one;
        one["id"] = sentence.id;
        one["level"] = std::string(to_string(sentence.level));
        one["says"] = sentence.says;
        one["section"] = entry.placed.section;
        one["url"] = entry.placed.url;
        one["editions"] = sentence.editions.text();
        one["endpoints"] = sentence.endpoints;
        one["modes"] = Json::array();
        for (auto mode : sentence.modes) one["modes"].push_back(std::string(spec::to_string(mode)));
        one["state"] = entry.state == Covered::covered ? "covered" : entry.state == Covered::untestable ? "untestable" : "uncovered";
        one["untestable"] = sentence.untestable;
        one["freedom"] = sentence.freedom;
        one["tests"] = Json::array();
        for (const auto& [check, cases] : entry.tests) one["tests"].push_back({{"check", check}, {"cases", cases}});
        document["sentences"].push_back(std::move(one));
    }
    Json identity_side_json;
    identity_side_json["checks"] = Json::array();
    for (auto name : identity_side_checks()) identity_side_json["checks"].push_back(std::string(name));
    identity_side_json["sentences"] = identity_side_sentences(coverage);
    for (auto mode : all_modes) identity_side_json["modes"][std::string(spec::to_string(mode))] = std::string(to_string(identity_side(mode)));
    document["identity_side"] = std::move(identity_side_json);
    document["counts"] = {{"normative", coverage.sentences.size()},
                          {"covered", coverage.count(Covered::covered)},
                          {"untestable", coverage.count(Covered::untestable)},
                          {"uncovered", coverage.count(Covered::uncovered)}};
    document["fields"] = detail::fields_json(coverage);
    document["field_counts"] = {{"defined", coverage.fields.size()},
                                {"covered", coverage.count_fields(Covered::covered)},
                                {"untestable", coverage.count_fields(Covered::untestable)},
                                {"uncovered", coverage.count_fields(Covered::uncovered)}};
    out << document.dump(2) << "\n";
}

}  // namespace mx3pid::suite
