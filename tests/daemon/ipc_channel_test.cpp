#include "daemon/ipc/channel.hpp"
#include "daemon/ipc/wire.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ward::ipc {
namespace {

using namespace std::chrono_literals;

TEST(IpcChannel, CarriesMessagesAndOneFd) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    const UniqueFd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(a.send(DataSocketAnswer{true, ""}, devnull.get()));
    auto got = b.receive(1s);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_TRUE(std::holds_alternative<DataSocketAnswer>(got->message));
    ASSERT_TRUE(got->fd.valid());
    EXPECT_NE(got->fd.get(), devnull.get());
    EXPECT_EQ(::fcntl(got->fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
}

TEST(IpcChannel, TooManyFdsAreClosedAndRefused) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    // A forged message with two fds, sent with raw sendmsg.
    const auto bytes = *encode(SessionEnd{"x"});
    int fds[2] = {::open("/dev/null", O_RDONLY | O_CLOEXEC), ::open("/dev/null", O_RDONLY | O_CLOEXEC)};
    iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)]{};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
    ASSERT_GT(::sendmsg(a.fd(), &msg, 0), 0);
    ::close(fds[0]);
    ::close(fds[1]);

    const int next_free = ::dup(0);
    ::close(next_free);
    const auto got = b.receive(1s);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message, "message carried 2 fds; at most 1 allowed");
    // Both received fds were closed again: the lowest free descriptor is unchanged.
    const int after = ::dup(0);
    EXPECT_EQ(after, next_free);
    ::close(after);
}

TEST(IpcChannel, OversizedMessageIsTruncationError) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    const std::string huge(kMaxMessageBytes + 100, 'x');
    ASSERT_EQ(::send(a.fd(), huge.data(), huge.size(), 0), static_cast<ssize_t>(huge.size()));
    const auto got = b.receive(1s);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message, "message truncated (over the size limit or too many fds)");
}

TEST(IpcChannel, PeerCloseAndTimeoutAreErrors) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    EXPECT_EQ(b.receive(10ms).error().message, "receive: timed out waiting for the peer");
    EXPECT_EQ(b.last_failure(), Failure::timed_out);
    a.close();
    EXPECT_EQ(b.receive(1s).error().message, "peer closed the connection");
    EXPECT_EQ(b.last_failure(), Failure::peer_closed);
}

TEST(IpcChannel, MalformedIsItsOwnKind) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    ASSERT_EQ(::send(a.fd(), "\x01\x01\x00\x00\xff\xff\xff\xff", 8, 0), 8);
    EXPECT_FALSE(b.receive(1s));
    EXPECT_EQ(b.last_failure(), Failure::malformed);
}

// A peer that never reads cannot hold a sender that set a send timeout: the send fails in bounded time.
TEST(IpcChannel, SendTimeoutBoundsASendToAPeerThatDoesNotRead) {
    auto pair = Channel::make_pair();
    ASSERT_TRUE(pair);
    auto& [a, b] = *pair;
    a.set_send_timeout(200ms);
    const HookAnswer big{std::vector<std::string>(Limits::hook_lines, std::string(Limits::hook_line, 'x'))};
    const auto started = std::chrono::steady_clock::now();
    Result<void> sent;
    for (int i = 0; i < 10000 && sent; ++i) {
        sent = a.send(big);
    }
    ASSERT_FALSE(sent);
    EXPECT_NE(sent.error().message.find("timed out"), std::string::npos) << sent.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace ward::ipc
