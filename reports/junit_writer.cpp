#include <unistd.h>

#include <climits>
#include <ostream>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "reports/detail/case_text.hpp"
#include "reports/detail/grouping.hpp"
#include "reports/detail/text.hpp"
#include "reports/detail/time_format.hpp"
#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

using detail::one_line;
using detail::visible_text;

std::string host_name() {
    char buffer[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "localhost";
    return buffer;
}

std::string suite_name(std::string endpoint, const std::string& suffix) {
    for (auto& c : endpoint)
        if (c == '/') c = '.';
    return "mx3pid." + endpoint + suffix;
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

void set(pugi::xml_node node, const char* name, std::string_view value) {
    node.append_attribute(name).set_value(visible_text(value).c_str());
}

void set(pugi::xml_node node, const char* name, std::size_t value) {
    node.append_attribute(name).set_value(std::to_string(value).c_str());
}

void set_text(pugi::xml_node node, std::string_view text) {
    node.append_child(pugi::node_pcdata).set_value(visible_text(text).c_str());
}

void add_property(pugi::xml_node properties, std::string_view name, std::string_view value) {
    auto property = properties.append_child("property");
    set(property, "name", name);
    set(property, "value", value);
}

void add_properties(pugi::xml_node suite, const RunResult& run, const std::string& edition, const Counts& counts) {
    auto properties = suite.append_child("properties");
    add_property(properties, "target", run.target);
    add_property(properties, "edition", edition);
    add_property(properties, "edition_source", run.edition_source);
    add_property(properties, "advertised_editions", joined(run.advertised_editions, ", "));
    if (!run.edition_note.empty()) add_property(properties, "edition_note", run.edition_note);
    add_property(properties, "profile", run.profile);
    add_property(properties, "mx3pid_version", run.tool_version);
    add_property(properties, "seed", run.seed);
    add_property(properties, "interrupted", run.interrupted ? "true" : "false");
    add_property(properties, "warned", std::to_string(counts.warned));
    add_property(properties, "run_warnings", std::to_string(detail::run_notes(run).size()));
    for (const auto& [name, value] : run.properties) add_property(properties, name, value);
}

// Every consumer counts from the suites: the schema lets <testsuites> carry no skipped count, and
// a consumer that reads the top level would count skipped cases as passed.
void set_counts(pugi::xml_node suite, const Counts& counts) {
    set(suite, "tests", counts.total);
    set(suite, "failures", counts.failed + counts.not_implemented + counts.xpassed);
    set(suite, "errors", counts.errors);
    set(suite, "skipped", counts.skipped + counts.xfailed + counts.not_run);
}

// The element that carries the verdict; text goes in its body. Both attributes are one line.
pugi::xml_node add_outcome(pugi::xml_node testcase, const char* element, const char* type, const std::string& message) {
    auto outcome = testcase.append_child(element);
    if (type) outcome.append_attribute("type").set_value(type);
    outcome.append_attribute("message").set_value(one_line(message).c_str());
    return outcome;
}

void add_testcase(pugi::xml_node suite, const std::string& classname, const CaseResult& result, const RunResult& run) {
    auto testcase = suite.append_child("testcase");
    set(testcase, "name", detail::kind_of(result));
    set(testcase, "classname", classname);
    set(testcase, "time", detail::decimal_seconds(seconds_between(result.started, result.finished)));

    const auto details = detail::case_details(result, run);
    const auto headline = detail::headline(result);
    if (result.not_run) {
        add_outcome(testcase, "skipped", "not-run", headline);
        return;
    }
    switch (result.verdict) {
        case Verdict::pass:
            set_text(testcase.append_child("system-out"), details);
            break;
        case Verdict::warn:
            // Not a failure, yet findable where a viewer shows only failures, errors and stderr.
            set_text(testcase.append_child("system-out"), details);
            set_text(testcase.append_child("system-err"), "warning (SHOULD): " + one_line(headline) + "\n");
            break;
        case Verdict::fail:
            set_text(add_outcome(testcase, "failure", "fail", headline), details);
            break;
        case Verdict::not_implemented:
            set_text(add_outcome(testcase, "failure", "not-implemented", headline), details);
            break;
        case Verdict::error:
            set_text(add_outcome(testcase, "error", "error", headline), details);
            break;
        case Verdict::skip:
            add_outcome(testcase, "skipped", "skip", headline);
            break;
        case Verdict::xfail:
            set_text(add_outcome(testcase, "skipped", "xfail", headline), details);
            break;
        case Verdict::xpass:
            set_text(add_outcome(testcase, "failure", "xpass", headline), details);
            break;
    }
}

/// One <testsuite>: `name`, the cases judged in `edition`.
struct SuitePlan {
    std::string name;
    std::string edition;
    std::vector<const CaseResult*> cases;
    Clock::time_point timestamp;
    std::vector<std::string> classnames = {};  ///< per case; none: the suite's name
};

void add_suite(pugi::xml_node root, const RunResult& run, const SuitePlan& plan, const std::string& host, bool first) {
    const auto& [name, edition, cases, timestamp, classnames] = plan;
    const auto counts = detail::tally(cases);
    auto suite = root.append_child("testsuite");
    set(suite, "name", name);
    set_counts(suite, counts);
    set(suite, "time", detail::decimal_seconds(detail::total_seconds(cases)));
    set(suite, "timestamp", detail::junit_timestamp(timestamp));
    set(suite, "hostname", host);
    add_properties(suite, run, edition, counts);
    for (std::size_t i = 0; i < cases.size(); ++i) add_testcase(suite, classnames.empty() ? name : classnames[i], *cases[i], run);
    const auto notes = detail::run_notes(run);
    if (first && !notes.empty()) {
        std::string text;
        for (const auto& note : notes) text += "mx3pid: warning: " + one_line(note) + "\n";
        set_text(suite.append_child("system-err"), text);
    }
}

/// The suffix with "{edition}" replaced by `edition`.
std::string suffix_for(std::string suffix, const std::string& edition) {
    constexpr std::string_view placeholder = "{edition}";
    for (auto at = suffix.find(placeholder); at != std::string::npos; at = suffix.find(placeholder, at + edition.size()))
        suffix.replace(at, placeholder.size(), edition);
    return suffix;
}

/// A run of one edition: a suite per endpoint (one empty suite when no case ran).
std::vector<SuitePlan> endpoint_suites(const RunResult& run, const JunitOptions& options) {
    std::vector<SuitePlan> plans;
    const auto suffix = suffix_for(options.suffix, run.edition);
    for (auto& group : detail::group_by_endpoint(run.cases))
        plans.push_back({suite_name(group.endpoint, suffix), run.edition, group.cases, group.cases.front()->started});
    if (plans.empty()) plans.push_back({"mx3pid" + suffix, run.edition, {}, run.started});
    return plans;
}

/// A run of several editions: a suite per edition, named after it ("mx3pid.v1.2"), its testcases
/// classed by edition and endpoint ("mx3pid.v1.2.register.email").
std::vector<SuitePlan> edition_suites(const RunResult& run, const JunitOptions& options) {
    std::vector<SuitePlan> plans;
    for (const auto& edition : run.editions) {
        const auto suffix = suffix_for(options.suffix, edition.edition);
        SuitePlan plan{"mx3pid." + edition.edition + suffix, edition.edition, {}, run.started};
        for (const auto& result : edition.cases) {
            plan.cases.push_back(&result);
            plan.classnames.push_back(suite_name(edition.edition + "/" + detail::endpoint_of(result), suffix));
        }
        if (!plan.cases.empty()) plan.timestamp = plan.cases.front()->started;
        plans.push_back(std::move(plan));
    }
    return plans;
}

}  // namespace

void write_junit(const RunResult& run, std::ostream& out, const JunitOptions& options) {
    pugi::xml_document document;
    auto declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version").set_value("1.0");
    declaration.append_attribute("encoding").set_value("UTF-8");

    auto root = document.append_child("testsuites");
    set(root, "name", "mx3pid");
    set(root, "time", detail::decimal_seconds(seconds_between(run.started, run.finished)));

    const auto host = host_name();
    const auto plans = run.several_editions() ? edition_suites(run, options) : endpoint_suites(run, options);
    for (const auto& plan : plans) add_suite(root, run, plan, host, &plan == &plans.front());

    document.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
}

}  // namespace mx3pid::reports
