#include "reference_homeserver/homeserver.hpp"

#include "net/client.hpp"
#include "net/server.hpp"
#include "net/smtp_client.hpp"
#include "reference_homeserver/detail/request_token.hpp"

namespace mx3pid::reference_homeserver {

namespace {

detail::Poster poster_trusting(const std::string& ca_file) {
    net::ClientOptions options;
    options.connect_timeout = std::chrono::seconds(5);
    options.read_timeout = std::chrono::seconds(10);
    options.max_response_bytes = 64 * 1024;
    options.ca_file = ca_file;
    return [options](const std::string& url, const std::string& body, const std::string& bearer,
                     const std::string& content_type) -> detail::ForwardResult {
        auto parsed = net::Url::parse(url);
        if (!parsed) return {};
        net::Request request{"POST", parsed->path, {}, body, ""};
        if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
        if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
        auto outcome = net::send(*parsed, std::move(request), options);
        if (!outcome) return {};
        return {true, outcome->status, outcome->body};
    };
}

detail::Mailer mailer_for(const std::string& smtp_authority) {
    return [smtp_authority](const std::string& to, const std::string& message) {
        auto colon = smtp_authority.rfind(':');
        if (colon == std::string::npos) return false;
        net::SmtpTarget target;
        target.host = smtp_authority.substr(0, colon);
        try {
            target.port = static_cast<unsigned short>(std::stoi(smtp_authority.substr(colon + 1)));
        } catch (const std::exception&) {
            return false;
        }
        return net::send_mail(target, net::MailMessage{"reference@mx3pid.invalid", {to}, message}).ok();
    };
}

}  // namespace

struct Homeserver::Impl {
    detail::RequestTokenService service;
    net::Server server;

    Impl(Config config, const ListenOptions& listen)
        : service(config, poster_trusting(config.identity_ca_file), mailer_for(config.smtp_authority)),
          server([this](const net::Request& request) { return service.handle(request); },
                 net::ServerOptions{listen.host, listen.port, service.body_limit(), 64, std::chrono::seconds(10), 4}) {
        service.set_public_base_url(server.base_url());
    }
};

Homeserver::Homeserver(Config config, ListenOptions listen) : impl_(std::make_unique<Impl>(std::move(config), listen)) {}
Homeserver::~Homeserver() = default;

std::string Homeserver::base_url() const { return impl_->server.base_url(); }

void Homeserver::set_denied(std::vector<std::string> email_domains, std::vector<std::string> msisdn_countries) {
    impl_->service.set_denied(std::move(email_domains), std::move(msisdn_countries));
}

}  // namespace mx3pid::reference_homeserver
