// Profiles: any text gives a Profile or a ConfigError; nothing else may escape.
#include <exception>

#include "fuzz/fuzz_support.hpp"
#include "suite/config_error.hpp"
#include "suite/profile.hpp"
#include "spec/edition.hpp"

using namespace mx3pid;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(fuzz::as_text(data, size));
    try {
        auto profile = suite::load_profile_text(text, "fuzz.yaml");
        fuzz::expect(profile.spec == "auto" || spec::Edition::parse(profile.spec).has_value(),
                     "a profile accepted with an unknown edition", profile.spec);
    } catch (const suite::ConfigError& error) {
        fuzz::expect(error.line() >= 0, "ConfigError with a negative line", error.what());
        fuzz::expect(error.file() == "fuzz.yaml", "ConfigError names another file", error.what());
    } catch (const std::exception& error) {
        fuzz::finding("load_profile_text: an exception other than ConfigError escaped", error.what());
    }
    return 0;
}
