#pragma once
// A raw TCP server that answers each HTTP request by playing a script of byte-level steps: the way to
// build peers that misbehave on the wire (garbage, cut bodies, silence, dribbling, endless bodies).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mx3pid::net {

/// One thing the server does on the wire. Build steps with the named constructors below.
struct ScriptStep {
    enum class Kind {
        write,    ///< send `bytes`
        fill,     ///< send `count` bytes of a filler pattern ([0-9A-Za-z]) in pieces of `chunk`, streamed
        pause,    ///< wait `delay` (a timer, never a blocking sleep)
        dribble,  ///< send `bytes` one byte at a time, `delay` apart
        close,    ///< shut down and close the connection; later steps are not played
        hang,     ///< send nothing more; read and discard until the peer closes or the lifetime ends
    };
    Kind kind = Kind::close;
    std::string bytes;
    std::size_t count = 0;
    std::size_t chunk = 0;
    bool chunked = false;  ///< fill: frame every piece as an HTTP/1.1 chunk; the script writes the last "0\r\n\r\n"
    std::chrono::milliseconds delay{0};

    static ScriptStep write(std::string bytes);
    /// `chunk` is clamped to 1 byte … 1 MiB; only one piece is ever held in memory.
    static ScriptStep fill(std::size_t count, std::size_t chunk = 64 * 1024, bool chunked = false);
    static ScriptStep pause(std::chrono::milliseconds delay);
    static ScriptStep dribble(std::string bytes, std::chrono::milliseconds interval);
    static ScriptStep close();
    static ScriptStep hang();
};

/// What to do with one request. A script that ends without `close` or `hang` closes, as `close` does.
using Script = std::vector<ScriptStep>;

/// Chooses the script for a request from its method and request target (path and query, as sent).
/// May run on any server thread, for several connections at once. An exception closes the connection.
using ScriptFor = std::function<Script(const std::string& method, const std::string& target)>;

struct ScriptedServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 0;           ///< 0: the kernel picks a free port
    std::size_t max_connections = 32;  ///< connections beyond this are closed as soon as accepted
    std::chrono::milliseconds request_timeout{10000};  ///< to receive the request head and body
    std::chrono::milliseconds max_lifetime{120000};    ///< a connection never lives longer, whatever its script
    int threads = 1;
};

/// Serves one request per connection: reads the request head (up to CRLFCRLF, at most 16 KiB; more
/// closes the connection), reads and discards a Content-Length body (at most 1 MiB; more closes the
/// connection), then plays the script chosen for it. All on Asio coroutines, no thread per connection.
/// Binds in the constructor (throws std::system_error on failure); the destructor ends every connection
/// promptly, even one that hangs or dribbles.
class ScriptedServer {
public:
    explicit ScriptedServer(ScriptFor script_for, ScriptedServerOptions options = {});
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    const std::string& host() const;
    unsigned short port() const;
    std::string authority() const;  ///< "host:port"
    std::string base_url() const;   ///< "http://host:port"

    std::size_t open_connections() const;      ///< connections being served now
    std::size_t finished_connections() const;  ///< connections served and closed so far

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mx3pid::net
