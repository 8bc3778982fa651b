// Cases that prove delivery: a server that validates email itself, answers every valid request 200
// and mails nothing (builtin:self-no-mail) fails every email case whose request is valid at full
// depth — the boundary values (the longest and shortest secret, integers past 32 bits), a body
// without Content-Type, the JSON a parser may take (a byte-order mark, a repeated name, deep nesting:
// the reference takes them, so the silent server must deliver there too), an id_server without id_access_token, which it may serve, and an untrusted
// id_server, which it may ignore — on the checks that look for the delivered token; the reference
// passes the same cases.
#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "temp_dir.hpp"

using namespace mx3pid::testing;
using Json = nlohmann::json;

namespace {

// Email mailed by the server, with the bound addresses the built-in server binds, so that the
// password-reset cases run too.
const std::string self_validating_profile = R"(homeserver: builtin
validation: {email: self, msisdn: delegate}
fresh: {email_domain: allowed.example, msisdn: {country: GB, prefix: "7700"}}
bound: {email: taken@allowed.example, msisdn: {country: GB, phone_number: "7700900001"}}
denied: {email: someone@denied.example, msisdn: {country: US, phone_number: "2025550123"}}
)";

/// The kinds whose request is valid for a server that validates email itself: the server must serve
/// them and deliver a token (or, where it may refuse, deliver one when it serves).
bool valid_request(const std::string& kind) {
    static const std::set<std::string> hand_written{"valid", "valid-no-id_server", "valid-no-next_link", "no-content-type", "repeat",
                                                    "resend", "client_secret-255", "id_access_token-missing", "untrusted-id_server"};
    static const std::regex derived(
        R"(client_secret\.(shortest|longest)|send_attempt\.(2147483648|9007199254740991)|body\.(no-content-type|byte-order-mark|duplicate-key|deep-nesting))");
    return hand_written.count(kind) || std::regex_match(kind, derived);
}

struct Judged {
    Json report;
    int code = -1;
};

Judged run_full(const std::string& homeserver, const std::string& edition, const TempDir& dir) {
    const auto profile = dir.write("self.yaml", self_validating_profile);
    const auto json = (dir.path() / (homeserver.substr(homeserver.find(':') + 1) + "-" + edition + ".json")).string();
    auto result = run({"--homeserver", homeserver, "--profile", profile, "--spec", edition, "--depth", "full", "--json", json,
                       "--filter", "*/email/*", "--quiet"});
    return {Json::parse(read(json)), result.code};
}

}  // namespace

class SilentServer : public ::testing::TestWithParam<std::string> {};

TEST_P(SilentServer, FailsEveryValidEmailRequestOnItsDeliveryAndTheReferencePassesThem) {
    TempDir dir;
    const auto silent = run_full("builtin:self-no-mail", GetParam(), dir);
    const auto reference = run_full("builtin", GetParam(), dir);
    EXPECT_EQ(silent.code, 1);
    EXPECT_EQ(reference.code, 0);
    std::map<std::string, std::string> by_reference;
    for (const auto& one : reference.report["cases"]) by_reference[one["id"].get<std::string>()] = one["verdict"].get<std::string>();

    std::set<std::string> kinds;
    int judged = 0;
    for (const auto& one : silent.report["cases"]) {
        const std::string id = one["id"], kind = one["kind"];
        if (!valid_request(kind) || one["verdict"] == "skip") continue;
        ++judged;
        kinds.insert(kind);
        EXPECT_EQ(one["verdict"], "fail") << id << " passes a server that mails nothing: " << one["message"];
        EXPECT_EQ(by_reference[id], "pass") << id << " against the reference";
        bool delivery_failed = false;
        for (const auto& check : one["checks"]) {
            const std::string name = check["name"];
            delivery_failed = delivery_failed || (check["verdict"] == "fail" && (name == "delivered" || name == "validation tokens delivered"));
        }
        EXPECT_TRUE(delivery_failed) << id << " fails, but not on its delivery: " << one["message"];
    }
    // Every kind above ran on each of the three email endpoints: nothing was left out unseen.
    for (const char* kind : {"valid", "client_secret-255", "id_access_token-missing", "untrusted-id_server", "body.deep-nesting", "client_secret.longest",
                             "client_secret.shortest", "send_attempt.2147483648", "send_attempt.9007199254740991"})
        EXPECT_TRUE(kinds.count(kind)) << kind << " did not run";
    EXPECT_GE(judged, 3 * 12) << "valid email requests judged";
}

// v1.11: every kind; r0.6.1: before the v3 paths and a JSON body without Content-Type.
INSTANTIATE_TEST_SUITE_P(Editions, SilentServer, ::testing::Values("v1.11", "r0.6.1"),
                         [](const auto& info) { return std::string(info.param == "v1.11" ? "v1_11" : "r0_6_1"); });
