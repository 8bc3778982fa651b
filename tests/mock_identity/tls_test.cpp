// The mock identity server over HTTPS, as a proxying homeserver reaches https://{id_server}/….
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mock_identity/identity_server.hpp"
#include "net/client.hpp"

namespace {

using namespace mx3pid;
using nlohmann::json;

class CaFile {
public:
    explicit CaFile(const std::string& pem) {
        std::string pattern = (std::filesystem::temp_directory_path() / "mx3pid-ca-XXXXXX").string();
        int fd = ::mkstemp(pattern.data());
        if (fd >= 0) ::close(fd);
        path_ = pattern;
        std::ofstream(path_, std::ios::binary | std::ios::trunc) << pem;
    }
    ~CaFile() { std::filesystem::remove(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

mock_identity::ListenOptions with_tls(const net::TlsIdentity& identity) {
    mock_identity::ListenOptions options;
    options.tls = identity;
    return options;
}

net::Request request_token(const std::string& client_secret) {
    json body{{"client_secret", client_secret}, {"email", "alice@example.org"}, {"send_attempt", 1}};
    return net::Request{"POST", "/_matrix/identity/api/v1/validate/email/requestToken",
                        {{"Content-Type", "application/json"}}, body.dump(), ""};
}

}  // namespace

TEST(IdentityServerTls, AnswersRequestTokenOverHttps) {
    const auto identity = net::make_self_signed({"localhost", "127.0.0.1"});
    mock_identity::IdentityServer server(with_tls(identity));
    EXPECT_EQ(server.base_url(), "https://" + server.authority());

    CaFile ca(identity.certificate_pem);
    net::ClientOptions options;
    options.ca_file = ca.path();
    auto outcome = net::send(*net::Url::parse(server.base_url()), request_token("tls-secret"), options);
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    ASSERT_EQ(outcome->status, 200) << outcome->body;
    auto sid = json::parse(outcome->body, nullptr, false).value("sid", "");
    EXPECT_FALSE(sid.empty()) << outcome->body;

    auto requests = server.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].body.value("client_secret", ""), "tls-secret");
    auto messages = server.messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].sid, sid);
}

TEST(IdentityServerTls, RefusesPlainHttpAndUntrustedClients) {
    mock_identity::IdentityServer server(with_tls(net::make_self_signed({"127.0.0.1"})));
    net::ClientOptions options;
    options.read_timeout = std::chrono::seconds(3);
    auto plain = net::send(*net::Url::parse("http://" + server.authority()), request_token("plain"), options);
    EXPECT_FALSE(plain.ok());
    auto untrusted = net::send(*net::Url::parse(server.base_url()), request_token("untrusted"), options);
    ASSERT_FALSE(untrusted.ok());
    EXPECT_EQ(untrusted.failure().error, net::TransportError::tls_failed);
    EXPECT_TRUE(server.requests().empty());
}
