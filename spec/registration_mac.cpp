#include "spec/registration_mac.hpp"

#include <cstdio>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace mx3pid::spec {

std::string registration_mac(const std::string& secret, const std::string& nonce, const std::string& user,
                             const std::string& password, bool admin) {
    std::string message = nonce + '\0' + user + '\0' + password + '\0' + (admin ? "admin" : "notadmin");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), digest, &length);
    std::string hex;
    char pair[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(pair, sizeof pair, "%02x", digest[i]);
        hex += pair;
    }
    return hex;
}

}  // namespace mx3pid::spec
