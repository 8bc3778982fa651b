#pragma once
// Addresses as a case holds them, for the side-channel tests.
#include <string>

#include "engine/fixtures.hpp"

namespace mx3pid::engine::testing {

inline Address email(const std::string& address) {
    Address out;
    out.medium = spec::Medium::email;
    out.email = address;
    return out;
}

inline Address msisdn(const std::string& country, const std::string& number) {
    Address out;
    out.medium = spec::Medium::msisdn;
    out.msisdn = {country, number};
    return out;
}

}  // namespace mx3pid::engine::testing
