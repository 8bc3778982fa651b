#pragma once
// The six requestToken endpoints (DESIGN.md "The six endpoints").
#include <array>
#include <optional>
#include <string_view>

#include "spec/edition.hpp"

namespace mx3pid::spec {

enum class Purpose { register_account, add_threepid, reset_password };
enum class Medium { email, msisdn };

struct Endpoint {
    std::string_view key;   ///< "register/email"
    std::string_view path;  ///< below /_matrix/client/{r0|v3}: "/register/email/requestToken"
    Purpose purpose;
    Medium medium;

    /// The first edition that documents it: r0.3.0 for email, r0.4.0 for msisdn.
    std::string_view first_edition() const { return medium == Medium::email ? "r0.3.0" : "r0.4.0"; }
    /// `edition` documents it (it is first_edition() or newer).
    bool documented_in(const Edition& edition) const { return !(edition < *Edition::parse(first_edition())); }

    /// Register and add want an address nobody has bound; password reset wants a bound one.
    bool wants_bound_address() const { return purpose == Purpose::reset_password; }
};

const std::array<Endpoint, 6>& endpoints();
const Endpoint* find_endpoint_by_key(std::string_view key);
const Endpoint* find_endpoint_by_path(std::string_view path_below_prefix);

inline std::string_view medium_name(Medium medium) { return medium == Medium::email ? "email" : "msisdn"; }

}  // namespace mx3pid::spec
