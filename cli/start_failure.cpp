#include "cli/start_failure.hpp"

#ifndef MX3PID_VERSION
#define MX3PID_VERSION "0.0.0"
#endif

namespace mx3pid::cli {

std::string Stop::line() const { return "mx3pid: " + reason + (fix.empty() ? "" : "; " + fix); }

std::string fix_for(net::TransportError error) {
    using net::TransportError;
    switch (error) {
        case TransportError::bad_url: return "give --homeserver an http(s) URL";
        case TransportError::resolve_failed: return "check the host name in --homeserver";
        case TransportError::connect_failed:
        case TransportError::connection_closed:
        case TransportError::timeout:
            return "start the homeserver first, or let mx3pid wait for it with --wait-for-server SECONDS";
        case TransportError::tls_failed:
            return "trust its certificate with --ca-file FILE (or skip the check with --insecure), or use http://";
        case TransportError::malformed_response:
        case TransportError::response_too_large:
            return "check that --homeserver points at the homeserver's client API, not a proxy's error page";
    }
    return {};
}

reports::RunResult run_that_could_not_start(const Stop& stop, const std::string& target, const std::string& edition,
                                            const std::string& profile) {
    reports::RunResult run;
    run.tool_version = MX3PID_VERSION;
    run.target = target;
    run.edition = edition;
    run.profile = profile;
    run.interrupted = stop.code == 130;
    run.started = run.finished = reports::Clock::now();
    reports::CaseResult entry;
    entry.id = "run/start";
    entry.endpoint = "run";
    entry.kind = "start";
    entry.title = "the run could not start";
    entry.verdict = reports::Verdict::error;
    entry.message = stop.reason + (stop.fix.empty() ? "" : "; " + stop.fix);
    entry.started = entry.finished = run.started;
    run.cases.push_back(std::move(entry));
    run.planned = 0;
    return run;
}

}  // namespace mx3pid::cli
