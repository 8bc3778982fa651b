// Case files: any text gives templates or a ConfigError; nothing else may escape.
#include <exception>

#include "fuzz/fuzz_support.hpp"
#include "suite/case_model.hpp"
#include "suite/config_error.hpp"
#include "suite/locations.hpp"

using namespace mx3pid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The shipped sentences, from the build tree's share/mx3pid/cases beside the binary.
    static const auto catalogue = suite::load_catalogue(suite::default_cases_dir() + "/sentences");
    std::string text(fuzz::as_text(data, size));
    try {
        auto templates = suite::load_case_text(text, "fuzz.yaml", catalogue);
        for (const auto& expanded : suite::expand(templates)) {
            fuzz::expect(expanded.source && expanded.endpoint, "expand: a case without its template or endpoint");
            fuzz::expect(expanded.id == std::string(expanded.endpoint->key) + "/" + expanded.source->kind,
                         "expand: the id is not <endpoint key>/<kind>", expanded.id);
        }
    } catch (const suite::ConfigError& error) {
        fuzz::expect(error.line() >= 0, "ConfigError with a negative line", error.what());
        fuzz::expect(error.file() == "fuzz.yaml", "ConfigError names another file", error.what());
    } catch (const std::exception& error) {
        fuzz::finding("load_case_text: an exception other than ConfigError escaped", error.what());
    }
    return 0;
}
