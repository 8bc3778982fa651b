#include <cmath>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

#include "reports/detail/editions.hpp"
#include "reports/detail/streamed_json.hpp"
#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

using Json = nlohmann::ordered_json;
using detail::StreamedObject;

Json text(std::string_view value) { return detail::valid_utf8(detail::cap_bytes(value, detail::body_limit)); }

Json body(std::string_view value) { return detail::valid_utf8(detail::cap_bytes(value, detail::body_limit)); }

Json time(Clock::time_point point) { return detail::iso8601_ms(point); }

Json seconds(Clock::time_point from, Clock::time_point to) {
    return std::round(seconds_between(from, to) * 1e6) / 1e6;
}

Json lines(const std::vector<std::string>& values) {
    auto array = Json::array();
    for (const auto& value : values) array.push_back(text(value));
    return array;
}

Json pairs(const std::vector<std::pair<std::string, std::string>>& values) {
    auto array = Json::array();
    for (const auto& [name, value] : values) array.push_back({{"name", body(name)}, {"value", body(value)}});
    return array;
}

Json counts_json(const Counts& counts) {
    return {{"total", counts.total},     {"passed", counts.passed},   {"warned", counts.warned},
            {"failed", counts.failed},   {"not_implemented", counts.not_implemented}, {"errors", counts.errors},   {"skipped", counts.skipped},
            {"xfailed", counts.xfailed}, {"xpassed", counts.xpassed},
            {"not_run", counts.not_run}};
}

Json exchange_json(const HttpExchange& exchange) {
    Json out;
    out["method"] = text(exchange.method);
    out["url"] = text(exchange.url);
    out["request_headers"] = pairs(exchange.request_headers);
    out["request_body"] = body(exchange.request_body);
    out["status"] = exchange.status ? Json(*exchange.status) : Json(nullptr);
    out["response_headers"] = pairs(exchange.response_headers);
    out["response_body"] = body(exchange.response_body);
    out["transport_error"] = text(exchange.transport_error);
    out["started"] = time(exchange.started);
    out["finished"] = time(exchange.finished);
    out["seconds"] = seconds(exchange.started, exchange.finished);
    return out;
}

Json case_json(const CaseResult& result) {
    Json out;
    out["id"] = text(result.id);
    out["endpoint"] = text(result.endpoint);
    out["kind"] = text(result.kind);
    out["title"] = text(result.title);
    out["level"] = text(result.level);
    out["spec"] = Json::array();
    for (const auto& ref : result.spec)
        out["spec"].push_back({{"edition", text(ref.edition)},
                               {"section", text(ref.section)},
                               {"url", text(ref.url)},
                               {"judged_edition", text(ref.judged_edition)},
                               {"judged_url", text(ref.judged_url)},
                               {"says", text(ref.says)}});
    out["verdict"] = to_string(result.verdict);
    out["message"] = text(result.message);
    out["checks"] = Json::array();
    for (const auto& check : result.checks)
        out["checks"].push_back({{"name", text(check.name)},
                                 {"verdict", to_string(check.verdict)},
                                 {"level", text(check.level)},
                                 {"sentences", lines(check.sentences)},
                                 {"freedoms", lines(check.freedoms)},
                                 {"expected", text(check.expected)},
                                 {"actual", text(check.actual)}});
    out["exchanges"] = Json::array();
    for (const auto& exchange : result.exchanges) out["exchanges"].push_back(exchange_json(exchange));
    out["side_channel"] = lines(result.side_channel);
    out["curl"] = detail::valid_utf8(detail::cap_bytes(result.curl, detail::curl_limit));
    out["known_failure_reason"] = text(result.known_failure_reason);
    out["known_failure_entry"] = text(result.known_failure_entry);
    out["not_run"] = result.not_run;
    out["started"] = time(result.started);
    out["finished"] = time(result.finished);
    out["seconds"] = seconds(result.started, result.finished);
    return out;
}

Json sentence_json(const Sentence& sentence) {
    return {{"id", text(sentence.id)},   {"level", text(sentence.level)}, {"says", text(sentence.says)},
            {"section", text(sentence.section)}, {"url", text(sentence.url)}, {"endpoint", text(sentence.endpoint)}};
}

