// Landlock: a confined child opens inside its trees and not outside; read-only trees refuse writes; TCP
// bind/connect ports are restricted where the kernel's ABI allows; the status says what was enforced.
#include "sandbox/landlock.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "base/strings.hpp"
#include "tests/sandbox/child_process.hpp"

namespace ward::sandbox {
namespace {

using testing::report;
using testing::run_in_child;

std::string errname(int err) {
    const char* name = ::strerrorname_np(err);
    return name != nullptr ? name : "?";
}

// "ok" or the errno's name.
std::string try_open(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) {
        return errname(errno);
    }
    ::close(fd);
    return "ok";
}

int nnp_and_restrict(int fd, const LandlockRules& rules) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return 90;
    }
    auto status = landlock_restrict_self(rules);
    if (!status) {
        report(fd, status.error().message);
        return 91;
    }
    report(fd, str_cat(status->describe(), "\n"));
    return 0;
}

std::string expected_status(int abi) {
    if (abi >= 5) {
        return str_cat("Landlock ABI ", abi, ": fully enforced\n");
    }
    return str_cat("Landlock ABI ", abi, ": partially enforced");
}

class Landlock : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = ::testing::TempDir() + "ward-landlock-XXXXXX";
        ASSERT_NE(::mkdtemp(base_.data()), nullptr);
        for (const char* dir : {"/ro", "/rw", "/outside"}) {
            ASSERT_EQ(::mkdir((base_ + dir).c_str(), 0755), 0);
        }
        for (const char* file : {"/ro/file", "/outside/file"}) {
            ASSERT_EQ(try_open(base_ + file, O_CREAT | O_WRONLY), "ok");
        }
    }
    void TearDown() override {
        for (const char* path : {"/ro/file", "/outside/file", "/rw/new", "/ro", "/rw", "/outside", ""}) {
            (void)::remove((base_ + path).c_str());
        }
    }
    std::string base_;
};

TEST_F(Landlock, ConfinedChildOpensInsideItsTreesOnly) {
    const int abi = landlock_abi();
    const auto result = run_in_child([&](int fd) {
        LandlockRules rules;
        rules.read_only = {base_ + "/ro"};
        rules.read_write = {base_ + "/rw"};
        if (const int rc = nnp_and_restrict(fd, rules); rc != 0) {
            return rc;
        }
        report(fd, str_cat("ro read ", try_open(base_ + "/ro/file", O_RDONLY), ", ro write ",
                           try_open(base_ + "/ro/file", O_WRONLY), ", ro create ",
                           try_open(base_ + "/ro/new", O_CREAT | O_WRONLY), ", rw create ",
                           try_open(base_ + "/rw/new", O_CREAT | O_WRONLY), ", outside read ",
                           try_open(base_ + "/outside/file", O_RDONLY), ", /etc/passwd ",
                           try_open("/etc/passwd", O_RDONLY)));
        return 0;
    });
    if (abi == 0) {  // the explicit fallback: reported, nothing enforced
        EXPECT_EQ(result.output.substr(0, 32), "Landlock ABI 0: not enforced; no");
        return;
    }
    EXPECT_EQ(result.output.substr(0, expected_status(abi).size()), expected_status(abi)) << result.describe();
    EXPECT_NE(result.output.find("ro read ok, ro write EACCES, ro create EACCES, rw create ok, outside read EACCES, "
                                 "/etc/passwd EACCES"),
              std::string::npos)
        << result.describe();
}

// everything_but: the rest of the file system stays reachable, the excluded paths and what is under them do not.
TEST_F(Landlock, EverythingButKeepsTheExcludedPathsOut) {
    const int abi = landlock_abi();
    const auto result = run_in_child([&](int fd) {
        LandlockRules rules;
        rules.read_write = everything_but({"/proc", base_ + "/ro"});
        rules.skip_missing = true;
        if (const int rc = nnp_and_restrict(fd, rules); rc != 0) {
            return rc;
        }
        report(fd, str_cat("proc ", try_open("/proc/self/status", O_RDONLY), ", excluded ",
                           try_open(base_ + "/ro/file", O_RDONLY), ", sibling ", try_open(base_ + "/rw/new", O_CREAT | O_WRONLY),
                           ", outside ", try_open(base_ + "/outside/file", O_RDONLY), ", /etc/passwd ",
                           try_open("/etc/passwd", O_RDONLY)));
        return 0;
    });
    if (abi == 0) {
        GTEST_SKIP() << "no Landlock on this kernel";
    }
    EXPECT_NE(result.output.find("proc EACCES, excluded EACCES, sibling ok, outside ok, /etc/passwd ok"),
              std::string::npos)
        << result.describe();
}

