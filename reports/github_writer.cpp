#include <ostream>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
#include "reports/detail/causes.hpp"
#include "reports/detail/editions.hpp"
#include "reports/detail/text.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

/// A workflow command's message: GitHub reads %, CR and LF as escapes.
std::string escaped_data(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    return out;
}

/// A workflow command's property value: also ':' and ',' end it.
std::string escaped_property(std::string_view text) {
    std::string out;
    for (const char c : escaped_data(text)) {
        if (c == ':') out += "%3A";
        else if (c == ',') out += "%2C";
        else out += c;
    }
    return out;
}

std::string case_count(std::size_t count) { return std::to_string(count) + (count == 1 ? " case" : " cases"); }

std::string annotation(const detail::Cause& cause, const RunResult& run, const GithubOptions& options) {
    const char* command = detail::is_failure(cause) ? "::error" : "::warning";
    std::string title = "mx3pid: " + detail::one_line(cause.title, 200);
    std::string message = case_count(cause.cases.size()) + detail::in_editions(run, cause.editions) + ": " + detail::cases_compactly(cause.cases, run.case_list()) + ".";
    // The title is cut and escaped; the message always says the example in full.
    if (cause.example) message += " e.g. " + cause.example->id + ": " + cause.example_text + ".";
    if (!cause.level.empty()) message += " Broken " + cause.level + ".";
    if (!cause.url.empty()) message += " Spec: " + cause.url;
    if (options.repro)
        if (const auto command_line = options.repro(*cause.example); !command_line.empty())
            message += "\nReproduce: " + command_line;
    return std::string(command) + " title=" + escaped_property(title) + "::" + escaped_data(detail::visible_text(message)) + '\n';
}

}  // namespace

void write_github_annotations(const RunResult& run, std::ostream& out, const GithubOptions& options) {
    const auto causes = detail::causes_of(run);
    for (const bool failures : {true, false}) {
        const std::size_t limit = failures ? options.max_errors : options.max_warnings;
        std::size_t total = 0, written = 0;
        for (const auto& cause : causes) total += detail::is_failure(cause) == failures;
        for (const auto& cause : causes) {
            if (detail::is_failure(cause) != failures) continue;
            // The last line the limit allows says how many more there are, when there are more.
            if (written + 1 == limit && total > limit) break;
            if (written == limit) break;
            out << annotation(cause, run, options);
            ++written;
        }
        if (written < total && limit > 0)
            out << (failures ? "::error" : "::warning") << " title=" << escaped_property("mx3pid: " + std::to_string(total - written) + " more causes")
                << "::" << escaped_data(std::to_string(total - written) + " more causes: the job summary and the HTML report list them all") << '\n';
    }
    for (const auto& reason : detail::not_run_by_reason(run)) {
        std::string message = case_count(reason.cases.size()) + detail::in_editions(run, reason.editions) + " not run: " + reason.reason + ".";
        if (const auto advice = detail::not_run_advice(reason.reason); !advice.empty()) message += " To avoid it: " + advice + ".";
        out << "::warning title=" << escaped_property("mx3pid: cases not run") << "::" << escaped_data(detail::visible_text(message)) << '\n';
    }
}

}  // namespace mx3pid::reports
