#pragma once
// Built-in hostile targets: servers that answer GET /_matrix/client/versions correctly, so that a run
// starts, and then misbehave at the transport level on every other request (garbage, cut bodies,
// silence, dribbling, endless bodies, broken encodings, redirect loops). They exist so that mx3pid can
// prove it survives such peers: errors, never failures, crashes or hangs.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reference_homeserver/homeserver.hpp"

namespace mx3pid::reference_homeserver {

struct ChaosVariant {
    std::string_view name;         ///< what `--homeserver builtin:NAME` takes; always starts with "chaos-"
    std::string_view description;  ///< the misbehaviour, in one line
};

/// Every chaos variant, in a stable order.
const std::vector<ChaosVariant>& chaos_variants();

/// One running chaos server. Binds in the constructor (throws std::system_error when it cannot, and
/// std::invalid_argument for a name that is not in chaos_variants()); the destructor ends every
/// connection promptly, even one it keeps hanging.
class ChaosServer {
public:
    explicit ChaosServer(std::string_view name, ListenOptions listen = {});
    ~ChaosServer();
    ChaosServer(const ChaosServer&) = delete;
    ChaosServer& operator=(const ChaosServer&) = delete;

    std::string base_url() const;  ///< "http://127.0.0.1:PORT"

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::reference_homeserver
