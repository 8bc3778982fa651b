#pragma once
// Judgements on one response, as pure functions: each returns pass or fail with expected vs actual.
// A failure that knows which of its check's sentences it breaks names them (CheckResult::sentences);
// judge.cpp then keeps those that hold in the edition judged and gives the check its level.
#include <optional>
#include <string>
#include <vector>

#include "engine/judge.hpp"
#include "net/message.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::engine::detail {

reports::CheckResult check_status(const std::vector<int>& expected, const net::Response& response);

/// The body is valid UTF-8.
reports::CheckResult check_utf8(const net::Response& response);

/// The standard error body: a JSON object with a string errcode ("error body") and a string error
/// ("error message").
std::vector<reports::CheckResult> check_error_body(const ReadResponse& answer);

/// The errcode is among `allowed`; with none allowed, it has the namespaced form (M_…). Nothing
/// to judge when the body has no string errcode (the error body check fails then).
std::optional<reports::CheckResult> check_errcode(const ReadResponse& answer, const std::vector<std::string>& allowed);

/// A JSON answer carries Content-Type application/json (parameters such as charset allowed).
reports::CheckResult check_content_type(const net::Response& response);

/// A 200 body that is a JSON object with a grammar-valid `sid`.
reports::CheckResult check_sid(const ReadResponse& answer);

/// From r0.5.0, a 200 body may carry submit_url; when it does, it is an absolute URI. Nothing to
/// judge when the edition predates it.
std::optional<reports::CheckResult> check_submit_url(const ReadResponse& answer, const spec::Edition& edition);

/// The CORS headers Web Browser Clients recommends: Access-Control-Allow-Origin *, and at least the
/// recommended methods and headers in Access-Control-Allow-Methods and -Headers.
reports::CheckResult check_cors(const net::Response& response, const spec::Edition& edition);

/// A 429 the server answered: M_LIMIT_EXCEEDED, retry_after_ms an integer when given (and given
/// before v1.10), a Retry-After header from v1.10.
reports::CheckResult check_rate_limit(const reports::HttpExchange& exchange, const spec::Edition& edition);

/// The body's "sid" when it is a string.
std::optional<std::string> sid_of(const ReadResponse& answer);

/// `text` on one line, cut to `limit` characters.
std::string one_line(const std::string& text, std::size_t limit = 160);

reports::CheckResult passed(std::string_view name, std::string expected, std::string actual);
/// A failure; `breaks` the sentences of the check it breaks, when it knows (empty: all of them).
reports::CheckResult failed(std::string_view name, std::string expected, std::string actual,
                            std::vector<std::string> breaks = {});

}  // namespace mx3pid::engine::detail
