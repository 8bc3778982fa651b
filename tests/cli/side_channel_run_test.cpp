// Whole runs about the side channel and what a run could not do: cases a rate limit kept from being
// sent are "not run", never errors; arrivals no key places are listed in every report with the
// reason; and --log leaves a trace naming how each arrival was placed.
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "schema.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;
using Json = nlohmann::json;

TEST(NotRun, CasesARateLimitKeptFromBeingSentAreNotRunNeverErrors) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string(), junit = (dir.path() / "r.xml").string();
    auto result = run({"--homeserver", "builtin:rate-limited-forever", "--max-wait", "1", "--json", json, "--junit", junit});
    const auto report = Json::parse(read(json));
    long flagged = 0, answered_429 = 0;
    for (const auto& one : report["cases"]) {
        if (!one["not_run"].get<bool>()) continue;
        ++flagged;
        EXPECT_EQ(one["verdict"], "skip") << one["id"];
        EXPECT_EQ(one["message"].get<std::string>().rfind("not run: rate limited: the homeserver still answered", 0), 0u)
            << one["message"];
        // Sent and answered 429 until the budget ran out, or never sent once the medium was limited.
        for (const auto& exchange : one["exchanges"]) EXPECT_EQ(exchange["status"], 429) << one["id"];
        answered_429 += !one["exchanges"].empty();
    }
    EXPECT_GT(flagged, 0);
    EXPECT_GT(answered_429, 0) << "the cases that met the 429s are not run too, with their exchanges";
    EXPECT_LT(answered_429, flagged) << "once a medium is limited, its other token cases are never sent";
    EXPECT_EQ(report["counts"]["not_run"].get<long>(), flagged);
    EXPECT_EQ(report["counts"]["failed"].get<long>(), 0);
    EXPECT_EQ(report["counts"]["errors"].get<long>(), 0) << "a server may limit its rate: nothing here is an error";
    EXPECT_EQ(result.code, 6) << "incomplete\n" << result.err;
    const auto xml = read(junit);
    EXPECT_EQ(count(xml, "<skipped type=\"not-run\" message=\"not run: rate limited"), flagged);
    EXPECT_EQ(junit_schema_problems(junit), "");
}

TEST(Unattributed, ForwardsNoKeyPlacesAreListedInEveryReportWithTheReason) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string(), junit = (dir.path() / "r.xml").string();
    const auto markdown = (dir.path() / "r.md").string(), html = (dir.path() / "r.html").string();
    auto result = run({"--homeserver", "builtin:forwards-stripped", "--spec", "r0.5.0", "--filter", "password/email/*,register/email/*",
                       "--json", json, "--junit", junit, "--markdown", markdown, "--html", html, "--color", "never"});
    EXPECT_EQ(result.code, 1) << result.err;
    const auto report = Json::parse(read(json));
    ASSERT_GE(report["unattributed"].size(), 4u);
    const std::string reason = "the profile's bound email address, which several cases share";
    for (const auto& arrival : report["unattributed"]) {
        EXPECT_NE(arrival["what"].get<std::string>().find("a request to the identity server"), std::string::npos);
        EXPECT_EQ(arrival["carried"], "email taken@allowed.example");
        EXPECT_NE(arrival["reason"].get<std::string>().find(reason), std::string::npos) << arrival["reason"];
    }
    const auto listed = static_cast<int>(report["unattributed"].size());
    int in_warnings = 0;
    for (const auto& warning : report["warnings"]) in_warnings += warning.get<std::string>().find(reason) != std::string::npos;
    EXPECT_EQ(in_warnings, listed) << "JSON warnings";
    EXPECT_EQ(count(result.err, "mx3pid: warning: side channel: a request to the identity server"), listed) << "console";
    EXPECT_EQ(count(read(markdown), reason), listed) << "Markdown";
    EXPECT_EQ(count(read(html), "the profile&#39;s bound email address, which several cases share") +
                  count(read(html), reason),
              listed)
        << "HTML";
    const auto xml = read(junit);
    EXPECT_EQ(count(xml, "the profile&apos;s bound email address, which several cases share") + count(xml, reason), listed)
        << "JUnit: the first suite's system-err";
    EXPECT_EQ(junit_schema_problems(junit), "");
}

