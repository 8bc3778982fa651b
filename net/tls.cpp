#include "net/tls.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace mx3pid::net {
namespace {

template <auto free_function>
struct Free {
    template <class T>
    void operator()(T* pointer) const { free_function(pointer); }
};

using Bio = std::unique_ptr<BIO, Free<BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Free<X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using Names = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
using BigNumber = std::unique_ptr<BIGNUM, Free<BN_free>>;
using Octets = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;

/// The oldest queued OpenSSL error as text (the queue is cleared), or `fallback`.
std::string openssl_error(const char* fallback) {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return fallback;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("cannot make a self-signed certificate: " + what + " (" + openssl_error("no detail") + ")");
}

void check(int result, const char* what) {
    if (result != 1) fail(what);
}

void add_extension(X509* certificate, X509V3_CTX& context, int nid, const char* value) {
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension) fail(std::string("extension ") + OBJ_nid2sn(nid));
    check(X509_add_ext(certificate, extension.get(), -1), "adding an extension");
}

void add_subject_alt_names(X509* certificate, const std::vector<std::string>& names) {
    Names general_names(GENERAL_NAMES_new());
    if (!general_names) fail("allocation");
    for (std::string name : names) {
        if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
        GENERAL_NAME* general_name = nullptr;
        Octets address(a2i_IPADDRESS(name.c_str()));
        ERR_clear_error();  // a DNS name leaves a parse error behind
        if (address) {
            general_name = GENERAL_NAME_new();
            if (!general_name) fail("allocation");
            GENERAL_NAME_set0_value(general_name, GEN_IPADD, address.release());
        } else {
            ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
            if (!dns || ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) != 1) {
                ASN1_IA5STRING_free(dns);
                fail("allocation");
            }
            general_name = GENERAL_NAME_new();
            if (!general_name) {
                ASN1_IA5STRING_free(dns);
                fail("allocation");
            }
            GENERAL_NAME_set0_value(general_name, GEN_DNS, dns);
        }
        if (sk_GENERAL_NAME_push(general_names.get(), general_name) == 0) {
            GENERAL_NAME_free(general_name);
            fail("allocation");
        }
    }
    check(X509_add1_ext_i2d(certificate, NID_subject_alt_name, general_names.get(), 0, X509V3_ADD_DEFAULT),
          "subjectAltName");
}

void set_random_serial(X509* certificate) {
    unsigned char bytes[16];
    check(RAND_bytes(bytes, sizeof bytes), "random serial");
    bytes[0] &= 0x7f;  // positive
    bytes[0] |= 0x40;  // and of full length
    BigNumber serial(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate))) fail("serial number");
}

std::string pem_of(const std::function<int(BIO*)>& write) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) fail("PEM encoding");
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string read_file(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + std::string(what) + " " + path + ": " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Bio memory_bio(const std::string& text) {
    return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

void write_file(const std::string& path, const std::string& text, bool owner_only) {
    namespace fs = std::filesystem;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    std::error_code ec;
    if (owner_only) fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
    if (ec) throw std::runtime_error("cannot restrict the permissions of " + path + ": " + ec.message());
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

TlsIdentity make_self_signed(const std::vector<std::string>& names, std::chrono::hours validity) {
    if (names.empty()) throw std::invalid_argument("make_self_signed: at least one name is needed");
    for (const auto& name : names)
        if (name.empty()) throw std::invalid_argument("make_self_signed: empty name");

    Key key(EVP_EC_gen("P-256"));
    if (!key) fail("EC P-256 key generation");
    Certificate certificate(X509_new());
    if (!certificate) fail("allocation");
    X509* x509 = certificate.get();
    check(X509_set_version(x509, X509_VERSION_3), "version");
    set_random_serial(x509);
    if (!X509_gmtime_adj(X509_getm_notBefore(x509), -3600)) fail("notBefore");
    const auto hours = validity.count();
    if (!X509_time_adj_ex(X509_getm_notAfter(x509), static_cast<int>(hours / 24), static_cast<long>(hours % 24) * 3600,
                          nullptr))
        fail("notAfter");
    check(X509_set_pubkey(x509, key.get()), "public key");

    X509_NAME* subject = X509_get_subject_name(x509);
    const std::string common_name = names.front().size() <= 64 ? names.front() : "mx3pid";
    check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>("mx3pid test identity"), -1, -1, 0),
          "subject");
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0),
          "subject");
    check(X509_set_issuer_name(x509, subject), "issuer");

    X509V3_CTX context;
    X509V3_set_ctx(&context, x509, x509, nullptr, nullptr, 0);
    add_extension(x509, context, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(x509, context, NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(x509, context, NID_ext_key_usage, "serverAuth");
    add_extension(x509, context, NID_subject_key_identifier, "hash");  // before the AKI, which copies it
    add_extension(x509, context, NID_authority_key_identifier, "keyid:always");
    add_subject_alt_names(x509, names);

    if (X509_sign(x509, key.get(), EVP_sha256()) == 0) fail("signing");

    TlsIdentity identity;
    identity.certificate_pem = pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, x509); });
    identity.private_key_pem = pem_of([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return identity;
}

TlsIdentity load_tls_identity(const std::string& certificate_file, const std::string& private_key_file) {
    TlsIdentity identity{read_file(certificate_file, "certificate file"), read_file(private_key_file, "private key file")};

    Bio certificate_bio = memory_bio(identity.certificate_pem);
    Certificate certificate(PEM_read_bio_X509(certificate_bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
        throw std::runtime_error("no PEM certificate in " + certificate_file + " (" + openssl_error("no detail") + ")");
    Bio key_bio = memory_bio(identity.private_key_pem);
    Key key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        throw std::runtime_error("no unencrypted PEM private key in " + private_key_file + " (" +
                                 openssl_error("no detail") + ")");
    if (X509_check_private_key(certificate.get(), key.get()) != 1) {
        ERR_clear_error();
        throw std::runtime_error("the private key in " + private_key_file + " does not match the certificate in " +
                                 certificate_file);
    }
    return identity;
}

void write_pem(const TlsIdentity& identity, const std::string& certificate_file, const std::string& private_key_file) {
    write_file(certificate_file, identity.certificate_pem, false);
    write_file(private_key_file, identity.private_key_pem, true);
}

}  // namespace mx3pid::net
