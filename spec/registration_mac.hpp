#pragma once
// Synapse-style shared-secret registration (POST /_synapse/admin/v1/register), which both mx3pid
// (to make its own accounts) and the reference homeserver (to accept them) speak.
#include <string>

namespace mx3pid::spec {

/// Hex HMAC-SHA1, keyed with the shared secret, over nonce, user, password and "admin" or
/// "notadmin", separated by NUL bytes.
std::string registration_mac(const std::string& secret, const std::string& nonce, const std::string& user,
                             const std::string& password, bool admin);

}  // namespace mx3pid::spec
