#pragma once
// Validating mx3pid's JUnit reports: against the schema the repository carries (doc/junit.xsd),
// always; and against Jenkins' schema where a shared folder beside the project happens to hold it.
#include <optional>
#include <string>

namespace mx3pid::testing {

/// What xmllint says is wrong with `path` against `schema`; empty when it validates. When xmllint
/// is missing, says so (scripts/setup installs it), so that a test cannot pass without looking.
std::string schema_problems(const std::string& path, const std::string& schema);

/// The same against doc/junit.xsd, the JUnit shape mx3pid promises.
std::string junit_schema_problems(const std::string& path);

/// `junit/junit-10.xsd` in the shared folder — `$MX3PID_SHARED_DIR` when set, else the build's
/// MX3PID_SHARED_DIR — when it exists. Only optional extra checks use it.
std::optional<std::string> jenkins_junit_schema();

/// The message a test skips with when the Jenkins schema is absent.
std::string jenkins_schema_absent();

}  // namespace mx3pid::testing
