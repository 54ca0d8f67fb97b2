#include "daemon/ftp/rooted_fs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ward::ftp {
namespace {

namespace fs = std::filesystem;

class RootedFsTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/rooted-fs-XXXXXX";
        base_ = ::mkdtemp(pattern);
        root_ = base_ / "root";
        fs::create_directories(root_ / "dir");
        std::ofstream(root_ / "dir" / "f.txt") << "inside";
        std::ofstream(base_ / "outside.txt") << "outside";
        fs::create_symlink("/", root_ / "to-root");
        fs::create_symlink("../../outside.txt", root_ / "dir" / "escape");
        fs::create_symlink(base_ / "outside.txt", root_ / "abs-escape");
        auto opened = RootedFs::open_root(root_.string());
        ASSERT_TRUE(opened);
        rfs_ = std::move(*opened);
    }
    void TearDown() override { fs::remove_all(base_); }

    fs::path base_;
    fs::path root_;
    RootedFs rfs_;
};

TEST_F(RootedFsTest, OpensFilesInsideTheRoot) {
    UniqueFd fd;
    ASSERT_EQ(rfs_.open("/dir/f.txt", O_RDONLY, 0, fd), 0);
    char buf[16] = {};
    EXPECT_EQ(::read(fd.get(), buf, sizeof buf), 6);
    EXPECT_STREQ(buf, "inside");
}

TEST_F(RootedFsTest, SymlinksCannotLeaveTheRoot) {
    UniqueFd fd;
    EXPECT_EQ(rfs_.open("/dir/escape", O_RDONLY, 0, fd), ENOENT);
    EXPECT_EQ(rfs_.open("/abs-escape", O_RDONLY, 0, fd), ENOENT);
    struct stat st {};
    ASSERT_EQ(rfs_.stat("/to-root/dir", st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(rfs_.chmod("/abs-escape", 0777), ENOENT);
    EXPECT_NE(fs::status(base_ / "outside.txt").permissions(), fs::perms::all);
}

TEST_F(RootedFsTest, NameOperations) {
    EXPECT_EQ(rfs_.mkdir("/new", 0750), 0);
    EXPECT_EQ(rfs_.mkdir("/new", 0750), EEXIST);
    EXPECT_EQ(rfs_.rename("/dir/f.txt", "/new/g.txt", true), 0);
    EXPECT_TRUE(fs::exists(root_ / "new" / "g.txt"));
    std::ofstream(root_ / "new" / "h.txt") << "h";
    EXPECT_EQ(rfs_.rename("/new/h.txt", "/new/g.txt", true), EEXIST);
    EXPECT_EQ(rfs_.rename("/new/h.txt", "/new/g.txt", false), 0);
    EXPECT_EQ(rfs_.rmdir("/new"), ENOTEMPTY);
    EXPECT_EQ(rfs_.unlink("/new/g.txt"), 0);
    EXPECT_EQ(rfs_.rmdir("/new"), 0);
    EXPECT_EQ(rfs_.unlink("/"), EISDIR);
    EXPECT_EQ(rfs_.rmdir("/"), EBUSY);
    struct stat st {};
    EXPECT_EQ(rfs_.lstat("/abs-escape", st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
    EXPECT_EQ(rfs_.chmod("/dir", 0700), 0);
    EXPECT_EQ(fs::status(root_ / "dir").permissions(), fs::perms::owner_all);
}

TEST(RootedFs, MissingRootIsAnError) {
    const auto opened = RootedFs::open_root("/nonexistent/wardftpd-root");
    ASSERT_FALSE(opened);
    EXPECT_NE(opened.error().message.find("/nonexistent/wardftpd-root"), std::string::npos);
}

}  // namespace
}  // namespace ward::ftp
