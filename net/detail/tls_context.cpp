#include "net/detail/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mx3pid::net::detail {
namespace {

bool is_ip_literal(const std::string& host) {
    beast::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

void require_tls_1_2(ssl::context& context) {
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
}

}  // namespace

Outcome<std::shared_ptr<ssl::context>> make_client_context(const ClientOptions& options) {
    std::shared_ptr<ssl::context> context;
    try {
        context = std::make_shared<ssl::context>(ssl::context::tls_client);
    } catch (const std::exception& e) {
        return TransportFailure{TransportError::tls_failed, std::string("cannot set up TLS: ") + e.what()};
    }
    require_tls_1_2(*context);
    beast::error_code ec;
    if (options.insecure) {
        context->set_verify_mode(ssl::verify_none, ec);
        return context;
    }
    context->set_verify_mode(ssl::verify_peer, ec);
    if (options.ca_file.empty()) {
        context->set_default_verify_paths(ec);
        if (ec)
            return TransportFailure{TransportError::tls_failed, "cannot load the system trust store: " + ec.message()};
        return context;
    }
    if (std::ifstream probe(options.ca_file); !probe)
        return TransportFailure{TransportError::tls_failed,
                                "cannot read CA file " + options.ca_file + ": " + std::strerror(errno)};
    context->load_verify_file(options.ca_file, ec);
    ERR_clear_error();
    if (ec)
        return TransportFailure{TransportError::tls_failed,
                                "no usable PEM certificate in CA file " + options.ca_file + " (" + ec.message() + ")"};
    return context;
}

std::shared_ptr<ssl::context> make_server_context(const TlsIdentity& identity) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    require_tls_1_2(*context);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    beast::error_code ec;
    context->use_certificate_chain(asio::buffer(identity.certificate_pem), ec);
    if (ec) throw std::runtime_error("unusable TLS certificate: " + ec.message());
    context->use_private_key(asio::buffer(identity.private_key_pem), ssl::context::pem, ec);
    if (ec) throw std::runtime_error("unusable TLS private key: " + ec.message());
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("the TLS private key does not match the certificate");
    }
    return context;
}

void expect_peer(TlsStream& stream, const std::string& host, bool insecure) {
    SSL* handle = stream.native_handle();
    const bool literal = is_ip_literal(host);
    if (!literal) SSL_set_tlsext_host_name(handle, host.c_str());  // RFC 6066: no SNI for addresses
    if (insecure) return;
    // OpenSSL's own check (what ssl::host_name_verification calls), so that a mismatch is reported as
    // X509_V_ERR_HOSTNAME_MISMATCH / X509_V_ERR_IP_ADDRESS_MISMATCH in the verify result.
    if (literal) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(handle), host.c_str());
    } else {
        SSL_set_hostflags(handle, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        SSL_set1_host(handle, host.c_str());
    }
}

std::string describe_handshake_failure(TlsStream& stream, const beast::error_code& ec, const std::string& where) {
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (verify != X509_V_OK && SSL_get_verify_mode(stream.native_handle()) != SSL_VERIFY_NONE)
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify) + " (X509 error " +
               std::to_string(verify) + ") for " + where;
    if (ec == asio::error::eof || ec == ssl::error::stream_truncated || ec == asio::error::connection_reset)
        return "connection closed during the TLS handshake with " + where;
    std::string detail = "TLS handshake with " + where + " failed: " + ec.message();
    if (ec.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_WRONG_VERSION_NUMBER)
        detail += " (the server does not seem to speak TLS)";
    return detail;
}

bool is_tls_error(const beast::error_code& ec) {
    return ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category();
}

}  // namespace mx3pid::net::detail
