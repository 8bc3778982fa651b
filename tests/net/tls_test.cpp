#include "net/tls.hpp"

#include <sys/stat.h>

#include <atomic>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

#include "net/client.hpp"
#include "net/scripted_server.hpp"
#include "net/server.hpp"
#include "support.hpp"

using namespace mx3pid::net;
using namespace mx3pid::net::testing;

namespace {

ServerOptions tls_options(const TlsIdentity& identity) {
    ServerOptions options;
    options.tls = identity;
    options.idle_timeout = 2s;
    return options;
}

ClientOptions trusting(const std::string& ca_file) {
    ClientOptions options;
    options.ca_file = ca_file;
    options.connect_timeout = 3s;
    options.read_timeout = 3s;
    return options;
}

Url https(const std::string& host, unsigned short port, const std::string& path = "/") {
    return *Url::parse("https://" + host + ":" + std::to_string(port) + path);
}

Request get(const std::string& target) { return Request{"GET", target, {}, "", ""}; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// --- certificates --------------------------------------------------------------------------------------

TEST(TlsIdentity, SelfSignedRoundTripsThroughPemFiles) {
    TempDir dir;
    auto identity = make_self_signed({"localhost", "127.0.0.1", "::1"});
    EXPECT_EQ(identity.certificate_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_EQ(identity.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    write_pem(identity, dir.file("cert.pem"), dir.file("key.pem"));
    struct stat key_stat{};
    ASSERT_EQ(::stat(dir.file("key.pem").c_str(), &key_stat), 0);
    EXPECT_EQ(key_stat.st_mode & 0777, 0600u);
    auto loaded = load_tls_identity(dir.file("cert.pem"), dir.file("key.pem"));
    EXPECT_EQ(loaded.certificate_pem, identity.certificate_pem);
    EXPECT_EQ(loaded.private_key_pem, identity.private_key_pem);
}

TEST(TlsIdentity, OpensslSeesTheNamesAndAcceptsItAsItsOwnAnchor) {
    if (!on_path("openssl")) GTEST_SKIP() << "openssl is not installed";
    TempDir dir;
    auto cert = dir.write("cert.pem", make_self_signed({"localhost", "127.0.0.1"}).certificate_pem);
    auto names = run_command("openssl x509 -noout -ext subjectAltName,basicConstraints -in " + cert);
    ASSERT_EQ(names.status, 0) << names.output;
    EXPECT_TRUE(contains(names.output, "DNS:localhost")) << names.output;
    EXPECT_TRUE(contains(names.output, "IP Address:127.0.0.1")) << names.output;
    auto verified = run_command("openssl verify -x509_strict -purpose sslserver -CAfile " + cert + " " + cert);
    EXPECT_EQ(verified.status, 0) << verified.output;
    EXPECT_TRUE(contains(verified.output, ": OK")) << verified.output;
}

TEST(TlsIdentity, MakeSelfSignedWantsNames) {
    EXPECT_THROW(make_self_signed({}), std::invalid_argument);
    EXPECT_THROW(make_self_signed({"localhost", ""}), std::invalid_argument);
}

TEST(TlsIdentity, LoadingNamesTheFileAtFault) {
    TempDir dir;
    auto identity = make_self_signed({"localhost"});
    auto cert = dir.write("cert.pem", identity.certificate_pem);
    auto key = dir.write("key.pem", identity.private_key_pem);
    auto other_key = dir.write("other-key.pem", make_self_signed({"localhost"}).private_key_pem);
    auto garbage = dir.write("garbage.pem", "not PEM at all\n");
    auto message_of = [](const std::string& cert_file, const std::string& key_file) {
        try {
            load_tls_identity(cert_file, key_file);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no exception");
    };
    EXPECT_TRUE(contains(message_of(dir.file("missing.pem"), key), "missing.pem"));
    EXPECT_TRUE(contains(message_of(cert, dir.file("missing-key.pem")), "missing-key.pem"));
    EXPECT_TRUE(contains(message_of(garbage, key), "garbage.pem"));
    EXPECT_TRUE(contains(message_of(cert, garbage), "garbage.pem"));
    auto mismatch = message_of(cert, other_key);
    EXPECT_TRUE(contains(mismatch, "does not match")) << mismatch;
    EXPECT_TRUE(contains(mismatch, "other-key.pem")) << mismatch;
}

TEST(TlsIdentity, ServerRefusesAKeyThatDoesNotMatch) {
    auto identity = make_self_signed({"localhost"});
    identity.private_key_pem = make_self_signed({"localhost"}).private_key_pem;
    EXPECT_THROW(Server([](const Request&) { return Response::text(200, ""); }, tls_options(identity)),
                 std::runtime_error);
}

// --- client and server over TLS ------------------------------------------------------------------------

class TlsServerTest : public ::testing::Test {
protected:
    TempDir dir;
    TlsIdentity identity = make_self_signed({"localhost", "127.0.0.1"});
    std::string ca_file = dir.write("ca.pem", identity.certificate_pem);
    std::mutex mutex;
    std::vector<std::string> peers;
    Server server{[this](const Request& request) {
                      std::lock_guard lock(mutex);
                      peers.push_back(request.peer);
                      return Response::text(200, "hello " + request.path());
                  },
                  tls_options(identity)};

    std::vector<std::string> seen_peers() {
        std::lock_guard lock(mutex);
        return peers;
    }
};

TEST_F(TlsServerTest, TrustedThroughCaFileByAddressAndByName) {
    EXPECT_EQ(server.base_url(), "https://" + server.authority());
    auto by_address = send(https("127.0.0.1", server.port()), get("/address"), trusting(ca_file));
    ASSERT_TRUE(by_address.ok()) << by_address.failure().describe();
    EXPECT_EQ(by_address->status, 200);
    EXPECT_EQ(by_address->body, "hello /address");
    auto by_name = send(https("localhost", server.port()), get("/name"), trusting(ca_file));
    ASSERT_TRUE(by_name.ok()) << by_name.failure().describe();
    EXPECT_EQ(by_name->body, "hello /name");
}

TEST_F(TlsServerTest, SystemTrustStoreRejectsTheSelfSignedCertificate) {
    auto outcome = send(https("127.0.0.1", server.port()), get("/"), ClientOptions{});
    ASSERT_FALSE(outcome.ok());
    const auto& failure = outcome.failure();
    EXPECT_EQ(failure.error, TransportError::tls_failed);
    EXPECT_TRUE(contains(failure.detail, "certificate verify failed: self-signed certificate (X509 error 18)"))
        << failure.detail;
    EXPECT_TRUE(contains(failure.detail, "127.0.0.1:" + std::to_string(server.port()))) << failure.detail;
    EXPECT_EQ(failure.detail.find('\n'), std::string::npos);
    EXPECT_TRUE(seen_peers().empty());
}

TEST_F(TlsServerTest, InsecureSkipsVerification) {
    ClientOptions options;
    options.insecure = true;
    auto outcome = send(https("127.0.0.1", server.port()), get("/insecure"), options);
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->body, "hello /insecure");
}

TEST_F(TlsServerTest, UnreadableCaFileIsATlsFailureNamingIt) {
    auto missing = send(https("127.0.0.1", server.port()), get("/"), trusting(dir.file("nowhere.pem")));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(missing.failure().detail, "nowhere.pem")) << missing.failure().detail;

    auto empty = send(https("127.0.0.1", server.port()), get("/"), trusting(dir.write("empty.pem", "nothing\n")));
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(empty.failure().detail, "empty.pem")) << empty.failure().detail;
}

TEST_F(TlsServerTest, PlainHttpAndGarbageAreDroppedAndTheServerGoesOn) {
    ClientOptions quick;
    quick.connect_timeout = 2s;
    quick.read_timeout = 2s;
    auto plain = send(*Url::parse("http://127.0.0.1:" + std::to_string(server.port()) + "/"), get("/"), quick);
    ASSERT_FALSE(plain.ok());
    EXPECT_NE(plain.failure().error, TransportError::timeout) << plain.failure().describe();

    RawConnection garbage(server.port());
    ASSERT_TRUE(garbage.connected());
    garbage.send(std::string("\x16\x03\x01\x00\x05hello", 10) + std::string(100, '\xff'));
    EXPECT_TRUE(garbage.closed_by_peer_within(3s));

    auto outcome = send(https("127.0.0.1", server.port()), get("/after"), trusting(ca_file));
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
    EXPECT_EQ(outcome->body, "hello /after");
    EXPECT_EQ(seen_peers().size(), 1u);
}

TEST(TlsServer, SilentClientIsDroppedAfterTheIdleTimeout) {
    auto options = tls_options(make_self_signed({"127.0.0.1"}));
    options.idle_timeout = 200ms;
    Server server([](const Request&) { return Response::text(200, ""); }, options);
    RawConnection silent(server.port());
    ASSERT_TRUE(silent.connected());
    EXPECT_TRUE(silent.closed_by_peer_within(3s));
}

TEST(TlsServer, WrongNameIsAHostMismatch) {
    TempDir dir;
    auto identity = make_self_signed({"other.example"});
    auto ca_file = dir.write("ca.pem", identity.certificate_pem);
    Server server([](const Request&) { return Response::text(200, "should not be reached"); }, tls_options(identity));

    auto by_address = send(https("127.0.0.1", server.port()), get("/"), trusting(ca_file));
    ASSERT_FALSE(by_address.ok());
    EXPECT_EQ(by_address.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(by_address.failure().detail, "IP address mismatch")) << by_address.failure().detail;

    auto by_name = send(https("localhost", server.port()), get("/"), trusting(ca_file));
    ASSERT_FALSE(by_name.ok());
    EXPECT_EQ(by_name.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(by_name.failure().detail, "hostname mismatch")) << by_name.failure().detail;
}

TEST_F(TlsServerTest, ClientReusesItsTlsConnection) {
    Client client(trusting(ca_file));
    for (const char* path : {"/one", "/two", "/three"}) {
        auto outcome = client.send(https("127.0.0.1", server.port()), get(path));
        ASSERT_TRUE(outcome.ok()) << outcome.failure().describe();
        EXPECT_EQ(outcome->body, std::string("hello ") + path);
    }
    auto peers = seen_peers();
    ASSERT_EQ(peers.size(), 3u);
    EXPECT_EQ(std::set<std::string>(peers.begin(), peers.end()).size(), 1u);
}

TEST(TlsClient, HandshakeIsBoundedByTheConnectTimeout) {
    ScriptedServer silent([](const std::string&, const std::string&) { return Script{ScriptStep::hang()}; });
    ClientOptions options;
    options.insecure = true;
    options.connect_timeout = 300ms;
    const auto start = Clock::now();
    auto outcome = send(https("127.0.0.1", silent.port()), get("/"), options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::timeout) << outcome.failure().describe();
    EXPECT_LT(Clock::now() - start, 3s);
}

TEST(TlsClient, PlainHttpServerIsATlsFailure) {
    Server plain([](const Request&) { return Response::text(200, "plain"); });
    ClientOptions options;
    options.insecure = true;
    auto outcome = send(https("127.0.0.1", plain.port()), get("/"), options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(outcome.failure().detail, "does not seem to speak TLS")) << outcome.failure().detail;
}

TEST_F(TlsServerTest, CurlTrustsTheCertificateThroughCacert) {
    if (!on_path("curl")) GTEST_SKIP() << "curl is not installed";
    const std::string port = std::to_string(server.port());
    auto result = run_command("curl -sS --max-time 10 --cacert " + ca_file + " --resolve localhost:" + port +
                              ":127.0.0.1 https://localhost:" + port + "/curl");
    EXPECT_EQ(result.status, 0) << result.output;
    EXPECT_EQ(result.output, "hello /curl");
}

// --- interop: socat terminating TLS in front of a plain server ------------------------------------------

class SocatTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!on_path("socat")) GTEST_SKIP() << "socat is not installed";
        write_pem(identity, dir.file("cert.pem"), dir.file("key.pem"));
        port = free_port();
        socat.emplace(std::vector<std::string>{"socat",
                                               "OPENSSL-LISTEN:" + std::to_string(port) +
                                                   ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" +
                                                   dir.file("cert.pem") + ",key=" + dir.file("key.pem"),
                                               "TCP:127.0.0.1:" + std::to_string(backend.port())},
                      dir.file("socat.log"));
        ASSERT_TRUE(accepting_within(port, 5s)) << "socat did not start listening; its log: " << log();
    }
    void TearDown() override { socat.reset(); }

    std::string log() const {
        std::ifstream in(dir.file("socat.log"));
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    TempDir dir;
    TlsIdentity identity = make_self_signed({"localhost", "127.0.0.1"});
    Server backend{[](const Request& request) { return Response::text(200, "behind socat " + request.path()); }};
    unsigned short port = 0;
    std::optional<ChildProcess> socat;
};

TEST_F(SocatTest, TrustedThroughCaFile) {
    auto outcome = send(https("127.0.0.1", port, "/"), get("/through"), trusting(dir.file("cert.pem")));
    ASSERT_TRUE(outcome.ok()) << outcome.failure().describe() << "\nsocat log: " << log();
    EXPECT_EQ(outcome->status, 200);
    EXPECT_EQ(outcome->body, "behind socat /through");

    Client client(trusting(dir.file("cert.pem")));
    for (const char* path : {"/a", "/b"}) {
        auto pooled = client.send(https("localhost", port), get(path));
        ASSERT_TRUE(pooled.ok()) << pooled.failure().describe();
        EXPECT_EQ(pooled->body, std::string("behind socat ") + path);
    }
}

TEST_F(SocatTest, UntrustedWithoutCaFile) {
    ClientOptions options;
    options.connect_timeout = 3s;
    auto outcome = send(https("127.0.0.1", port), get("/"), options);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.failure().error, TransportError::tls_failed);
    EXPECT_TRUE(contains(outcome.failure().detail, "self-signed certificate")) << outcome.failure().detail;
}
