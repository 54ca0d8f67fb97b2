#include "base/log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
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

// To syslog (/dev/log): the syslog daemon adds time and host, so a line in /var/log/syslog reads
// "... HOST wardftpd[PID]: (CLIENT[CLIENT]) - USER ...", which fail2ban's proftpd filter also reads.
TEST_F(LogTest, SyslogDatagramsCarryPriorityAndClient) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
    log::set_sink({log::Sink::Kind::syslog, pair[0]});
    log::set_client("192.0.2.7");
    log::notice("USER bob (Login failed): Incorrect password");
    log::set_client("");
    char buf[512];
    const ssize_t n = ::recv(pair[1], buf, sizeof buf, MSG_DONTWAIT);
    ::close(pair[0]);
    ::close(pair[1]);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)),
              "<29>wardftpd[" + std::to_string(::getpid()) +
                  "]: (192.0.2.7[192.0.2.7]) - USER bob (Login failed): Incorrect password");
}

// Under systemd, stderr is the journal's stream ($JOURNAL_STREAM names its device and inode): lines carry the
// priority as "<N>" and leave time, host and pid to the journal.
TEST_F(LogTest, JournalStreamLinesCarryPriorities) {
    int journal[2];
    ASSERT_EQ(::pipe2(journal, O_CLOEXEC | O_NONBLOCK), 0);
    const int saved_stderr = ::dup(2);
    ASSERT_GE(saved_stderr, 0);
    ASSERT_EQ(::dup2(journal[1], 2), 2);
    struct stat st {};
    ASSERT_EQ(::fstat(2, &st), 0);
    const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
    log::prepare_for_confinement();
    log::set_sink({log::Sink::Kind::stderr_stream, 2});
    log::set_client("192.0.2.7");
    log::error("boom");
    log::notice("USER bob (Login failed): No such user found");
    log::set_client("");
    log::info("master line");
    ::dup2(saved_stderr, 2);
    ::close(saved_stderr);
    ::unsetenv("JOURNAL_STREAM");
    log::prepare_for_confinement();
    char buf[1024];
    const ssize_t n = ::read(journal[0], buf, sizeof buf);
    ::close(journal[0]);
    ::close(journal[1]);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<std::size_t>(n)),
              "<3>(192.0.2.7[192.0.2.7]): error (test): boom\n"
              "<5>(192.0.2.7[192.0.2.7]): USER bob (Login failed): No such user found\n"
              "<6>master line\n");
}

}  // namespace
}  // namespace ward
