#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "reports/writers.hpp"

namespace mx3pid::reports {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& why) {
    throw std::runtime_error("cannot write " + path.string() + ": " + why);
}

// Returns 0 or the errno of the failing call.
int sync_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    const int result = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return result;
}

// Best effort: once the file itself is on disk, losing the rename to a power failure leaves the
// previous report in place, which is not worth an error.
void sync_directory(const std::filesystem::path& directory) {
    const int fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& render) {
    auto temporary = path;
    temporary += ".tmp." + std::to_string(::getpid());

    std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
    if (!stream) fail(path, std::strerror(errno));

    const auto discard = [&] {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
    };

    try {
        render(stream);
    } catch (const std::exception& error) {
        stream.close();
        discard();
        fail(path, error.what());
    } catch (...) {
        stream.close();
        discard();
        fail(path, "the report could not be rendered");
    }

    stream.flush();
    const bool written = static_cast<bool>(stream);
    stream.close();
    if (!written || stream.fail()) {
        discard();
        fail(path, "write failed");
    }
    if (const int sync_error = sync_file(temporary); sync_error != 0) {
        discard();
        fail(path, std::string("fsync failed: ") + std::strerror(sync_error));
    }

    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) {
        discard();
        fail(path, error.message());
    }
    sync_directory(path.parent_path());
}

}  // namespace mx3pid::reports
