#pragma once
// Looking at JSON text without parsing it.
#include <string_view>

namespace mx3pid::spec {

/// The deepest nesting of arrays and objects in JSON text (strings skipped), without parsing it.
int json_depth(std::string_view text);

}  // namespace mx3pid::spec
