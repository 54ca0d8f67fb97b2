// The allow-lists: worker_preauth and worker_postauth. A forked child installs the policy and runs what the
// worker really runs (a Boost.Asio loop with a timer, socket I/O, fd passing, file work through directory
// descriptors, TCP data connections); each refused call must kill it with SIGSYS.
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/log.hpp"
#include "sandbox/policies.hpp"
#include "tests/sandbox/policy_test_support.hpp"

namespace ward::sandbox {
namespace {

using testing::Attempt;
using testing::confine;
using testing::expect_all_killed;
using testing::report;
using testing::run_in_child;

long raw(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
    return ::syscall(nr, a, b, c, d, e, f);
}

CompiledPolicy compile(const PolicyBuilder& builder) {
    auto compiled = builder.compile();
    if (!compiled) {
        ADD_FAILURE() << compiled.error().message;
        return CompiledPolicy(builder.name(), {});
    }
    return *compiled;
}

// Refused to every worker.
std::vector<Attempt> refused_to_workers() {
    return {
        {"execve", [] { return raw(SYS_execve, reinterpret_cast<long>("/bin/true"), 0, 0); }},
        {"execveat", [] { return raw(SYS_execveat, AT_FDCWD, reinterpret_cast<long>("/bin/true"), 0, 0, 0); }},
        {"fork (clone)", [] {
             const long pid = raw(SYS_clone, SIGCHLD, 0, 0, 0, 0);
             if (pid == 0) {
                 ::_exit(0);
             }
             return pid;
         }},
        {"ptrace", [] { return raw(SYS_ptrace, PTRACE_TRACEME); }},
        {"mount", [] { return raw(SYS_mount, 0, 0, 0, 0, 0); }},
        {"finit_module", [] { return raw(SYS_finit_module, -1, 0, 0); }},
        {"bpf", [] { return raw(SYS_bpf, -1, 0, 0); }},
        {"setuid(0)", [] { return raw(SYS_setuid, 0); }},
        {"chroot", [] { return raw(SYS_chroot, reinterpret_cast<long>("/")); }},
        {"kill", [] { return raw(SYS_kill, ::getpid(), 0); }},
        {"unshare", [] { return raw(SYS_unshare, 0); }},
        {"prctl", [] { return raw(SYS_prctl, PR_GET_DUMPABLE); }},
        {"io_uring_setup", [] { return raw(SYS_io_uring_setup, 1, 0); }},
        {"userfaultfd", [] { return raw(SYS_userfaultfd, 0); }},
        {"mmap(PROT_EXEC)",
         [] { return raw(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }},
        {"mprotect(PROT_EXEC)",
         [] {
             static std::array<char, 8192> page{};
             const auto addr = (reinterpret_cast<unsigned long>(page.data()) + 4095) & ~4095UL;
             return raw(SYS_mprotect, static_cast<long>(addr), 4096, PROT_READ | PROT_EXEC);
         }},
        {"fcntl(F_DUPFD)", [] { return raw(SYS_fcntl, 0, F_DUPFD, 10); }},
        {"ioctl(TCGETS)", [] { return raw(SYS_ioctl, 0, TCGETS, 0); }},
        {"socket(AF_UNIX)", [] { return raw(SYS_socket, AF_UNIX, SOCK_STREAM, 0); }},
        {"socket(AF_NETLINK)", [] { return raw(SYS_socket, AF_NETLINK, SOCK_RAW, 0); }},
        {"socket(AF_INET, SOCK_RAW)", [] { return raw(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP); }},
        {"socket(AF_INET, SOCK_DGRAM)", [] { return raw(SYS_socket, AF_INET, SOCK_DGRAM, 0); }},
        {"socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)",
         [] { return raw(SYS_socket, AF_INET, SOCK_STREAM, IPPROTO_SCTP); }},
        // An allow rule on an int argument fails closed when the register's upper half is not zero.
        {"socket(AF_INET with upper bits)",
         [] { return raw(SYS_socket, static_cast<long>((1UL << 32U) | AF_INET), SOCK_STREAM, 0); }},
        {"socketpair", [] {
             int fds[2];
             return raw(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, reinterpret_cast<long>(fds));
         }},
        {"symlinkat", [] { return raw(SYS_symlinkat, reinterpret_cast<long>("a"), AT_FDCWD, reinterpret_cast<long>("b")); }},
        {"fchown", [] { return raw(SYS_fchown, 0, 0, 0); }},
        {"chdir", [] { return raw(SYS_chdir, reinterpret_cast<long>("/")); }},
        {"uname", [] { return raw(SYS_uname, 0); }},
        // setsockopt: only the options the session sets; these would bind, filter or re-layer its sockets.
        {"setsockopt(SO_BINDTODEVICE)", [] { return raw(SYS_setsockopt, 0, SOL_SOCKET, SO_BINDTODEVICE, 0, 0); }},
        {"setsockopt(SO_ATTACH_FILTER)", [] { return raw(SYS_setsockopt, 0, SOL_SOCKET, SO_ATTACH_FILTER, 0, 0); }},
        {"setsockopt(TCP_ULP)", [] { return raw(SYS_setsockopt, 0, IPPROTO_TCP, TCP_ULP, 0, 0); }},
        {"setsockopt(SO_DEBUG)", [] { return raw(SYS_setsockopt, 0, SOL_SOCKET, SO_DEBUG, 0, 0); }},
        {"setsockopt(SO_OOBINLINE with upper bits)",
         [] { return raw(SYS_setsockopt, 0, static_cast<long>((1UL << 32U) | SOL_SOCKET), SO_OOBINLINE, 0, 0); }},
    };
}

// Refused before login only: no file of any kind, no new sockets.
std::vector<Attempt> refused_before_login() {
    return {
        {"openat", [] { return raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/etc/passwd"), O_RDONLY); }},
        {"open", [] { return raw(SYS_open, reinterpret_cast<long>("/etc/passwd"), O_RDONLY); }},
        {"newfstatat", [] { return raw(SYS_newfstatat, AT_FDCWD, reinterpret_cast<long>("/"), 0, 0); }},
        {"getdents64", [] { return raw(SYS_getdents64, 0, 0, 0); }},
        {"pipe2", [] {
             int fds[2];
             return raw(SYS_pipe2, reinterpret_cast<long>(fds), 0);
         }},
        {"socket(AF_INET, SOCK_STREAM)", [] { return raw(SYS_socket, AF_INET, SOCK_STREAM, 0); }},
        {"bind", [] { return raw(SYS_bind, 0, 0, 0); }},
        {"listen", [] { return raw(SYS_listen, 0, 0); }},
        {"accept4", [] { return raw(SYS_accept4, 0, 0, 0, 0); }},
        {"connect", [] { return raw(SYS_connect, 0, 0, 0); }},
        {"sendfile", [] { return raw(SYS_sendfile, 1, 0, 0, 1); }},
        {"setsockopt(SO_REUSEADDR)", [] { return raw(SYS_setsockopt, 0, SOL_SOCKET, SO_REUSEADDR, 0, 0); }},
    };
}

TEST(WorkerPolicies, PreauthRunsAsioTimerSocketIoAndTheLog) {
    const CompiledPolicy policy = compile(policies::worker_preauth());
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    const auto result = run_in_child([&](int fd) {
        log::set_sink({log::Sink::Kind::file, fd});
        log::prepare_for_confinement();
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        namespace asio = boost::asio;
        asio::io_context io;
        asio::local::stream_protocol::socket a(io, asio::local::stream_protocol(), pair[0]);
        asio::local::stream_protocol::socket b(io, asio::local::stream_protocol(), pair[1]);
        asio::steady_timer timer(io, std::chrono::milliseconds(2));
        std::string received(5, '\0');
        bool timer_fired = false;
        timer.async_wait([&](const boost::system::error_code& ec) {
            timer_fired = !ec;
            asio::async_write(a, asio::buffer(std::string_view("hello")), [](const boost::system::error_code&, std::size_t) {});
        });
        asio::async_read(b, asio::buffer(received), [](const boost::system::error_code&, std::size_t) {});
        io.run();
        log::info("pre-auth loop done: ", received);
        return timer_fired && received == "hello" ? 0 : testing::kUnexpected;
    });
    ::close(pair[0]);
    ::close(pair[1]);
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
    EXPECT_NE(result.output.find(": pre-auth loop done: hello\n"), std::string::npos) << result.output;
}

TEST(WorkerPolicies, PreauthPassesDescriptorsWithScmRights) {
    const CompiledPolicy policy = compile(policies::worker_preauth());
    const auto result = run_in_child([&](int fd) {
        int pair[2];
        int pipe_fds[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, pair) != 0 || ::pipe(pipe_fds) != 0) {
            return 1;
        }
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        char byte = 'm';
        iovec iov{&byte, 1};
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cmsg), &pipe_fds[1], sizeof(int));
        if (::sendmsg(pair[0], &msg, 0) != 1) {
            return 2;
        }
        control.fill(0);
        if (::recvmsg(pair[1], &msg, 0) != 1) {
            return 3;
        }
        int passed = -1;
        std::memcpy(&passed, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
        char got = 0;
        return ::write(passed, "z", 1) == 1 && ::read(pipe_fds[0], &got, 1) == 1 && got == 'z' ? 0 : 4;
    });
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
}

TEST(WorkerPolicies, PreauthKillsEveryRefusedCall) {
    const CompiledPolicy policy = compile(policies::worker_preauth());
    expect_all_killed(policy, refused_to_workers());
    expect_all_killed(policy, refused_before_login());
}

// One file operation in the post-auth child; reports the step that failed.
#define STEP(name, ok)                                                  \
    do {                                                                \
        if (!(ok)) {                                                    \
            report(fd, str_cat(name, ": ", std::strerror(errno)));      \
            return testing::kUnexpected;                                \
        }                                                               \
    } while (false)

TEST(WorkerPolicies, PostauthServesFilesThroughDirectoryDescriptors) {
    const CompiledPolicy policy = compile(policies::worker_postauth());
    std::string dir = ::testing::TempDir() + "ward-postauth-XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    ASSERT_EQ(::symlink("target", (dir + "/link").c_str()), 0);
    const auto result = run_in_child([&](int fd) {
        const int root = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int pair[2];
        STEP("setup", root >= 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        open_how how{};
        how.flags = O_CREAT | O_WRONLY | O_CLOEXEC;
        how.mode = 0644;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        const int up = static_cast<int>(raw(SYS_openat2, root, reinterpret_cast<long>("up.txt"),
                                            reinterpret_cast<long>(&how), sizeof how));
        STEP("openat2 create", up >= 0);
        STEP("write", ::write(up, "data", 4) == 4);
        STEP("pwrite", ::pwrite(up, "more", 4, 4) == 4);
        STEP("fsync", ::fsync(up) == 0 && ::fdatasync(up) == 0);
        STEP("fallocate", ::fallocate(up, 0, 0, 16) == 0);
        STEP("ftruncate", ::ftruncate(up, 8) == 0);
        STEP("fchmod", ::fchmod(up, 0600) == 0);
        ::close(up);
        const int in = ::openat(root, "up.txt", O_RDONLY | O_CLOEXEC);
        std::array<char, 8> data{};
        struct stat st {};
        STEP("openat read", in >= 0);
        STEP("pread", ::pread(in, data.data(), data.size(), 0) == 8 && std::string_view(data.data(), 8) == "datamore");
        STEP("fstat", ::fstat(in, &st) == 0 && st.st_size == 8);
        STEP("lseek", ::lseek(in, 0, SEEK_SET) == 0);
        STEP("sendfile", ::sendfile(pair[0], in, nullptr, 8) == 8 && ::read(pair[1], data.data(), 8) == 8);
        int pipe_fds[2];
        STEP("pipe2", ::pipe2(pipe_fds, O_CLOEXEC) == 0);
        loff_t offset = 0;
        STEP("splice", ::splice(in, &offset, pipe_fds[1], nullptr, 8, 0) == 8 &&
                           ::splice(pipe_fds[0], nullptr, pair[0], nullptr, 8, 0) == 8);
        ::close(in);
        struct statx stx {};
        STEP("fstatat", ::fstatat(root, "up.txt", &st, 0) == 0);
        STEP("statx", ::statx(root, "up.txt", 0, STATX_SIZE, &stx) == 0 && stx.stx_size == 8);
        STEP("mkdirat", ::mkdirat(root, "sub", 0755) == 0);
        STEP("renameat", ::renameat(root, "up.txt", root, "sub/moved.txt") == 0);
        STEP("renameat2", ::renameat2(root, "sub/moved.txt", root, "sub/final.txt", RENAME_NOREPLACE) == 0);
        STEP("fchmodat", ::fchmodat(root, "sub/final.txt", 0640, 0) == 0);
        STEP("utimensat", ::utimensat(root, "sub/final.txt", nullptr, 0) == 0);
        std::array<char, 16> link{};
        STEP("readlinkat", ::readlinkat(root, "link", link.data(), link.size()) == 6);
        const int listing = ::openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        std::array<char, 1024> entries{};
        STEP("getdents64", listing >= 0 && raw(SYS_getdents64, listing, reinterpret_cast<long>(entries.data()),
                                               entries.size()) > 0);
        STEP("unlinkat", ::unlinkat(root, "sub/final.txt", 0) == 0 && ::unlinkat(root, "sub", AT_REMOVEDIR) == 0);
        how.flags = O_RDONLY;
        how.mode = 0;
        STEP("openat2 stays beneath", raw(SYS_openat2, root, reinterpret_cast<long>("../../etc/passwd"),
                                          reinterpret_cast<long>(&how), sizeof how) == -1 && errno == EXDEV);
        return 0;
    });
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
    (void)::unlink((dir + "/link").c_str());
    (void)::rmdir(dir.c_str());
}

TEST(WorkerPolicies, PostauthRunsTcpDataConnectionsWithAsio) {
    const CompiledPolicy policy = compile(policies::worker_postauth());
    const auto result = run_in_child([&](int fd) {
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        namespace asio = boost::asio;
        asio::io_context io;
        asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
        asio::ip::tcp::socket client(io);
        asio::ip::tcp::socket server(io);
        asio::steady_timer timer(io, std::chrono::milliseconds(2));
        std::string received(4, '\0');
        acceptor.async_accept(server, [&](const boost::system::error_code& ec) {
            if (!ec) {
                asio::async_read(server, asio::buffer(received), [](const boost::system::error_code&, std::size_t) {});
            }
        });
        timer.async_wait([&](const boost::system::error_code&) {
            client.async_connect(acceptor.local_endpoint(), [&](const boost::system::error_code& ec) {
                if (!ec) {
                    asio::async_write(client, asio::buffer(std::string_view("RETR")),
                                      [](const boost::system::error_code&, std::size_t) {});
                }
            });
        });
        io.run();
        asio::ip::tcp::socket v6(io);
        boost::system::error_code ec;
        v6.open(asio::ip::tcp::v6(), ec);
        report(fd, str_cat(received, " v6 ", ec ? ec.message() : "ok"));
        return received == "RETR" && !ec ? 0 : testing::kUnexpected;
    });
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
}

// A process that returns from main runs exit handlers (and, in the sanitizer build, LeakSanitizer's check).
TEST(WorkerPolicies, NormalExitRunsUnderThePolicy) {
    for (const auto& builder : {policies::worker_preauth(), policies::worker_postauth(), policies::master(),
                                policies::hook()}) {
        const CompiledPolicy policy = compile(builder);
        const auto result = run_in_child([&](int fd) {
            if (const int rc = confine(fd, policy); rc != 0) {
                return rc;
            }
            std::exit(0);  // NOLINT(concurrency-mt-unsafe): single-threaded child
        });
        EXPECT_TRUE(result.exited_with(0)) << policy.name() << ": " << result.describe();
    }
}

// The options the session does set still pass (on a socket made before the policy, as the worker's are).
TEST(WorkerPolicies, SetsockoptPassesForTheOptionsTheSessionSets) {
    const int sock = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(sock, 0);
    const int on = 1;
    const auto set = [sock, &on](int level, int name) {
        return static_cast<long>(::setsockopt(sock, level, name, &on, sizeof on));
    };
    struct Case {
        const char* name;
        int level;
        int option;
        bool preauth;
    };
    for (const Case c : {Case{"SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE, true}, Case{"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, true},
                         Case{"TCP_CORK", IPPROTO_TCP, TCP_CORK, true},
                         Case{"SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR, false}}) {
        for (const auto& builder : {policies::worker_preauth(), policies::worker_postauth()}) {
            if (builder.name() == "worker_preauth" && !c.preauth) {
                continue;
            }
            const auto result = testing::attempt_under(compile(builder), {c.name, [&] { return set(c.level, c.option); }});
            EXPECT_EQ(result.output, str_cat(c.name, " returned 0 errno 0")) << builder.name() << ": " << result.describe();
        }
    }
    ::close(sock);
}

TEST(WorkerPolicies, PostauthKillsEveryRefusedCall) {
    expect_all_killed(compile(policies::worker_postauth()), refused_to_workers());
}

}  // namespace
}  // namespace ward::sandbox
