// Faulty variants that answer with a wrong body: a 200 without a usable sid, error bodies that are
// not the standard error response, a 500 for a valid request.
#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;

/// Every case whose answer is an error, from edition `from` on: what a fault in every error body breaks.
std::vector<Kill> error_answers(const std::string& from) {
    const std::string since = ">= " + from;
    std::vector<Kill> kills;
    for (std::string_view cases :
         {"*/duplicate", "*/denied", "*/missing-*", "*/client_secret-forbidden-*",
          "*/client_secret-empty", "*/client_secret-256", "*/client_secret-non-ascii", "*/client_secret-number",
          "*/send_attempt-*", "*/email-object", "*/phone_number-array", "*/body-*", "*/email-malformed",
          "*/country-lowercase", "*/phone_number-malformed"})
        kills.push_back({cases, since});
    const auto derived = derived_refusals(since);
    kills.insert(kills.end(), derived.begin(), derived.end());
    // What a wrong method gets is said from v1.6 on only.
    kills.push_back({"*/wrong-method", from == "r0.4.0" ? ">= v1.6" : since});
    // Before r0.5.0 add and reset are only asked to refuse an untrusted id_server (SHOULD): a warning is the kill.
    kills.push_back({"*/untrusted-id_server", since});
    return kills;
}

/// Every case whose answers are 200s with a sid: what a fault in every successful answer breaks.
std::vector<Kill> successful_answers() {
    return {{"*/valid"}, {"*/repeat"}, {"*/resend"}, {"*/client_secret-255"}, {"*/id_access_token-missing", ">= r0.6.0"}};
}

/// Answers 200 with `sid` replaced by what `Wrong` makes of it.
template <json (*Wrong)(Exchange&, const std::string&)>
struct WrongSid : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        json reply = json::object();
        if (auto wrong = Wrong(x, sid); !wrong.is_discarded()) reply["sid"] = wrong;
        if (submit_url) reply["submit_url"] = *submit_url;
        return json_answer(200, reply);
    }
};

json no_sid(Exchange&, const std::string&) { return json(json::value_t::discarded); }
json number_sid(Exchange&, const std::string&) { return 1234; }
json slashed_sid(Exchange&, const std::string& sid) { return sid + "/x"; }
json long_sid(Exchange&, const std::string&) { return std::string(256, 's'); }
json own_sid(Exchange& x, const std::string&) { return x.state.new_id("hs"); }

struct ErrorWithoutErrcode : Stages {
    net::Response error(int status, std::string_view, std::string_view message) override {
        return json_answer(status, json{{"error", message}});
    }
};

struct ErrorWithoutMessage : Stages {
    net::Response error(int status, std::string_view errcode, std::string_view) override {
        return json_answer(status, json{{"errcode", errcode}});
    }
};

struct ErrorNotJson : Stages {
    net::Response error(int status, std::string_view errcode, std::string_view message) override {
        return net::Response::text(status, std::string(errcode) + ": " + std::string(message));
    }
};

struct ErrorWrongContentType : Stages {
    net::Response error(int status, std::string_view errcode, std::string_view message) override {
        return net::Response::text(status, json{{"errcode", errcode}, {"error", message}}.dump());
    }
};

struct ValidRequest500 : Stages {
    net::Response forward(Exchange&) override { return error(500, "M_UNKNOWN", "internal error"); }
    net::Response validate_by_mail(Exchange&) override { return error(500, "M_UNKNOWN", "internal error"); }
};

}  // namespace

std::vector<Variant> faulty_answers() {
    return {
        {.name = "no-sid", .description = "200 without a sid", .kills = successful_answers(), .make = make<WrongSid<no_sid>>},
        {.name = "sid-not-string", .description = "a sid that is a number", .kills = successful_answers(),
         .make = make<WrongSid<number_sid>>},
        {.name = "sid-forbidden-character", .description = "a sid with a '/' in it", .kills = successful_answers(),
         .make = make<WrongSid<slashed_sid>>},
        {.name = "sid-too-long", .description = "a sid of 256 characters", .kills = successful_answers(),
         .make = make<WrongSid<long_sid>>},
        // From r0.5.0 the sid is opaque: answering one of its own is a freedom, not a fault.
        {.name = "own-sid", .description = "a sid of its own instead of the identity server's", .kills = {{"*/valid"}},
         .editions = "< r0.5.0", .make = make<WrongSid<own_sid>>},
        {.name = "error-without-errcode", .description = "error bodies lack errcode", .kills = error_answers("r0.4.0"),
         .make = make<ErrorWithoutErrcode>},
        {.name = "error-not-json", .description = "error bodies are plain text", .kills = error_answers("r0.4.0"),
         .make = make<ErrorNotJson>},
        {.name = "error-wrong-content-type", .description = "error bodies are JSON but sent as text/plain (wrong from v1.4)",
         .kills = error_answers("v1.4"), .make = make<ErrorWrongContentType>},
        {.name = "error-without-message", .description = "error bodies lack the error string",
         .kills = error_answers("r0.4.0"), .make = make<ErrorWithoutMessage>},
        {.name = "valid-request-500", .description = "a valid request gets 500", .kills = successful_answers(),
         .make = make<ValidRequest500>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
