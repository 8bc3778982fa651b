#pragma once
// Where mx3pid and its standalone servers meet when nobody says otherwise: the one place these
// ports are written down. mx3pid pointed at a URL listens on them; mx3pid-reference-hs serves on
// the homeserver port and trusts (or delegates to, or mails through) the others.
#include <string>

namespace mx3pid::spec::defaults {

inline constexpr const char* host = "127.0.0.1";
inline constexpr unsigned short homeserver_port = 8008;
inline constexpr unsigned short identity_port = 8090;  ///< the mock identity server a homeserver trusts
inline constexpr unsigned short decoy_port = 8091;     ///< the mock identity server it must not trust
inline constexpr unsigned short smtp_port = 2525;      ///< the mail sink

inline std::string authority(unsigned short port) { return std::string(host) + ":" + std::to_string(port); }
inline std::string homeserver_listen() { return authority(homeserver_port); }
inline std::string identity_listen() { return authority(identity_port); }
inline std::string decoy_listen() { return authority(decoy_port); }
inline std::string smtp_listen() { return authority(smtp_port); }
inline std::string homeserver_url() { return "http://" + homeserver_listen(); }

}  // namespace mx3pid::spec::defaults
