#include "base/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ward {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(UniqueFd, ClosesOnDestruction) {
    int raw = -1;
    {
        const UniqueFd fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        raw = fd.get();
        ASSERT_TRUE(is_open(raw));
    }
    EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MoveTransfersOwnership) {
    UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int raw = a.get();
    UniqueFd b(std::move(a));
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): the moved-from state is what we test
    EXPECT_EQ(b.get(), raw);
    UniqueFd c;
    c = std::move(b);
    EXPECT_EQ(c.get(), raw);
    EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, ReleaseGivesUpOwnership) {
    UniqueFd a(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const int raw = a.release();
    EXPECT_FALSE(a.valid());
    EXPECT_TRUE(is_open(raw));
    ::close(raw);
}

}  // namespace
}  // namespace ward