TEST_F(Landlock, NoTreeMeansNoFilesystemAtAll) {
    const auto result = run_in_child([&](int fd) {
        if (const int rc = nnp_and_restrict(fd, {}); rc != 0) {
            return rc;
        }
        report(fd, str_cat("/etc/passwd ", try_open("/etc/passwd", O_RDONLY), ", . ", try_open(".", O_RDONLY)));
        return 0;
    });
    if (landlock_abi() > 0) {
        EXPECT_NE(result.output.find("/etc/passwd EACCES, . EACCES"), std::string::npos) << result.describe();
    } else {
        EXPECT_NE(result.output.find("/etc/passwd ok"), std::string::npos) << result.describe();
    }
}

std::string bind_result(int s, std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(s, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 ? "ok" : errname(errno);
}

std::uint16_t free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    (void)bind_result(s, 0);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(s);
    return ntohs(addr.sin_port);
}

TEST_F(Landlock, TcpBindAndConnectArePortRestricted) {
    const std::uint16_t allowed = free_port();
    const std::uint16_t other = free_port();
    const auto result = run_in_child([&](int fd) {
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (bind_result(listener, 0) != "ok" || ::listen(listener, 1) != 0) {
            return 1;
        }
        sockaddr_in target{};
        socklen_t len = sizeof target;
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&target), &len);
        LandlockRules rules;
        rules.restrict_filesystem = false;
        rules.tcp_bind = std::vector<std::uint16_t>{allowed};
        rules.tcp_connect = std::vector<std::uint16_t>{};
        if (const int rc = nnp_and_restrict(fd, rules); rc != 0) {
            return rc;
        }
        const int a = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int b = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const std::string connected =
            ::connect(c, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0 ? "ok" : errname(errno);
        report(fd, str_cat("bind allowed ", bind_result(a, allowed), ", bind other ", bind_result(b, other),
                           ", connect ", connected));
        return 0;
    });
    if (landlock_abi() >= 4) {
        EXPECT_NE(result.output.find("bind allowed ok, bind other EACCES, connect EACCES"), std::string::npos)
            << result.describe();
    } else {
        EXPECT_NE(result.output.find("TCP bind/connect ports (needs ABI 4"), std::string::npos) << result.describe();
    }
}

TEST_F(Landlock, IsolatedIpcRefusesSignalsOutsideTheDomain) {
    const auto result = run_in_child([&](int fd) {
        LandlockRules rules;
        rules.restrict_filesystem = false;
        rules.isolate_ipc = true;
        const bool before = ::kill(::getppid(), 0) == 0;
        if (const int rc = nnp_and_restrict(fd, rules); rc != 0) {
            return rc;
        }
        report(fd, str_cat("before ", before, ", after ", ::kill(::getppid(), 0) == 0 ? "ok" : errname(errno)));
        return 0;
    });
    if (landlock_abi() >= 6) {
        EXPECT_NE(result.output.find("before true, after EPERM"), std::string::npos) << result.describe();
    } else {
        EXPECT_NE(result.output.find("scoping (needs ABI 6"), std::string::npos) << result.describe();
    }
}

TEST(LandlockErrors, AMissingTreeIsNamed) {
    const auto result = run_in_child([](int fd) {
        LandlockRules rules;
        rules.read_only = {"/nonexistent/ward"};
        return nnp_and_restrict(fd, rules);
    });
    if (landlock_abi() > 0) {
        EXPECT_EQ(result.output, "Landlock: open /nonexistent/ward: No such file or directory");
    } else {
        EXPECT_TRUE(result.exited_with(0)) << result.describe();
    }
}

}  // namespace
}  // namespace ward::sandbox
