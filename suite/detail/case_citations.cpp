#include "suite/detail/case_citations.hpp"

#include <algorithm>

#include "suite/case_model.hpp"

namespace mx3pid::suite::detail {
namespace {

bool among(std::initializer_list<std::string_view> list, std::string_view key) {
    return std::find(list.begin(), list.end(), key) != list.end();
}

std::vector<std::string> read_ids(const YamlReader& reader, const YAML::Node& node, const Catalogue& catalogue) {
    auto ids = reader.strings(node, "sentences");
    if (ids.empty()) reader.fail(node, "a check cites at least one sentence");
    for (const auto& id : ids)
        if (id != field_sentences && catalogue.matching(id).empty())
            reader.fail(node, "unknown sentence '" + id + "' (no ID in cases/sentences/ matches it)");
    return ids;
}

std::vector<spec::Validation> modes_of(const CaseTemplate& source) {
    if (!source.requires_profile.validation.empty()) return source.requires_profile.validation;
    return {spec::Validation::proxy, spec::Validation::delegate, spec::Validation::self};
}

/// The checks the template asks for by key, with the count they expect (-1: not a count).
std::vector<std::pair<std::string, long long>> asked(const StepExpectation& expect) {
    std::vector<std::pair<std::string, long long>> keys{{"status", -1}};
    if (!expect.errcode.empty() || !expect.errcode_by_status.empty()) keys.emplace_back("errcode", -1);
    if (expect.cors) keys.emplace_back("cors", -1);
    return keys;
}

std::vector<std::pair<std::string, long long>> asked(const SideChannelExpectation& side) {
    std::vector<std::pair<std::string, long long>> keys;
    if (side.tokens_delivered) keys.emplace_back("tokens_delivered", *side.tokens_delivered);
    if (side.decoy_requests) keys.emplace_back("decoy_requests", *side.decoy_requests);
    if (side.delivered) keys.emplace_back("delivered", -1);
    if (side.sid_matches) keys.emplace_back("sid_matches", -1);
    return keys;
}

[[noreturn]] void fail(const CaseTemplate& source, int line, const std::string& message) {
    throw ConfigError(source.file, line ? line : source.line, "case " + source.kind + ": " + message);
}

/// Each way the check can fail cites, where it runs, an obligation it tests or a freedom that
/// lets the server answer anything there.
void check_one(const CaseTemplate& source, const Catalogue& catalogue, const std::string& key, long long count,
               const Cited& cited, const JudgedIn& where) {
    auto needs = [&](const std::vector<std::string>& ids, const std::string& how) {
        auto resolved = catalogue.resolve(ids, where);
        if (!resolved.obligations.empty() || !resolved.freedoms.empty()) return;
        fail(source, cited.line,
             "the sentences of '" + key + "'" + how + " hold neither an obligation nor a freedom in " + where.edition.name() +
                 " on " + std::string(where.endpoint->key) + " for a server that validates by " +
                 std::string(spec::to_string(where.mode)) +
                 " (a check tests a testable MUST, schema or SHOULD sentence wherever it runs, or a MAY frees it)");
    };
    for (const auto& [status, ids] : cited.by_status) {
        auto with_any = cited.any;
        with_any.insert(with_any.end(), ids.begin(), ids.end());
        needs(with_any, " for status " + std::to_string(status));
    }
    if (count < 0) {
        if (cited.by_status.empty()) needs(cited.all(), "");
        return;
    }
    needs(cited.for_count(count, count + 1), " for more arrivals than expected");
    if (count > 0) needs(cited.for_count(count, 0), " for no arrival");
    if (count > 1) needs(cited.for_count(count, count - 1), " for fewer arrivals than expected");
}

void check_keys(const CaseTemplate& source, const Citations& citations, const std::vector<std::pair<std::string, long long>>& keys,
                const char* where) {
    for (const auto& [key, count] : keys)
        if (!citations.count(key)) fail(source, 0, std::string("'") + key + "' in " + where + " names no sentences (add sentences: {" + key + ": [...]})");
    for (const auto& entry : citations) {
        const auto& key = entry.first;  // a named copy: clang 14 cannot capture a structured binding
        if (std::none_of(keys.begin(), keys.end(), [&](const auto& k) { return k.first == key; }))
            fail(source, entry.second.line, std::string("sentences for '") + key + "', which " + where + " does not ask for");
    }
}

}  // namespace

Citations read_citations(const YamlReader& reader, const YAML::Node& node, std::initializer_list<std::string_view> keys,
                         std::initializer_list<std::string_view> counts, const Catalogue& catalogue) {
    if (!node.IsMap()) reader.fail(node, "sentences must be a mapping of check to sentence IDs");
    Citations citations;
    for (const auto& entry : node) {
        const auto key = reader.string(entry.first, "a check");
        if (!among(keys, key)) {
            std::string known;
            for (auto k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
            reader.fail(entry.first, "sentences for '" + key + "', which is not a check here (known: " + known + ")");
        }
        Cited cited;
        cited.line = line_of(entry.second);
        if (entry.second.IsMap() && key == "errcode") {
            for (const auto& by : entry.second) {
                auto status = reader.integer(by.first, "a status in the sentences of errcode");
                if (status < 400 || status > 599) reader.fail(by.first, "an error status is 400 to 599");
                cited.by_status[static_cast<int>(status)] = read_ids(reader, by.second, catalogue);
            }
        } else if (entry.second.IsMap()) {
            if (!among(counts, key))
                reader.fail(entry.second, "only a count (" + key + " is not one) names sentences by direction");
            reader.expect_map(entry.second, {"any", "none", "fewer", "more"}, "sentences of a count");
            for (auto [name, list] : {std::pair{"any", &cited.any}, std::pair{"none", &cited.none},
                                      std::pair{"fewer", &cited.fewer}, std::pair{"more", &cited.more}})
                if (entry.second[name]) *list = read_ids(reader, entry.second[name], catalogue);
        } else {
            cited.any = read_ids(reader, entry.second, catalogue);
        }
        citations[key] = std::move(cited);
    }
    return citations;
}

void check_citations(const CaseTemplate& source, const Catalogue& catalogue) {
    auto no_placeholder = [&](const Citations& citations) {
        for (const auto& [key, cited] : citations) {
            const auto ids = cited.all();
            if (std::find(ids.begin(), ids.end(), field_sentences) != ids.end())
                fail(source, cited.line, "'" + std::string(field_sentences) + "' stands for a field's sentences in a derive entry only");
        }
    };
    for (const auto& step : source.steps) no_placeholder(step.expect.sentences);
    no_placeholder(source.side_channel.sentences);
    for (const auto& step : source.steps) check_keys(source, step.expect.sentences, asked(step.expect), "the step's expect");
    check_keys(source, source.side_channel.sentences, asked(source.side_channel), "side_channel");
    for (const auto& edition : spec::Edition::all()) {
        if (!source.editions.contains(edition)) continue;
        for (const auto& endpoint : spec::endpoints()) {
            bool named = std::any_of(source.endpoints.begin(), source.endpoints.end(),
                                     [&](const std::string& glob) { return glob_match(glob, std::string(endpoint.key)); });
            if (!named || !endpoint.documented_in(edition)) continue;
            for (auto mode : modes_of(source)) {
                const JudgedIn where{edition, &endpoint, mode};
                for (const auto& step : source.steps)
                    for (const auto& [key, count] : asked(step.expect))
                        check_one(source, catalogue, key, count, step.expect.sentences.at(key), where);
                for (const auto& [key, count] : asked(source.side_channel))
                    check_one(source, catalogue, key, count, source.side_channel.sentences.at(key), where);
            }
        }
    }
}

}  // namespace mx3pid::suite::detail
