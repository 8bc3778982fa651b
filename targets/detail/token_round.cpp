#include "targets/detail/token_round.hpp"

#include <thread>

#include <nlohmann/json.hpp>

namespace mx3pid::targets::detail {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto poll_every = 10ms;

}  // namespace

bool names_id_server(spec::Validation validation, const spec::Edition& edition) {
    static const auto optional_from = *spec::Edition::parse("r0.6.0");
    return edition < optional_from || validation == spec::Validation::proxy;
}

namespace {

/// The answer's string field `key`; empty without an answer, a JSON object or that field.
std::string answered_string(const engine::Answer& answer, const char* key) {
    if (!answer.response) return {};
    auto body = json::parse(answer.response->body, nullptr, false);
    if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return {};
    return body[key].get<std::string>();
}

}  // namespace

std::string TokenRound::errcode() const { return answered_string(answer, "errcode"); }
std::string TokenRound::sid() const { return answered_string(answer, "sid"); }

std::string TokenRound::said() const {
    if (!answer.response) return "could not be asked: " + answer.error;
    auto text = "answered " + std::to_string(answer.response->status);
    if (auto code = errcode(); !code.empty()) text += " " + code;
    if (accepted()) text += token_sent() ? " and a token was sent" : " and no token was sent";
    return text;
}

TokenRounds::TokenRounds(const FixtureContext& context, const suite::Profile& profile)
    : context_(context),
      profile_(profile),
      http_(context.client),
      asker_(http_, profile.max_rate_limit_wait),
      request_context_{context.homeserver.path,
                       context.edition,
                       {context.id_server, context.identity.register_access_token()},
                       {context.decoy.authority(), context.decoy.register_access_token()}} {}

std::string TokenRounds::client_path(const std::string& below) const {
    auto base = context_.homeserver.path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/_matrix/client/" + std::string(context_.edition.client_prefix()) + below;
}

engine::Answer TokenRounds::send(const net::Request& request) {
    return asker_.ask(context_.homeserver, request, secrets_, transcript_, true);
}

net::Request TokenRounds::valid_request(const spec::Endpoint& endpoint, const engine::CaseValues& values, const std::string& bearer) const {
    suite::RequestSpec valid;
    const bool named = names_id_server(profile_.validation_for(endpoint.medium), context_.edition);
    valid.id_server = named ? suite::IdServerChoice::trusted : suite::IdServerChoice::omit;
    auto request = engine::build_request(endpoint, valid, values, request_context_);
    if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
    return request;
}

TokenRound TokenRounds::ask(const spec::Endpoint& endpoint, const engine::Address& address, std::size_t index,
                            std::chrono::milliseconds wait, const std::string& bearer) {
    TokenRound round;
    // Another server of the run asks with values of its own (FixtureContext::server).
    const auto generated = context_.fixtures.for_case(index + context_.server * 1000003, "setup-" + std::string(endpoint.key));
    round.values = {address, generated.client_secret, generated.next_link, generated.send_attempt};
    secrets_.keep(round.values.client_secret);
    const auto request = valid_request(endpoint, round.values, bearer);

    // A side channel of its own, opened before the request: only what this round caused is seen.
    engine::SideChannel side(context_.identity, context_.decoy, context_.mailbox);
    side.watch(0, engine::CaseIdentity{"setup " + std::string(endpoint.key), address, {round.values.client_secret}});
    round.answer = send(request);
    ++asked_;
    if (auto sid = round.sid(); !sid.empty()) side.learn_sid(0, sid);
    // Only an accepted request is waited on: what a refusal caused decides nothing here.
    const auto deadline = std::chrono::steady_clock::now() + (round.accepted() ? wait : std::chrono::milliseconds(0));
    for (round.seen = side.observe(0); !round.token_sent() && std::chrono::steady_clock::now() < deadline; round.seen = side.observe(0))
        std::this_thread::sleep_for(poll_every);
    for (const auto& message : round.seen.messages) secrets_.keep(message.token);
    return round;
}

}  // namespace mx3pid::targets::detail
