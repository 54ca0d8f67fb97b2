#include "daemon/ftp/dir_reader.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/unique_fd.hpp"

namespace ward::ftp {
namespace {

namespace fs = std::filesystem;

TEST(ReadDirectory, ReadsEveryEntrySortedWithoutDotEntries) {
    char pattern[] = "/tmp/dir-reader-XXXXXX";
    const fs::path dir = ::mkdtemp(pattern);
    for (int i = 2999; i >= 0; --i) {
        std::ofstream(dir / ("entry-" + std::to_string(100000 + i))) << "";
    }
    fs::create_directory(dir / "sub");
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(fd);
    DirListing listing;
    ASSERT_EQ(read_directory(fd.get(), listing), 0);
    listing.sort();
    ASSERT_EQ(listing.entries.size(), 3001U);
    EXPECT_EQ(listing.name(listing.entries.front()), "entry-100000");
    EXPECT_EQ(listing.name(listing.entries[2999]), "entry-102999");
    EXPECT_EQ(listing.name(listing.entries.back()), "sub");
    EXPECT_EQ(listing.entries.back().type, DT_DIR);
    EXPECT_STREQ(listing.c_name(listing.entries[1]), "entry-100001");
    fs::remove_all(dir);
}

TEST(ReadDirectory, NotADirectoryIsAnError) {
    UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    DirListing listing;
    EXPECT_EQ(read_directory(fd.get(), listing), ENOTDIR);
}

}  // namespace
}  // namespace ward::ftp
