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
    EXPECT_NE(text.find(": user evil\\x0aforged line\n"), std::string::npos) << text;
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

// ProFTPD's SystemLog layout: "DATE,ms HOST wardftpd[PID] (CLIENT[CLIENT]): MESSAGE", which fail2ban's stock
// proftpd filter reads (tests/service/test_fail2ban.py runs the filter itself on a live daemon's log).
TEST_F(LogTest, SessionLinesCarryTheClientLikeProftpd) {
    log::set_client("192.0.2.7");
    log::notice("USER alice (Login failed): Incorrect password");
    log::warning("careful");
    log::set_client("");
    log::notice("master line");
    const std::string text = drain();
    const std::string pid = std::to_string(::getpid());
    EXPECT_NE(text.find(" wardftpd[" + pid + "] (192.0.2.7[192.0.2.7]): USER alice (Login failed): Incorrect password\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("]): warning (test): careful\n"), std::string::npos) << text;
    EXPECT_NE(text.find(" wardftpd[" + pid + "]: master line\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace ward
