#pragma once
// How a homeserver gets a 3PID validated: the three generations of requestToken behaviour
// (requestToken-facts §9; homeserver-interop.md "Three generations").
#include <optional>
#include <string_view>

namespace mx3pid::spec {

enum class Validation {
    proxy,     ///< forwards to the identity server named in the request's id_server (r0.3.0)
    delegate,  ///< forwards to one identity server fixed in its own configuration
    self,      ///< sends the message itself (r0.6.0: "should validate itself")
};

std::string_view to_string(Validation validation);
/// The first edition whose text lets a homeserver validate this way: r0.3.0 and r0.4.0 only proxy
/// to id_server; r0.5.0 lets it validate by itself (sending the message, or through a service it controls).
std::string_view first_edition(Validation validation);
std::optional<Validation> parse_validation(std::string_view text);

}  // namespace mx3pid::spec
