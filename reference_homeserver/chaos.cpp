#include "reference_homeserver/chaos.hpp"

#include <atomic>
#include <chrono>
#include <stdexcept>

#include "net/scripted_server.hpp"

namespace mx3pid::reference_homeserver {

namespace {

using net::Script;
using net::ScriptStep;
using namespace std::chrono_literals;

enum class Chaos {
    garbage,
    cut_body,
    close_early,
    silent,
    dribble,
    huge_body,
    huge_chunked,
    bad_utf8,
    wrong_length,
    redirect_loop,
    http10,
};

struct Entry {
    ChaosVariant variant;
    Chaos chaos;
};

const std::vector<Entry>& entries() {
    static const std::vector<Entry> table{
        {{"chaos-garbage", "answers with bytes that are not HTTP at all, then closes"}, Chaos::garbage},
        {{"chaos-cut-body", "declares Content-Length 1000, sends 20 bytes of JSON, then closes"}, Chaos::cut_body},
        {{"chaos-close-early", "closes the connection right after reading the request, sending nothing"},
         Chaos::close_early},
        {{"chaos-silent", "reads the request and never answers"}, Chaos::silent},
        {{"chaos-dribble", "sends a valid 200 JSON answer one byte every 200 ms"}, Chaos::dribble},
        {{"chaos-huge-body", "200 with Content-Length 100000000 and a body streamed to match"}, Chaos::huge_body},
        {{"chaos-huge-chunked", "200 with a chunked body of 100000000 bytes"}, Chaos::huge_chunked},
        {{"chaos-bad-utf8",
          "JSON bodies with invalid UTF-8 and control bytes: a 200 with a sid, then a 400 with an errcode, in turn"},
         Chaos::bad_utf8},
        {{"chaos-wrong-length", "declares a Content-Length larger than the JSON body it sends, then closes"},
         Chaos::wrong_length},
        {{"chaos-redirect-loop", "302 Found with a Location pointing back at the same path, forever"},
         Chaos::redirect_loop},
        {{"chaos-http10",
          "an old-style HTTP/1.0 answer without Content-Length, its body ended by closing the connection"},
         Chaos::http10},
    };
    return table;
}

std::string status_and_headers(std::string_view status_line, std::string_view extra_headers) {
    return std::string(status_line) + "\r\n" + std::string(extra_headers) + "Connection: close\r\n\r\n";
}

/// A complete HTTP/1.1 answer with a JSON body and a correct Content-Length.
std::string json_answer(std::string_view status_line, std::string_view body) {
    return status_and_headers(status_line, "Content-Type: application/json\r\nContent-Length: " +
                                               std::to_string(body.size()) + "\r\n") +
           std::string(body);
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Script misbehave(Chaos chaos, const std::string& target, unsigned request_number) {
    switch (chaos) {
        case Chaos::garbage: {
            // Line breaks included, so that a client sees a complete head that is not HTTP (not merely a cut one).
            static constexpr char garbage[] = "SSH-2.0-chaos\r\n\x16\x03\x01\x00\xff\xfe not HTTP at all\r\n\r\n";
            return {ScriptStep::write(std::string(garbage, sizeof garbage - 1)), ScriptStep::close()};
        }
        case Chaos::cut_body: {
            std::string body = R"({"sid":"chaos-cut-body-0123456789"})";
            return {ScriptStep::write(status_and_headers(
                                          "HTTP/1.1 200 OK", "Content-Type: application/json\r\nContent-Length: 1000\r\n") +
                                      body.substr(0, 20)),
                    ScriptStep::close()};
        }
        case Chaos::close_early:
            return {ScriptStep::close()};
        case Chaos::silent:
            return {ScriptStep::hang()};
        case Chaos::dribble:
            return {ScriptStep::dribble(json_answer("HTTP/1.1 200 OK", R"({"sid":"chaos-dribble"})"), 200ms),
                    ScriptStep::close()};
        case Chaos::huge_body: {
            // A JSON string of filler: a valid, absurdly long answer.
            const std::string open = R"({"sid":")", close = R"("})";
            const std::size_t total = 100000000;
            return {ScriptStep::write(status_and_headers("HTTP/1.1 200 OK",
                                                         "Content-Type: application/json\r\nContent-Length: " +
                                                             std::to_string(total) + "\r\n") +
                                      open),
                    ScriptStep::fill(total - open.size() - close.size()), ScriptStep::write(close), ScriptStep::close()};
        }
        case Chaos::huge_chunked:
            return {ScriptStep::write(status_and_headers(
                        "HTTP/1.1 200 OK", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n")),
                    ScriptStep::fill(100000000, 64 * 1024, true), ScriptStep::write("0\r\n\r\n"), ScriptStep::close()};
        case Chaos::bad_utf8:
            if (request_number % 2 == 0)
                // \xff\xfe: never UTF-8; \xc0\xaf: overlong '/'; \xed\xa0\x80: a surrogate; \x01 \x1b: illegal in XML.
                return {ScriptStep::write(json_answer(
                            "HTTP/1.1 200 OK", std::string("{\"sid\":\"\xff\xfe\xc0\xaf\xed\xa0\x80\x01\x1b\"}"))),
                        ScriptStep::close()};
            return {ScriptStep::write(json_answer("HTTP/1.1 400 Bad Request",
                                                  std::string("{\"errcode\":\"M_\xff\",\"error\":\"\x01\"}"))),
                    ScriptStep::close()};
        case Chaos::wrong_length: {
            // Only ever longer than the body: a shorter length would hand the client a silently truncated
            // body, which it cannot tell from a real answer.
            std::string body = R"({"sid":"chaos-wrong-length"})";
            return {ScriptStep::write(status_and_headers("HTTP/1.1 200 OK",
                                                         "Content-Type: application/json\r\nContent-Length: " +
                                                             std::to_string(body.size() + 100) + "\r\n") +
                                      body),
                    ScriptStep::close()};
        }
        case Chaos::redirect_loop:
            return {ScriptStep::write(status_and_headers("HTTP/1.1 302 Found",
                                                         "Location: " + target + "\r\nContent-Length: 0\r\n")),
                    ScriptStep::close()};
        case Chaos::http10: {
            bool request_token = ends_with(path_of(target), "/requestToken");
            std::string head = request_token ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.0 404 Not Found\r\n";
            std::string body = request_token ? R"({"sid":"chaos-http10"})"
                                             : R"({"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"})";
            return {ScriptStep::write(head + "Content-Type: application/json\r\n\r\n" + body), ScriptStep::close()};
        }
    }
    return {ScriptStep::close()};
}

const Entry& find_entry(std::string_view name) {
    for (const auto& entry : entries())
        if (entry.variant.name == name) return entry;
    throw std::invalid_argument("no chaos variant called '" + std::string(name) + "'");
}

}  // namespace

const std::vector<ChaosVariant>& chaos_variants() {
    static const std::vector<ChaosVariant> table = [] {
        std::vector<ChaosVariant> variants;
        for (const auto& entry : entries()) variants.push_back(entry.variant);
        return variants;
    }();
    return table;
}

struct ChaosServer::Impl {
    Chaos chaos;
    std::atomic<unsigned> misbehaved{0};
    net::ScriptedServer server;  // last: it ends every connection before the members above go

    Impl(Chaos c, const ListenOptions& listen)
        : chaos(c),
          server([this](const std::string& method, const std::string& target) { return script(method, target); },
                 net::ScriptedServerOptions{listen.host, listen.port, 64, std::chrono::seconds(10),
                                            std::chrono::seconds(120), 1}) {}

    Script script(const std::string& method, const std::string& target) {
        if (method == "GET" && path_of(target) == "/_matrix/client/versions")
            return {ScriptStep::write(json_answer("HTTP/1.1 200 OK", R"({"versions":["r0.4.0"]})")), ScriptStep::close()};
        unsigned number = misbehaved++;
        return misbehave(chaos, target, number);
    }
};

ChaosServer::ChaosServer(std::string_view name, ListenOptions listen)
    : impl_(std::make_unique<Impl>(find_entry(name).chaos, listen)) {}

ChaosServer::~ChaosServer() = default;

std::string ChaosServer::base_url() const { return impl_->server.base_url(); }

}  // namespace mx3pid::reference_homeserver
