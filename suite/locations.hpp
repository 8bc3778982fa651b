#pragma once
// Where an mx3pid binary finds its data: relative to the binary itself, so that an installed copy
// and a build tree (which mirrors the installed layout) each use their own, and no source path is
// baked in.
#include <string>

namespace mx3pid::suite {

/// `../share/mx3pid/cases` from the directory of the running executable (/proc/self/exe), whether
/// or not it exists; "cases" when the executable cannot be found.
std::string default_cases_dir();

/// One sentence for --help and errors: how the cases directory is chosen, and where it is here.
std::string cases_lookup_text();

}  // namespace mx3pid::suite
