// Faulty variants that answer with a wrong body: a 200 without a usable sid, error bodies that are
// not the standard error response, a 500 for a valid request.
#include "reference_homeserver/variants/families.hpp"

namespace mx3pid::reference_homeserver::family {
namespace {

using detail::Exchange;
using detail::Stages;
using nlohmann::json;

/// What a fault in every error body breaks where a v1.18 submit_url refuses as submitToken does.
Kill submit_refusals() {
    return {.sentences = {"cs.response.submit_url.token_incorrect", "cs.response.submit_url.invalid_param"}, .editions = ">= v1.18"};
}

/// What a fault in every sid of a 200 breaks, beside the sid's own sentence: r0.4.0's identity-server sid.
Kill sid_kill(std::string_view sentence) { return {.sentences = {sentence, "cs.response.sid.from_identity_server.r0_4"}}; }

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
json empty_sid(Exchange&, const std::string&) { return ""; }
json own_sid(Exchange& x, const std::string&) { return x.state.new_id("hs"); }

struct ErrorWithoutErrcode : Stages {
    net::Response error(int status, std::string_view, std::string_view message) override {
        return json_answer(status, json{{"error", message}});
    }
};

struct ErrorMessageNumber : Stages {
    net::Response error(int status, std::string_view errcode, std::string_view) override {
        return json_answer(status, json{{"errcode", errcode}, {"error", 400}});
    }
};

/// Every refusal says M_UNKNOWN, whatever code its situation is given.
struct ErrcodeUnknown : Stages {
    net::Response error(int status, std::string_view, std::string_view message) override {
        return Stages::error(status, "M_UNKNOWN", message);
    }
};

/// Validating by mail itself, answers submit_url as a number.
struct SubmitUrlNumber : Stages {
    net::Response answer(Exchange& x, const std::string& sid, const std::optional<std::string>& submit_url) override {
        if (!submit_url || x.validation != spec::Validation::self) return Stages::answer(x, sid, submit_url);
        return json_answer(200, json{{"sid", sid}, {"submit_url", 8008}});
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

/// Every JSON answer it gives carries Content-Type text/plain.
struct JsonAsTextPlain : Stages {
    net::Response json_answer(int status, const json& body) override {
        return net::Response::text(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
    }
};

struct ValidRequest500 : Stages {
    net::Response forward(Exchange&) override { return error(500, "M_UNKNOWN", "internal error"); }
    net::Response validate_by_mail(Exchange&) override { return error(500, "M_UNKNOWN", "internal error"); }
};

}  // namespace

std::vector<Variant> faulty_answers() {
    const std::vector<std::string_view> every_profile{"builtin", "builtin-delegate", "builtin-self", "builtin-enumeration",
                                                      "builtin-no-3pid-msisdn", "builtin-oauth-only"};
    return {
        {.name = "no-sid", .description = "200 without a sid", .kills = {sid_kill("cs.response.sid.required")},
         .make = make<WrongSid<no_sid>>},
        {.name = "sid-not-string", .description = "a sid that is a number", .kills = {sid_kill("cs.response.sid.type")},
         .make = make<WrongSid<number_sid>>},
        {.name = "sid-forbidden-character", .description = "a sid with a '/' in it", .kills = {sid_kill("cs.response.sid.grammar")},
         .make = make<WrongSid<slashed_sid>>},
        {.name = "sid-too-long", .description = "a sid of 256 characters", .kills = {sid_kill("cs.response.sid.max_length")},
         .make = make<WrongSid<long_sid>>},
        {.name = "sid-empty", .description = "an empty sid", .kills = {sid_kill("cs.response.sid.not_empty")},
         .make = make<WrongSid<empty_sid>>},
        {.name = "submit-url-number", .description = "validating by mail itself, answers submit_url as a number",
         .kills = {{.sentences = {"cs.response.submit_url.type"}, .modes = {spec::Validation::self}}}, .profiles = {"builtin-self"},
         .editions = ">= r0.5.0", .make = make<SubmitUrlNumber>},
        // From r0.5.0 the sid is opaque: answering one of its own is a freedom, not a fault.
        {.name = "own-sid", .description = "a sid of its own instead of the identity server's",
         .kills = {{.sentences = {"cs.response.sid.from_identity_server.r0_4"}}}, .editions = "< r0.5.0",
         .make = make<WrongSid<own_sid>>},
        {.name = "error-without-errcode", .description = "error bodies lack errcode",
         .kills = {{.sentences = {"cs.error.schema.errcode_required", "cs.error.both_keys*"}}, submit_refusals()},
         .profiles = every_profile, .make = make<ErrorWithoutErrcode>},
        {.name = "error-not-json", .description = "error bodies are plain text",
         .kills = {{.sentences = {"cs.error.standard*", "cs.api.json_baseline", "cs.api.response_object"}}, submit_refusals()},
         .profiles = every_profile, .make = make<ErrorNotJson>},
        {.name = "json-as-text-plain", .description = "every JSON answer is labelled text/plain (a SHOULD before v1.4, a MUST from v1.4)",
         .kills = {{.sentences = {"cs.api.content_type.r0", "cs.api.response_content_type"}}},
         .profiles = every_profile, .make = make<JsonAsTextPlain>},
        {.name = "error-without-message", .description = "error bodies lack the error string",
         .kills = {{.sentences = {"cs.error.both_keys*"}}}, .profiles = every_profile, .make = make<ErrorWithoutMessage>},
        {.name = "error-message-number", .description = "error bodies give error as a number",
         .kills = {{.sentences = {"cs.error.schema.error_type"}}}, .make = make<ErrorMessageNumber>},
        {.name = "errcode-unknown", .description = "every refusal says M_UNKNOWN, whatever its situation",
         .kills = {breaks({"cs.error.code.*", "is.error.code.*", "cs.register.*.errcode", "cs.3pid.*.errcode*",
                           "cs.password.*.errcode*", "cs.password.in_use.never", "cs.denied.errcode", "cs.error.unrecognized.*"}),
                   submit_refusals()},
         .profiles = {"builtin", "builtin-self", "builtin-no-3pid-msisdn", "builtin-oauth-only"}, .make = make<ErrcodeUnknown>},
        {.name = "valid-request-500", .description = "a valid request gets 500",
         .kills = {breaks(declined_validation())},
         .make = make<ValidRequest500>},
    };
}

}  // namespace mx3pid::reference_homeserver::family
