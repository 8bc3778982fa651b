#include "mock_identity/identity_server.hpp"

#include "mock_identity/detail/router.hpp"
#include "mock_identity/detail/state.hpp"
#include "net/server.hpp"

namespace mx3pid::mock_identity {
namespace {

net::ServerOptions server_options(const ListenOptions& listen) {
    auto options = detail::server_options(listen.host, listen.port);
    options.tls = listen.tls;
    return options;
}

}  // namespace

struct IdentityServer::Impl {
    detail::State state;  // declared before the server, so that it outlives the server's threads
    net::Server server;

    explicit Impl(const ListenOptions& options)
        : server([this](const net::Request& request) { return detail::handle(state, request); },
                 server_options(options)) {}
};

IdentityServer::IdentityServer(ListenOptions options) : impl_(std::make_unique<Impl>(options)) {}
IdentityServer::~IdentityServer() = default;

std::string IdentityServer::authority() const { return impl_->server.authority(); }
std::string IdentityServer::base_url() const { return impl_->server.base_url(); }
unsigned short IdentityServer::port() const { return impl_->server.port(); }

std::string IdentityServer::register_access_token() { return impl_->state.register_access_token("@mx3pid:mx3pid.localhost"); }

std::vector<ReceivedRequest> IdentityServer::requests() const { return impl_->state.requests_since(0); }

std::vector<ReceivedRequest> IdentityServer::requests_since(std::uint64_t sequence) const {
    return impl_->state.requests_since(sequence);
}

std::vector<SentMessage> IdentityServer::messages() const { return impl_->state.messages_since(0); }

std::vector<SentMessage> IdentityServer::messages_since(std::uint64_t sequence) const {
    return impl_->state.messages_since(sequence);
}

std::uint64_t IdentityServer::last_request_sequence() const { return impl_->state.last_request_sequence(); }
std::uint64_t IdentityServer::last_message_sequence() const { return impl_->state.last_message_sequence(); }

bool IdentityServer::mark_validated(const std::string& sid) { return impl_->state.mark_validated(sid); }
void IdentityServer::reset() { impl_->state.reset(); }

}  // namespace mx3pid::mock_identity