TEST(Trace, TheLogNamesHowEveryArrivalWasPlacedAndMasksSecrets) {
    TempDir dir;
    const auto log = (dir.path() / "run.log").string(), json = (dir.path() / "r.json").string();
    // Every case here sends a next_link (valid-no-next_link, left out, is placed by its other keys).
    auto result = run({"--homeserver", "builtin:forwards-late", "--spec", "r0.5.0", "--filter", "register/email/*", "--exclude",
                       "*/valid-no-next_link", "--seed", "11", "--no-redact", "--json", json, "--log", log, "--log-level", "debug"});
    ASSERT_EQ(result.code, 0) << result.err;
    const auto text = read(log);
    int arrivals = 0, placed = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find(" arrival: ") == std::string::npos) continue;
        ++arrivals;
        EXPECT_NE(line.find(" placed by its "), std::string::npos) << line;
        placed += line.find("placed by its next_link") != std::string::npos;
    }
    EXPECT_GE(arrivals, 8);
    EXPECT_EQ(placed, arrivals) << "every arrival of a forwarding server carries its case's next_link";
    EXPECT_NE(text.find("settle: "), std::string::npos);
    EXPECT_NE(text.find("POST http://127.0.0.1:"), std::string::npos);
    EXPECT_NE(text.find("  request body: "), std::string::npos) << "bodies at debug";
    EXPECT_NE(text.find("verdict: pass"), std::string::npos);

    // --no-redact shows the run's client secrets in the report; the trace still masks them.
    const auto report = Json::parse(read(json));
    std::regex secret(R"re("client_secret":"(mx3pid-[0-9A-Za-z]{24})")re");
    std::smatch found;
    const auto body = report["cases"][0]["exchanges"][0]["request_body"].get<std::string>();
    ASSERT_TRUE(std::regex_search(body, found, secret)) << body;
    EXPECT_EQ(text.find(found[1].str()), std::string::npos) << "a client secret in the trace";

    const auto shown = (dir.path() / "shown.log").string();
    ASSERT_EQ(run({"--homeserver", "builtin:forwards-late", "--spec", "r0.5.0", "--filter", "register/email/valid", "--seed", "11",
                   "--log", shown, "--log-level", "debug", "--log-secrets"})
                  .code,
              0);
    EXPECT_NE(read(shown).find(found[1].str()), std::string::npos) << "--log-secrets leaves them";
}

TEST(Trace, ALogThatCannotBeWrittenIsAUsageError) {
    TempDir dir;
    const auto file = dir.write("a-file", "");
    const auto log = file + "/run.log";  // under a file, no directory can be made
    auto result = run({"--homeserver", "builtin", "--filter", "register/email/valid", "--log", log});
    EXPECT_EQ(result.code, 2);
    EXPECT_NE(result.err.find("cannot write the log to " + log), std::string::npos) << result.err;
    EXPECT_EQ(run({"--homeserver", "builtin", "--log-level", "verbose"}).code, 2);
}

namespace {

/// The checks of one case of `report` by name, and the case.
const Json& case_of(const Json& report, const std::string& id) {
    for (const auto& one : report["cases"])
        if (one["id"] == id) return one;
    static const Json none;
    return none;
}

const Json& check_of(const Json& one, const std::string& name) {
    for (const auto& check : one["checks"])
        if (check["name"] == name) return check;
    static const Json none;
    return none;
}

}  // namespace

TEST(IdentitySide, KeysTheIdentityApiLacksWarnWhenProxiedAndAreAdviceWhenDelegated) {
    TempDir dir;
    const auto json = (dir.path() / "r.json").string();
    auto proxied = run({"--homeserver", "builtin:identity-extra-keys", "--spec", "v1.11", "--filter", "register/email/valid",
                        "--json", json});
    auto report = Json::parse(read(json));
    const auto& warned = case_of(report, "register/email/valid");
    ASSERT_FALSE(warned.is_null()) << proxied.err;
    EXPECT_EQ(warned["verdict"], "warn");
    const auto& fields = check_of(warned, "identity server fields");
    EXPECT_EQ(fields["verdict"], "warn");
    EXPECT_EQ(fields["level"], "SHOULD");
    EXPECT_NE(fields["actual"].get<std::string>().find("id_server"), std::string::npos) << fields["actual"];
    EXPECT_EQ(fields["sentences"], Json::array({"is.request.email.defined_keys"}));

    auto delegated = run({"--homeserver", "builtin:delegate-extra-keys", "--profile",
                          std::string(MX3PID_SOURCE_DIR) + "/cases/profiles/builtin-delegate.yaml", "--spec", "v1.11", "--filter",
                          "register/email/valid", "--json", json});
    EXPECT_EQ(delegated.code, 0) << delegated.err;
    report = Json::parse(read(json));
    const auto& advised = case_of(report, "register/email/valid");
    ASSERT_FALSE(advised.is_null()) << delegated.err;
    EXPECT_EQ(advised["verdict"], "pass");
    EXPECT_EQ(advised["message"].get<std::string>().rfind("advice: identity server fields: ", 0), 0u) << advised["message"];
    const auto& advice = check_of(advised, "identity server fields");
    EXPECT_EQ(advice["verdict"], "warn");
    EXPECT_EQ(advice["level"], "advice");
    EXPECT_EQ(check_of(advised, "identity server request")["level"], "advice");
    EXPECT_EQ(report["counts"]["warned"].get<long>(), 0);
}