Json sentences_json(const std::vector<Sentence>& sentences) {
    auto array = Json::array();
    for (const auto& sentence : sentences) array.push_back(sentence_json(sentence));
    return array;
}

/// Each broken sentence with the case IDs that show it, and with several editions the editions.
Json broken_json(const RunResult& run) {
    auto array = Json::array();
    for (const auto& entry : broken_sentences(run)) {
        auto one = sentence_json(*entry.sentence);
        one.erase("endpoint");
        one["cases"] = Json::array();
        for (const auto* result : entry.cases) one["cases"].push_back(text(result->id));
        if (run.several_editions()) {
            one["editions"] = Json::array();
            for (const auto index : entry.editions) one["editions"].push_back(text(run.editions[index].edition));
        }
        array.push_back(std::move(one));
    }
    return array;
}

void cases_member(StreamedObject& object, const std::vector<CaseResult>& cases) {
    object.array_member("cases", cases.size(), [&](std::size_t i) { return case_json(cases[i]); });
}

Json matrix_json(const RunResult& run) {
    auto matrix = Json::object();
    for (std::size_t i = 0; i < run.case_list().size(); ++i) {
        auto verdicts = Json::object();
        for (const auto* result : detail::row_of(run, i)) verdicts[text(run.edition_of(*result)).get<std::string>()] = detail::state_of(*result);
        matrix[text(run.case_list()[i].id).get<std::string>()] = std::move(verdicts);
    }
    return matrix;
}

/// Each edition as a run of it alone would report it, and the verdict of every case in every edition.
void add_editions(const RunResult& run, StreamedObject& document) {
    document.objects_member("editions", run.editions.size(), [&](std::size_t i, StreamedObject& object) {
        const auto& edition = run.editions[i];
        object.member("edition", text(edition.edition));
        object.member("conforms", edition.conforms());
        object.member("counts", counts_json(edition.counts()));
        cases_member(object, edition.cases);
        object.member("sentences", sentences_json(edition.sentences));
    });
    document.member("matrix", matrix_json(run));
    auto conforming = Json::array();
    for (const auto index : detail::conforming_editions(run)) conforming.push_back(text(run.editions[index].edition));
    document.member("conforming_editions", conforming);
    document.member("shared", {{"units", run.sharing.units}, {"exchanges", run.sharing.exchanges}, {"judgements", run.sharing.judgements},
                                  {"distinct_judgements", run.sharing.distinct_judgements}});
}

}  // namespace

void write_json(const RunResult& run, std::ostream& out) {
    StreamedObject document(out, 0);
    document.member("tool_version", text(run.tool_version));
    document.member("target", text(run.target));
    document.member("edition", text(run.edition));
    document.member("edition_source", text(run.edition_source));
    document.member("advertised_editions", lines(run.advertised_editions));
    document.member("edition_note", text(run.edition_note));
    document.member("profile", text(run.profile));
    document.member("seed", text(run.seed));
    document.member("properties", pairs(run.properties));
    auto warnings = run.warnings;
    for (const auto& arrival : run.unattributed) warnings.push_back(describe(arrival));
    document.member("warnings", lines(warnings));
    auto unattributed = Json::array();
    for (const auto& arrival : run.unattributed)
        unattributed.push_back({{"what", text(arrival.what)}, {"carried", text(arrival.carried)}, {"reason", text(arrival.reason)}});
    document.member("unattributed", unattributed);
    document.member("interrupted", run.interrupted);
    document.member("started", time(run.started));
    document.member("finished", time(run.finished));
    document.member("seconds", seconds(run.started, run.finished));
    document.member("planned", run.planned);
    document.member("counts", counts_json(run.counts()));
    document.member("rate_limited", run.rate_limited);
    cases_member(document, run.cases);
    document.member("sentences", sentences_json(run.sentences));
    document.member("broken_sentences", broken_json(run));
    if (run.several_editions()) add_editions(run, document);
    document.close();
    out << '\n';
}

}  // namespace mx3pid::reports
