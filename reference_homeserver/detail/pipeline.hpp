#pragma once
// The reference homeserver's answer to a requestToken request, as a pipeline of named stages:
//   check_medium → parse_body → check_fields → check_address → rate_limit → policy → bound_state → deliver
// where deliver is proxy/delegate (choose_identity_server → forward) or self (validate_by_mail),
// and every answer goes through answer / error / json_answer. A stage that returns a response ends
// the request with it. A variant (variants/*.cpp) is a subclass that overrides a stage or two.
// Stages are shared by the server's threads: an override keeps its own state thread-safe.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "net/message.hpp"
#include "reference_homeserver/detail/state.hpp"
#include "spec/endpoints.hpp"
#include "spec/validation.hpp"

namespace mx3pid::reference_homeserver::detail {

/// Where the link in a validation mail (and the submit_url of self validation) points.
inline constexpr std::string_view submit_path = "/_matrix/client/unstable/mx3pid/submit_token";

/// The request's fields, as the checks read them.
struct Fields {
    std::string client_secret, email, country, phone_number, id_server, id_access_token, next_link;
    std::int64_t send_attempt = 0;
};

/// One requestToken request on its way through the stages.
struct Exchange {
    State& state;
    const Config config;  ///< as it was when the request arrived
    const spec::Endpoint& endpoint;
    const net::Request& request;
    spec::Validation validation;
    nlohmann::json body;  ///< set by parse_body
    Fields fields;        ///< set by check_fields
    Address address;      ///< set by check_address
    std::string identity_base;   ///< set by choose_identity_server: "scheme://host:port" to deliver to
    std::string identity_token;  ///< the bearer token for it (v2), empty for v1

    bool since(Epoch epoch) const { return state.since(epoch); }  ///< does the server's edition hold the epoch?
};

/// The identity-server API a delivery goes through.
struct IdentityApi {
    std::string prefix;  ///< "/_matrix/identity/api/v1" or "/_matrix/identity/v2"
    std::string bearer;  ///< empty for v1
};

class Stages {
public:
    virtual ~Stages() = default;

    /// Drives the request stages in order.
    net::Response run(Exchange& exchange);

    // --- routing ---------------------------------------------------------------------------------
    /// The endpoint a path resolves to; null: answered as not implemented here.
    virtual const spec::Endpoint* route(const spec::Endpoint& endpoint) { return &endpoint; }
    /// Whether the server offers the endpoint: from v1.15 one without the legacy API (config
    /// legacy_api false) lacks registration and password reset.
    virtual bool offered(const State& state, const spec::Endpoint& endpoint);
    /// The answer to a path that is no endpoint here.
    virtual net::Response unknown_endpoint() { return error(404, "M_UNRECOGNIZED", "unrecognised request"); }
    /// A request on a path that is none of the six endpoints; null: not one of this variant's either.
    virtual std::optional<net::Response> other_path(State& state, const net::Request& request) { return std::nullopt; }
    virtual net::Response wrong_method();
    /// The answer to a CORS pre-flight (OPTIONS); null: the request runs as if it were a POST.
    virtual std::optional<net::Response> preflight() { return json_answer(200, nlohmann::json::object()); }
    virtual std::size_t body_limit() const { return 64 * 1024; }
    /// Adds the CORS headers Web Browser Clients recommends to every answer.
    virtual void add_cors(net::Response& response);

    // --- the request stages ------------------------------------------------------------------------
    /// 400 M_THREEPID_MEDIUM_NOT_SUPPORTED on /account/3pid for a medium the config leaves out.
    virtual std::optional<net::Response> check_medium(Exchange& exchange);
    virtual std::optional<net::Response> parse_body(Exchange& exchange);
    virtual std::optional<net::Response> check_fields(Exchange& exchange);
    virtual std::optional<net::Response> check_address(Exchange& exchange);
    virtual std::optional<net::Response> rate_limit(Exchange& exchange) { return std::nullopt; }
    virtual std::optional<net::Response> policy(Exchange& exchange);
    /// The refusal the address's bound state calls for, hidden by conceal under enumeration protection.
    virtual std::optional<net::Response> bound_state(Exchange& exchange);
    virtual net::Response deliver(Exchange& exchange);

    // --- parts of the stages -----------------------------------------------------------------------
    virtual bool id_server_required(const Exchange& exchange);
    virtual std::optional<std::int64_t> read_send_attempt(const nlohmann::json& value);
    virtual bool client_secret_valid(const std::string& secret);
    /// From v1.14 next_link carries the format 'uri': an absolute URI of URI characters, never empty.
    virtual bool next_link_valid(const Exchange& exchange, const std::string& next_link);
    /// 400 M_THREEPID_IN_USE / M_THREEPID_NOT_FOUND when the bound state is wrong for the endpoint.
    virtual std::optional<net::Response> state_refusal(Exchange& exchange);
    /// The answer that hides the bound state: 200, a notice mail for email validated here, no token.
    virtual net::Response conceal(Exchange& exchange);
    virtual bool trusts(const Exchange& exchange, const std::string& id_server);
    /// Sets identity_base (proxy: id_server, delegate: the configured one), or refuses.
    virtual std::optional<net::Response> choose_identity_server(Exchange& exchange);
    virtual IdentityApi identity_api(Exchange& exchange);
    /// What is posted to the identity server's validate/*/requestToken.
    virtual nlohmann::json identity_body(Exchange& exchange);
    virtual net::Response forward(Exchange& exchange);
    virtual net::Response validate_by_mail(Exchange& exchange);
    /// Under State's lock (so it must not call State): whether to mail for this request, given the session (new or as before).
    virtual bool should_mail(Exchange& exchange, Session& session, bool created);
    virtual std::string validation_link(Exchange& exchange, const Session& session);
    /// RFC 5322 text of a mail the server sends.
    virtual std::string mail_text(const std::string& to, const std::string& subject, const std::string& body);
    virtual bool send_mail(Exchange& exchange, const std::string& to, const std::string& text);

    // --- answers -----------------------------------------------------------------------------------
    /// The 200 to a requestToken.
    virtual net::Response answer(Exchange& exchange, const std::string& sid, const std::optional<std::string>& submit_url);
    virtual net::Response error(int status, std::string_view errcode, std::string_view message);
    virtual net::Response json_answer(int status, const nlohmann::json& body);
    /// 429 M_LIMIT_EXCEEDED asking to wait `retry_after` (retry_after_ms, and Retry-After in whole seconds).
    net::Response limited(std::chrono::milliseconds retry_after);
    /// GET (the mailed link) or POST (submit_url) with sid, client_secret and token.
    virtual net::Response submit_token(State& state, const net::Request& request);
};

/// The key of the session validate_by_mail keeps for the exchange: medium, address, client_secret.
std::string session_key(const Exchange& exchange);

/// The errcode of an error answer, or empty.
std::string errcode_of(const net::Response& response);

}  // namespace mx3pid::reference_homeserver::detail
