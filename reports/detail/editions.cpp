#include "reports/detail/editions.hpp"

#include <algorithm>

namespace mx3pid::reports::detail {

std::vector<std::string> edition_names(const RunResult& run) {
    std::vector<std::string> names;
    for (const auto& edition : run.editions) names.push_back(edition.edition);
    if (names.empty()) names.push_back(run.edition);
    return names;
}

std::vector<const CaseResult*> row_of(const RunResult& run, std::size_t index) {
    std::vector<const CaseResult*> row;
    for (const auto& edition : run.editions)
        if (index < edition.cases.size()) row.push_back(&edition.cases[index]);
    if (run.editions.empty() && index < run.cases.size()) row.push_back(&run.cases[index]);
    return row;
}

std::vector<VerdictSpan> verdict_spans(const std::vector<const CaseResult*>& row) {
    std::vector<VerdictSpan> spans;
    for (std::size_t i = 0; i < row.size(); ++i) {
        const auto& result = *row[i];
        if (!spans.empty() && spans.back().verdict == result.verdict && spans.back().not_run == result.not_run) {
            spans.back().last = i;
            continue;
        }
        spans.push_back({i, i, result.verdict, result.not_run});
    }
    return spans;
}

std::string span_text(const std::vector<std::string>& names, std::size_t first, std::size_t last) {
    if (first >= names.size() || last >= names.size()) return {};
    return first == last ? names[first] : names[first] + "\u2013" + names[last];
}

std::string editions_text(const std::vector<std::string>& names, const std::vector<std::size_t>& indices) {
    std::string text;
    for (std::size_t i = 0; i < indices.size(); ++i) {
        std::size_t last = i;
        while (last + 1 < indices.size() && indices[last + 1] == indices[last] + 1) ++last;
        text += (text.empty() ? "" : ", ") + span_text(names, indices[i], indices[last]);
        i = last;
    }
    return text;
}

int attention(const CaseResult& result) {
    if (result.not_run) return 6;
    switch (result.verdict) {
        case Verdict::fail: return 0;
        case Verdict::not_implemented: return 1;
        case Verdict::xpass: return 2;
        case Verdict::error: return 3;
        case Verdict::warn: return 4;
        case Verdict::xfail: return 5;
        case Verdict::pass: return 7;
        case Verdict::skip: return 8;
    }
    return 8;
}

const CaseResult& most_telling(const std::vector<const CaseResult*>& row) {
    return **std::min_element(row.begin(), row.end(), [](const CaseResult* a, const CaseResult* b) { return attention(*a) < attention(*b); });
}

bool differs_with_trouble(const std::vector<const CaseResult*>& row) {
    if (row.empty()) return false;
    const bool trouble = std::any_of(row.begin(), row.end(), [](const CaseResult* result) { return attention(*result) <= 6; });
    return trouble && verdict_spans(row).size() > 1;
}

std::vector<std::size_t> conforming_editions(const RunResult& run) {
    std::vector<std::size_t> conforming;
    for (std::size_t i = 0; i < run.editions.size(); ++i)
        if (run.editions[i].conforms()) conforming.push_back(i);
    return conforming;
}

std::string in_editions(const RunResult& run, const std::vector<std::size_t>& indices) {
    if (!run.several_editions() || indices.empty()) return {};
    return " in " + editions_text(edition_names(run), indices);
}

std::string conforming_text(const RunResult& run) {
    const auto conforming = conforming_editions(run);
    const auto total = std::to_string(run.editions.size());
    if (conforming.empty()) return "none of " + total + " editions";
    if (conforming.size() == run.editions.size()) return "every edition (" + total + ")";
    return editions_text(edition_names(run), conforming) + " (" + std::to_string(conforming.size()) + " of " + total + " editions)";
}

std::string state_of(const CaseResult& result) { return result.not_run ? "not-run" : to_string(result.verdict); }

namespace {

/// The same verdict in every edition, and that verdict a pass or a skip: nothing to show.
bool quiet_everywhere(const std::vector<const CaseResult*>& row, Verdict verdict) {
    return std::all_of(row.begin(), row.end(), [&](const CaseResult* result) { return !result->not_run && result->verdict == verdict; });
}

bool same_column(const RunResult& run, const std::vector<std::size_t>& rows, std::size_t a, std::size_t b) {
    return std::all_of(rows.begin(), rows.end(), [&](std::size_t row) {
        return state_of(run.editions[a].cases[row]) == state_of(run.editions[b].cases[row]);
    });
}

}  // namespace

EditionMatrix edition_matrix(const RunResult& run) {
    EditionMatrix matrix;
    for (std::size_t i = 0; i < run.case_list().size(); ++i) {
        const auto row = row_of(run, i);
        if (quiet_everywhere(row, Verdict::pass)) ++matrix.passing_everywhere;
        else if (quiet_everywhere(row, Verdict::skip)) ++matrix.skipped_everywhere;
        else matrix.rows.push_back(i);
    }
    for (std::size_t e = 0; e < run.editions.size(); ++e) {
        if (!matrix.columns.empty() && same_column(run, matrix.rows, matrix.columns.back().second, e)) matrix.columns.back().second = e;
        else matrix.columns.push_back({e, e});
    }
    return matrix;
}

}  // namespace mx3pid::reports::detail
