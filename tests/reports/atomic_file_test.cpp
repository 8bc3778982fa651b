#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "reports/writers.hpp"
#include "sample_run.hpp"

using namespace mx3pid::reports;
using namespace mx3pid::reports::test_support;
namespace fs = std::filesystem;

namespace {

std::size_t entries(const fs::path& directory) {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(directory)) ++count;
    return count;
}

void expect_throws_naming(const fs::path& path, const std::function<void(std::ostream&)>& render) {
    try {
        write_file_atomically(path, render);
        ADD_FAILURE() << "no exception for " << path;
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
    }
}

}  // namespace

TEST(WriteFileAtomically, WritesTheFileAndLeavesNoTemporary) {
    ScratchDir dir;
    const auto path = dir.path() / "report.xml";
    write_file_atomically(path, [](std::ostream& out) { out << "hello\n"; });
    EXPECT_EQ(read_file(path), "hello\n");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, ReplacesAnExistingFile) {
    ScratchDir dir;
    const auto path = dir.path() / "report.json";
    write_file_atomically(path, [](std::ostream& out) { out << std::string(4096, 'a'); });
    write_file_atomically(path, [](std::ostream& out) { out << "short"; });
    EXPECT_EQ(read_file(path), "short");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, ThrowsNamingThePathWhenTheDirectoryCannotHoldIt) {
    ScratchDir dir;
    const auto not_a_directory = dir.path() / "plain-file";
    write_file_atomically(not_a_directory, [](std::ostream& out) { out << "x"; });
    expect_throws_naming(not_a_directory / "report.xml", [](std::ostream& out) { out << "x"; });
    expect_throws_naming(dir.path() / "missing" / "report.xml", [](std::ostream& out) { out << "x"; });
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, ThrowsNamingThePathForAReadOnlyDirectory) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
    ScratchDir dir;
    const auto locked = dir.path() / "locked";
    fs::create_directory(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    expect_throws_naming(locked / "report.xml", [](std::ostream& out) { out << "x"; });
    fs::permissions(locked, fs::perms::owner_all);
    EXPECT_EQ(entries(locked), 0u);
}

TEST(WriteFileAtomically, KeepsTheOldFileWhenRenderingFails) {
    ScratchDir dir;
    const auto path = dir.path() / "report.md";
    write_file_atomically(path, [](std::ostream& out) { out << "old"; });
    expect_throws_naming(path, [](std::ostream& out) {
        out << "half";
        throw std::logic_error("renderer broke");
    });
    EXPECT_EQ(read_file(path), "old");
    EXPECT_EQ(entries(dir.path()), 1u);
}

TEST(WriteFileAtomically, ThrowsWhenTheTargetIsADirectory) {
    ScratchDir dir;
    const auto path = dir.path() / "taken";
    fs::create_directories(path / "child");
    expect_throws_naming(path, [](std::ostream& out) { out << "x"; });
    EXPECT_EQ(entries(dir.path()), 1u);
}
