#include "base/sys.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace ward {
namespace {

TEST(Sys, OpenFailureNamesThePath) {
    const auto fd = sys::open("/nonexistent/wardftpd-test", O_RDONLY);
    ASSERT_FALSE(fd);
    EXPECT_EQ(fd.error().message, "open /nonexistent/wardftpd-test: No such file or directory");
}

TEST(Sys, ReadFileEnforcesTheLimit) {
    char path[] = "/tmp/ward-sys-XXXXXX";
    const int raw = ::mkstemp(path);
    ASSERT_GE(raw, 0);
    const UniqueFd fd(raw);
    ASSERT_TRUE(sys::write_all(fd.get(), std::string_view("0123456789")));
    const auto whole = sys::read_file(path, 10);
    ASSERT_TRUE(whole) << whole.error().message;
    EXPECT_EQ(*whole, "0123456789");
    const auto cut = sys::read_file(path, 9);
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.error().message.find("limit of 9 bytes"), std::string::npos);
    ::unlink(path);
}

}  // namespace
}  // namespace ward
