#include "suite/catalogue.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <stdexcept>

#include "suite/citation.hpp"
#include "suite/config_error.hpp"

namespace mx3pid::suite {

std::string_view to_string(SentenceLevel level) {
    switch (level) {
        case SentenceLevel::must: return "MUST";
        case SentenceLevel::should: return "SHOULD";
        case SentenceLevel::may: return "MAY";
        case SentenceLevel::schema: return "schema";
    }
    return "MUST";
}

bool SentenceRecord::applies_to(const spec::Endpoint& endpoint) const {
    if (endpoints.empty()) return true;
    const std::string key(endpoint.key);
    return std::any_of(endpoints.begin(), endpoints.end(),
                       [&](const std::string& glob) { return fnmatch(glob.c_str(), key.c_str(), 0) == 0; });
}

bool SentenceRecord::applies_in(spec::Validation mode) const {
    return modes.empty() || std::find(modes.begin(), modes.end(), mode) != modes.end();
}

Catalogue::Catalogue(std::vector<SentenceRecord> sentences, std::vector<SectionRecord> sections)
    : sentences_(std::move(sentences)), sections_(std::move(sections)) {
    for (std::size_t i = 0; i < sentences_.size(); ++i) by_id_.emplace(sentences_[i].id, i);
}

const SentenceRecord* Catalogue::find(std::string_view id) const {
    auto found = by_id_.find(id);
    return found == by_id_.end() ? nullptr : &sentences_[found->second];
}

const SectionRecord* Catalogue::section(std::string_view name) const {
    for (const auto& section : sections_)
        if (section.name == name) return &section;
    return nullptr;
}

std::vector<const SentenceRecord*> Catalogue::matching(std::string_view pattern) const {
    if (pattern.find_first_of("*?[\\") == std::string_view::npos) {  // a plain id
        if (const auto* sentence = find(pattern)) return {sentence};
        return {};
    }
    std::lock_guard lock(glob_matches_->mutex);
    auto& by_glob = glob_matches_->by_glob;
    auto known = by_glob.find(pattern);
    if (known == by_glob.end()) {
        std::vector<std::size_t> indices;
        const std::string glob(pattern);
        for (std::size_t i = 0; i < sentences_.size(); ++i)
            if (fnmatch(glob.c_str(), sentences_[i].id.c_str(), 0) == 0) indices.push_back(i);
        known = by_glob.emplace(glob, std::move(indices)).first;
    }
    std::vector<const SentenceRecord*> found;
    for (auto i : known->second) found.push_back(&sentences_[i]);
    return found;
}

std::vector<const SentenceRecord*> Catalogue::applicable(const std::vector<std::string>& cited, const spec::Endpoint* endpoint,
                                                          spec::Validation mode, const spec::Edition* edition) const {
    std::vector<const SentenceRecord*> all;
    for (const auto& pattern : cited)
        for (const auto* sentence : matching(pattern))
            if (std::find(all.begin(), all.end(), sentence) == all.end()) all.push_back(sentence);
    std::sort(all.begin(), all.end());  // records are one vector: address order is catalogue order
    std::erase_if(all, [&](const SentenceRecord* sentence) {
        if (edition && !sentence->holds_in(*edition)) return true;  // first: the cheapest test
        if (!sentence->applies_in(mode) || (endpoint && !sentence->applies_to(*endpoint))) return true;
        return !sentence->is_obligation() && !sentence->is_freedom();
    });
    return all;
}

Named Catalogue::named(const std::vector<std::string>& cited, const spec::Endpoint* endpoint, spec::Validation mode) const {
    Named named;
    for (const auto* sentence : applicable(cited, endpoint, mode, nullptr))
        (sentence->is_obligation() ? named.obligations : named.freedoms).push_back(sentence);
    return named;
}

Resolved Catalogue::resolve(const std::vector<std::string>& cited, const JudgedIn& where) const {
    Resolved resolved;
    for (const auto* sentence : applicable(cited, where.endpoint, where.mode, &where.edition))
        (sentence->is_obligation() ? resolved.obligations : resolved.freedoms).push_back(sentence->id);
    resolved.level = level_of(resolved.obligations);
    return resolved;
}

Resolved Catalogue::resolved_in(const Named& named, const spec::Edition& edition) const {
    Resolved resolved;
    for (const auto* sentence : named.obligations)
        if (sentence->holds_in(edition)) resolved.obligations.push_back(sentence->id);
    for (const auto* sentence : named.freedoms)
        if (sentence->holds_in(edition)) resolved.freedoms.push_back(sentence->id);
    resolved.level = level_of(resolved.obligations);
    return resolved;
}

const Resolved& Catalogue::resolve_judged(const std::vector<std::string>& cited, const JudgedIn& where) const {
    // What the citations name in this place is the same in every edition: kept apart, each edition
    // only filters it.
    std::string place;
    if (where.endpoint) place += where.endpoint->key;
    place += '\n';
    place += static_cast<char>('0' + static_cast<int>(where.mode));
    for (const auto& pattern : cited) (place += '\n') += pattern;
    std::string key = where.edition.name();
    (key += '\n') += place;
    std::lock_guard lock(remembered_->mutex);
    auto& kept = remembered_->resolved;
    auto found = kept.find(key);
    if (found != kept.end()) return found->second;
    auto named_here = remembered_->named.find(place);
    if (named_here == remembered_->named.end())
        named_here = remembered_->named.emplace(std::move(place), named(cited, where.endpoint, where.mode)).first;
    return kept.emplace(std::move(key), resolved_in(named_here->second, where.edition)).first->second;
}

std::string Catalogue::level_of(const std::vector<std::string>& ids) const {
    std::string level;
    for (const auto& id : ids) {
        const auto* sentence = find(id);
        if (!sentence || !sentence->is_obligation()) continue;
        if (sentence->binds()) return "MUST";
        level = "SHOULD";
    }
    return level;
}

std::optional<Place> Catalogue::place(std::string_view section_name, const spec::Endpoint* endpoint,
                                      const spec::Edition& edition) const {
    const auto* found = section(section_name);
    if (!found || !found->editions.contains(edition) || (found->operation && !endpoint)) return std::nullopt;
    if (!found->operation) endpoint = nullptr;
    std::lock_guard lock(remembered_->mutex);
    auto [kept, added] = remembered_->places.try_emplace({found, endpoint, edition});
    if (added) kept->second = place_section(*found, endpoint, edition);
    return kept->second;
}

const reports::Sentence& Catalogue::placed(const SentenceRecord& sentence, const spec::Endpoint* endpoint,
                                           const spec::Edition& edition) const {
    const auto* found = section(sentence.section);
    const bool per_endpoint = found && found->operation;
    if (!per_endpoint) endpoint = nullptr;
    // Kept by index, the same in every copy of the catalogue (they share what is kept).
    if (sentences_.empty() || &sentence < sentences_.data() || &sentence >= sentences_.data() + sentences_.size())
        throw std::logic_error("placed(): '" + sentence.id + "' is not a record of this catalogue");
    const auto index = static_cast<std::size_t>(&sentence - sentences_.data());
    {
        std::lock_guard lock(remembered_->mutex);
        auto kept = remembered_->placed.find({index, endpoint, edition});
        if (kept != remembered_->placed.end()) return kept->second;
    }
    reports::Sentence out;
    out.id = sentence.id;
    out.level = std::string(to_string(sentence.level));
    out.says = sentence.says;
    if (endpoint) out.endpoint = std::string(endpoint->key);
    if (auto at = place(sentence.section, endpoint, edition)) {
        out.section = at->title;
        out.url = at->url;
    } else {
        out.section = sentence.section;
    }
    std::lock_guard lock(remembered_->mutex);
    return remembered_->placed.try_emplace({index, endpoint, edition}, std::move(out)).first->second;
}

}  // namespace mx3pid::suite
