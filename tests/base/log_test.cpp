#include "base/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace ward {
namespace {

class LogTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(::pipe2(fds_, O_CLOEXEC | O_NONBLOCK), 0);
        saved_ = log::sink();
        log::set_sink({log::Sink::Kind::file, fds_[1]});
        log::set_role("test");
    }
    void TearDown() override {
        log::set_sink(saved_);
        log::set_debug_level(0);
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    std::string drain() {
        std::string out;
        char buf[4096];
        ssize_t n = 0;
        while ((n = ::read(fds_[0], buf, sizeof buf)) > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
    int fds_[2]{-1, -1};
    log::Sink saved_;
};

TEST_F(LogTest, OneEscapedLinePerMessage) {
    log::info("user ", "evil\nforged line");
    const std::string text = drain();
    EXPECT_NE(text.find("test info: user evil\\x0aforged line\n"), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), text.size() - 1);
}

TEST_F(LogTest, DebugDetailFollowsLevel) {
    log::set_debug_level(3);
    log::debug(3, "shown");
    log::debug(4, "hidden");
    const std::string text = drain();
    EXPECT_NE(text.find("shown"), std::string::npos);
    EXPECT_EQ(text.find("hidden"), std::string::npos);
}

}  // namespace
}  // namespace ward
