#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;
using nlohmann::json;

namespace {

std::string json_text(const RunResult& run) {
    std::ostringstream out;
    write_json(run, out);
    return out.str();
}

}  // namespace

TEST(Json, MatchesGolden) { expect_golden("report.json", json_text(sample_run())); }

TEST(Json, ParsesBackWithTheRunsFields) {
    const auto document = json::parse(json_text(sample_run()));
    EXPECT_EQ(document["tool_version"], "0.1.0");
    EXPECT_EQ(document["edition_source"], "detected");
    EXPECT_EQ(document["interrupted"], false);
    EXPECT_EQ(document["started"], "2024-05-01T12:00:00.000Z");
    EXPECT_DOUBLE_EQ(document["seconds"].get<double>(), 1.234);
    EXPECT_EQ(document["properties"][1], (json{{"name", "filter"}, {"value", "*"}}));
    ASSERT_EQ(document["cases"].size(), 9u);

    std::vector<std::string> verdicts;
    for (const auto& result : document["cases"]) verdicts.push_back(result["verdict"]);
    EXPECT_EQ(verdicts, (std::vector<std::string>{"pass", "fail", "warn", "error", "skip", "xfail", "xpass", "pass",
                                                  "not-implemented"}));

    const auto& duplicate = document["cases"][1];
    EXPECT_EQ(duplicate["id"], "register/email/duplicate");
    EXPECT_EQ(duplicate["spec"][0]["section"], "POST /_matrix/client/r0/register/email/requestToken");
    EXPECT_EQ(duplicate["spec"][0]["judged_edition"], "v1.1");
    EXPECT_EQ(duplicate["spec"][0]["url"],
              "https://spec.matrix.org/legacy/client_server/r0.4.0.html#post-matrix-client-r0-register-email-requesttoken");
    EXPECT_EQ(duplicate["checks"][1]["actual"], "M_UNKNOWN");
    EXPECT_EQ(duplicate["exchanges"][0]["status"], 200);
    EXPECT_DOUBLE_EQ(duplicate["seconds"].get<double>(), 0.025);

    const auto& refused = document["cases"][3]["exchanges"][0];
    EXPECT_TRUE(refused["status"].is_null());
    EXPECT_EQ(refused["transport_error"], "connection refused (127.0.0.1:8008)");
}

TEST(Json, CountsAgreeWithTheJunitReport) {
    const auto run = sample_run();
    const auto counts = json::parse(json_text(run))["counts"];

    std::ostringstream junit;
    write_junit(run, junit);
    pugi::xml_document document;
    ASSERT_TRUE(document.load_string(junit.str().c_str()));
    const auto root = document.child("testsuites");
    std::size_t skipped = 0, tests = 0, failures = 0, errors = 0;
    for (auto suite : root.children("testsuite")) {
        skipped += suite.attribute("skipped").as_ullong();
        tests += suite.attribute("tests").as_ullong();
        failures += suite.attribute("failures").as_ullong();
        errors += suite.attribute("errors").as_ullong();
    }

    EXPECT_EQ(counts["total"].get<std::size_t>(), tests);
    EXPECT_EQ(counts["failed"].get<std::size_t>() + counts["not_implemented"].get<std::size_t>() +
                  counts["xpassed"].get<std::size_t>(),
              failures);
    EXPECT_EQ(counts["errors"].get<std::size_t>(), errors);
    EXPECT_EQ(counts["skipped"].get<std::size_t>() + counts["xfailed"].get<std::size_t>() + counts["not_run"].get<std::size_t>(),
              skipped);
    EXPECT_EQ(counts, (json{{"total", 9}, {"passed", 2}, {"warned", 1}, {"failed", 1}, {"not_implemented", 1}, {"errors", 1},
                            {"skipped", 1}, {"xfailed", 1}, {"xpassed", 1}, {"not_run", 0}}));
}

TEST(Json, NeverThrowsOnInvalidUtf8AndKeepsTheRestOfTheText) {
    auto run = sample_run();
    run.target = "http://\xff\xfe/";
    run.properties.emplace_back("\xC0\x80", "\xED\xA0\x80");
    run.cases[0].title = "truncated \xE2\x82";
    std::string text;
    ASSERT_NO_THROW(text = json_text(run));
    json document;
    ASSERT_NO_THROW(document = json::parse(text));
    EXPECT_EQ(document["target"], "http://\\xff\\xfe/") << "the bytes the server sent, visibly";
    EXPECT_EQ(document["cases"][0]["title"], "truncated \\xe2\\x82");
    const std::string body = document["cases"][1]["exchanges"][0]["response_body"];
    const auto raw_prefix = std::string("{\"errcode\":\"M_UNKNOWN\",\"error\":\"") + std::string("\x00", 1) + "\x01\x1b[31m";
    EXPECT_EQ(body.substr(0, raw_prefix.size()), raw_prefix) << "JSON can carry control characters as escapes";
}

TEST(Json, EmptyRunHasZeroCountsAndNoCases) {
    const auto document = json::parse(json_text(empty_run()));
    EXPECT_EQ(document["cases"], json::array());
    EXPECT_EQ(document["counts"]["total"], 0);
    EXPECT_EQ(document["interrupted"], true);
}

// The writer streams the document member by member and case by case; the text is still laid out as
// the whole document dumped at once would be, for every shape of run.
TEST(Json, IsLaidOutAsTheWholeDocumentDumpedAtOnce) {
    for (const auto& run : {sample_run(), empty_run(), several_editions_run()}) {
        const auto text = json_text(run);
        const auto document = nlohmann::ordered_json::parse(text);
        EXPECT_EQ(text, document.dump(2) + "\n");
    }
}
