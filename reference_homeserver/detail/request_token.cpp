#include "reference_homeserver/detail/request_token.hpp"

#include "reference_homeserver/variants.hpp"

namespace mx3pid::reference_homeserver::detail {

RequestTokenService::RequestTokenService(Config config, Poster poster, Mailer mailer)
    : accounts_(account_settings(config), [this](auto&... session) { return find_validated(state_, session...); }),
      state_(with_accounts(config, accounts_), std::move(poster), std::move(mailer)),
      stages_(make_stages(config.variant)) {}

void RequestTokenService::set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries) {
    state_.set_denied(std::move(email_domains), std::move(msisdn_countries));
}

void RequestTokenService::set_public_base_url(std::string url) { state_.set_public_base_url(std::move(url)); }

net::Response RequestTokenService::versions() {
    const auto advertised = state_.config().advertised;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& name : advertised) list.push_back(name);
    for (const auto& edition : spec::Edition::all()) {
        if (!advertised.empty() || state_.edition() < edition) break;
        list.push_back(edition.name());
    }
    return stages_->json_answer(200, {{"versions", list}, {"unstable_features", nlohmann::json::object()}});
}

net::Response RequestTokenService::handle(const net::Request& request) {
    auto response = answer(request);
    stages_->add_cors(response);
    return response;
}

net::Response RequestTokenService::answer(const net::Request& request) {
    auto path = request.path();
    if (path == "/_matrix/client/versions") {
        if (request.method != "GET") return stages_->error(405, "M_UNRECOGNIZED", "use GET");
        return versions();
    }
    if (path == submit_path) return stages_->submit_token(state_, request);
    if (auto answer = stages_->other_path(state_, request)) return *answer;
    if (auto answer = accounts_.handle(request)) return *answer;
    for (std::string_view prefix : {"/_matrix/client/r0", "/_matrix/client/v3"}) {
        if (path.rfind(prefix, 0) != 0) continue;
        const auto* found = spec::find_endpoint_by_path(std::string_view(path).substr(prefix.size()));
        const auto* endpoint = found ? stages_->route(*found) : nullptr;
        if (endpoint && !stages_->offered(state_, *endpoint)) endpoint = nullptr;
        if (!endpoint) break;
        if (request.method == "OPTIONS")
            if (auto answer = stages_->preflight()) return *answer;
        if (request.method != "POST" && request.method != "OPTIONS") return stages_->wrong_method();
        auto config = state_.config();
        auto validation = endpoint->medium == spec::Medium::email ? config.email_validation : config.msisdn_validation;
        Exchange exchange{state_, std::move(config), *endpoint, request, validation, {}, {}, {}, {}, {}};
        return stages_->run(exchange);
    }
    return stages_->unknown_endpoint();
}

}  // namespace mx3pid::reference_homeserver::detail
