#pragma once
// Server certificates for net::Server, in PEM, free of OpenSSL types.
#include <chrono>
#include <string>
#include <vector>

namespace mx3pid::net {

/// A certificate chain (leaf first) and its private key, both PEM.
struct TlsIdentity {
    std::string certificate_pem;
    std::string private_key_pem;
};

/// A fresh self-signed certificate with an EC P-256 key, valid from an hour ago for `validity`.
/// `names` are DNS names and IP literals ("localhost", "127.0.0.1", "::1"); each becomes a
/// subjectAltName, the first is also the subject CN. The certificate is its own CA (CA:TRUE,
/// keyCertSign), so the certificate PEM works as a trust anchor for itself: ClientOptions::ca_file,
/// `curl --cacert`, `openssl s_client -CAfile`. Throws std::invalid_argument for no or empty names,
/// std::runtime_error when OpenSSL fails.
TlsIdentity make_self_signed(const std::vector<std::string>& names,
                             std::chrono::hours validity = std::chrono::hours(24 * 30));

/// Reads a PEM certificate chain and a PEM private key, and checks that the key matches the first
/// certificate. Throws std::runtime_error naming the file at fault.
TlsIdentity load_tls_identity(const std::string& certificate_file, const std::string& private_key_file);

/// Writes the certificate and the key (the key readable by its owner only). Throws std::runtime_error
/// naming the file that could not be written.
void write_pem(const TlsIdentity& identity, const std::string& certificate_file, const std::string& private_key_file);

}  // namespace mx3pid::net
