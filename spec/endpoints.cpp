#include "spec/endpoints.hpp"

namespace mx3pid::spec {

const std::array<Endpoint, 6>& endpoints() {
    static const std::array<Endpoint, 6> table{{
        {"register/email", "/register/email/requestToken", Purpose::register_account, Medium::email},
        {"register/msisdn", "/register/msisdn/requestToken", Purpose::register_account, Medium::msisdn},
        {"3pid/email", "/account/3pid/email/requestToken", Purpose::add_threepid, Medium::email},
        {"3pid/msisdn", "/account/3pid/msisdn/requestToken", Purpose::add_threepid, Medium::msisdn},
        {"password/email", "/account/password/email/requestToken", Purpose::reset_password, Medium::email},
        {"password/msisdn", "/account/password/msisdn/requestToken", Purpose::reset_password, Medium::msisdn},
    }};
    return table;
}

const Endpoint* find_endpoint_by_key(std::string_view key) {
    for (const auto& endpoint : endpoints())
        if (endpoint.key == key) return &endpoint;
    return nullptr;
}

const Endpoint* find_endpoint_by_path(std::string_view path) {
    for (const auto& endpoint : endpoints())
        if (endpoint.path == path) return &endpoint;
    return nullptr;
}

}  // namespace mx3pid::spec
