// ServiceNotifier: the sd_notify(3) datagrams reach the socket named by $NOTIFY_SOCKET (a path or an abstract
// "@name"), the variable is removed so children never inherit it, and a bad name is an error. The daemon's
// READY=1 timing is tested end to end in tests/service/test_notify.py.
#include "daemon/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "base/unique_fd.hpp"

namespace ward {
namespace {

// A datagram socket bound at `name` ("@x" for the abstract namespace), like systemd's notify socket.
UniqueFd bind_receiver(const std::string& name) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    name.copy(addr.sun_path, name.size());
    if (name[0] == '@') {
        addr.sun_path[0] = '\0';
    }
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), length), 0);
    return fd;
}

std::string receive(int fd) {
    char buf[512];
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

TEST(ServiceNotify, SendsStatesToThePathInNotifySocketAndHidesIt) {
    char dir[] = "/tmp/ward-notify-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/notify";
    const UniqueFd receiver = bind_receiver(path);
    ASSERT_EQ(::setenv("NOTIFY_SOCKET", path.c_str(), 1), 0);
    auto notifier = daemon::ServiceNotifier::from_environment();
    ASSERT_TRUE(notifier) << notifier.error().message;
    EXPECT_EQ(std::getenv("NOTIFY_SOCKET"), nullptr);
    EXPECT_TRUE(notifier->active());

    ASSERT_TRUE(notifier->ready("listening on 127.0.0.1 port 21"));
    EXPECT_EQ(receive(receiver.get()), "READY=1\nSTATUS=listening on 127.0.0.1 port 21");
    ASSERT_TRUE(notifier->reloading());
    const std::string reloading = receive(receiver.get());
    EXPECT_EQ(reloading.rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0U) << reloading;
    EXPECT_GT(reloading.size(), std::string("RELOADING=1\nMONOTONIC_USEC=").size());
    ASSERT_TRUE(notifier->stopping());
    EXPECT_EQ(receive(receiver.get()), "STOPPING=1");
    ::unlink(path.c_str());
    ::rmdir(dir);
}

TEST(ServiceNotify, AbstractNamespaceName) {
    const std::string name = "@ward-notify-test-" + std::to_string(::getpid());
    const UniqueFd receiver = bind_receiver(name);
    auto notifier = daemon::ServiceNotifier::to(name);
    ASSERT_TRUE(notifier) << notifier.error().message;
    ASSERT_TRUE(notifier->send("STATUS=x"));
    EXPECT_EQ(receive(receiver.get()), "STATUS=x");
}

TEST(ServiceNotify, NoSocketMeansNothingToDo) {
    ::unsetenv("NOTIFY_SOCKET");
    auto notifier = daemon::ServiceNotifier::from_environment();
    ASSERT_TRUE(notifier);
    EXPECT_FALSE(notifier->active());
    EXPECT_TRUE(notifier->ready("x"));
}

TEST(ServiceNotify, RelativeOrMissingSocketIsAnError) {
    auto relative = daemon::ServiceNotifier::to("notify.sock");
    ASSERT_FALSE(relative);
    EXPECT_NE(relative.error().message.find("neither an absolute path"), std::string::npos);
    auto missing = daemon::ServiceNotifier::to("/nonexistent/ward/notify");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("connect NOTIFY_SOCKET"), std::string::npos);
}

}  // namespace
}  // namespace ward
