#include "suite/known_failures.hpp"

#include <algorithm>

#include "suite/case_model.hpp"
#include "suite/detail/yaml_reader.hpp"

namespace mx3pid::suite {
namespace {

bool is_glob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::vector<KnownFailure> load_expectations(const std::string& path) {
    detail::YamlReader reader(path);
    YAML::Node root = reader.load();
    std::vector<KnownFailure> entries;
    if (root.IsNull()) return entries;
    reader.expect_sequence(root, "an expectations file");
    for (const auto& node : root) {
        reader.expect_map(node, {"case", "reason", "edition", "target"}, "an expectation");
        if (!node["case"]) reader.fail(node, "an expectation needs 'case' (a case-ID glob)");
        if (!node["reason"]) reader.fail(node, "an expectation needs 'reason' (free text or a link)");
        KnownFailure entry;
        entry.file = path;
        entry.line = detail::line_of(node);
        entry.case_glob = reader.string(node["case"], "case");
        entry.reason = reader.string(node["reason"], "reason");
        if (entry.reason.empty()) reader.fail(node["reason"], "reason must not be empty");
        if (auto edition = node["edition"]) {
            auto text = reader.string(edition, "edition");
            if (spec::Edition::parse(text)) text = "== " + text;
            std::string why;
            entry.editions = spec::EditionRange::parse(text, &why);
            if (!entry.editions) reader.fail(edition, "edition: " + why);
        }
        if (node["target"]) entry.target_glob = reader.string(node["target"], "target");
        entries.push_back(std::move(entry));
    }
    return entries;
}

KnownFailures::KnownFailures(std::vector<KnownFailure> entries, const spec::Edition& edition, std::string target)
    : KnownFailures(std::move(entries), std::vector{edition}, std::move(target)) {}

KnownFailures::KnownFailures(std::vector<KnownFailure> entries, std::vector<spec::Edition> editions, std::string target)
    : entries_(std::move(entries)), editions_(std::move(editions)), matched_(entries_.size(), false), passing_(entries_.size()) {
    for (const auto& entry : entries_) for_target_.push_back(!entry.target_glob || glob_match(*entry.target_glob, target));
}

bool KnownFailures::in_scope(std::size_t entry, const spec::Edition& edition) const {
    return for_target_[entry] && (!entries_[entry].editions || entries_[entry].editions->contains(edition));
}

void KnownFailures::apply(reports::CaseResult& result, const spec::Edition& edition) {
    using reports::Verdict;
    bool decided = false;  // the first entry that lists a case decides
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const auto& entry = entries_[i];
        if (!in_scope(i, edition) || !glob_match(entry.case_glob, result.id)) continue;
        matched_[i] = true;
        if (decided) continue;
        decided = true;
        const bool failed = result.verdict == Verdict::fail || result.verdict == Verdict::not_implemented ||
                            result.verdict == Verdict::warn;
        if (!failed && result.verdict != Verdict::pass) continue;
        if (!failed && is_glob(entry.case_glob)) {
            if (std::find(passing_[i].begin(), passing_[i].end(), result.id) == passing_[i].end()) passing_[i].push_back(result.id);
            continue;
        }
        result.verdict = failed ? Verdict::xfail : Verdict::xpass;
        result.known_failure_reason = entry.reason;
        result.known_failure_entry = entry.file + ":" + std::to_string(entry.line);
        if (!failed) result.message = "listed as a known failure (" + result.known_failure_entry + ") but passed: remove this entry";
    }
}

std::vector<std::string> KnownFailures::glob_errors() const {
    std::vector<std::string> errors;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (passing_[i].empty()) continue;
        std::string cases;
        for (std::size_t k = 0; k < passing_[i].size() && k < 10; ++k) cases += (k ? ", " : "") + passing_[i][k];
        if (passing_[i].size() > 10) cases += " and " + std::to_string(passing_[i].size() - 10) + " more";
        errors.push_back(entries_[i].file + ":" + std::to_string(entries_[i].line) + ": the known-failures glob '" + entries_[i].case_glob +
                         "' also matches " + std::to_string(passing_[i].size()) + (passing_[i].size() == 1 ? " case that passes: " : " cases that pass: ") +
                         cases + "; list the failing cases by their exact IDs (mx3pid --write-known-failures FILE writes them)");
    }
    return errors;
}

std::vector<std::string> KnownFailures::unmatched() const {
    std::vector<std::string> warnings;
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (!matched_[i])
            warnings.push_back(entries_[i].file + ":" + std::to_string(entries_[i].line) + ": the expectation '" +
                               entries_[i].case_glob + "' matches no case of this run");
    return warnings;
}

}  // namespace mx3pid::suite
