#pragma once
// Judgements on one response, as pure functions: each returns pass or fail with expected vs actual.
#include <optional>
#include <string>
#include <vector>

#include "net/message.hpp"
#include "reports/run_result.hpp"
#include "spec/edition.hpp"

namespace mx3pid::engine::detail {

reports::CheckResult check_status(const std::vector<int>& expected, const net::Response& response);

/// The standard error body: JSON object, errcode among `allowed` (any M_… code when empty),
/// error a string; from v1.4 also Content-Type application/json.
std::vector<reports::CheckResult> check_error_body(const net::Response& response, const std::vector<std::string>& allowed,
                                                   const spec::Edition& edition);

/// From v1.4, a JSON answer carries Content-Type application/json (parameters such as charset
/// allowed). Nothing to judge before v1.4.
std::optional<reports::CheckResult> check_content_type(const net::Response& response, const spec::Edition& edition);

/// A 200 body that is a JSON object with a grammar-valid `sid`.
reports::CheckResult check_sid(const net::Response& response);

/// From r0.5.0, a 200 body may carry submit_url; when it does, it must be a URI. Nothing to judge
/// when the edition predates it or the body has none.
std::optional<reports::CheckResult> check_submit_url(const net::Response& response, const spec::Edition& edition);

/// The body's "sid" when it is a string.
std::optional<std::string> sid_of(const net::Response& response);

/// `text` on one line, cut to `limit` characters.
std::string one_line(const std::string& text, std::size_t limit = 160);

reports::CheckResult passed(std::string name, std::string expected, std::string actual);
reports::CheckResult failed(std::string name, std::string expected, std::string actual);

}  // namespace mx3pid::engine::detail
