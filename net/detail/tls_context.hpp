#pragma once
// OpenSSL contexts for net's clients and servers, and the words for a failed handshake.
#include <memory>
#include <string>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "net/client.hpp"
#include "net/detail/asio.hpp"
#include "net/tls.hpp"

namespace mx3pid::net::detail {

namespace ssl = boost::asio::ssl;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// TLS 1.2+, peer verification against ca_file or the system store, or no verification when insecure.
/// A missing or unusable ca_file is a tls_failed failure naming it.
Outcome<std::shared_ptr<ssl::context>> make_client_context(const ClientOptions& options);

/// TLS 1.2+ with `identity`; throws std::runtime_error when the certificate or key is unusable.
std::shared_ptr<ssl::context> make_server_context(const TlsIdentity& identity);

/// Prepares a client stream for `host`: SNI (for names, not IP literals) and, unless `insecure`,
/// host name or IP address verification of the peer's certificate.
void expect_peer(TlsStream& stream, const std::string& host, bool insecure);

/// One line on why a client handshake with `where` ("host:port") failed: the certificate problem
/// when verification failed, else the TLS or socket error.
std::string describe_handshake_failure(TlsStream& stream, const beast::error_code& ec, const std::string& where);

/// True for errors of the TLS layer itself (alerts, protocol errors, a truncated stream).
bool is_tls_error(const beast::error_code& ec);

}  // namespace mx3pid::net::detail
