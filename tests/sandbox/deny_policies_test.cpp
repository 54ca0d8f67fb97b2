// The deny-lists: master, monitor, hook, hook_strict, pam_helper. Each test forks a child, installs the policy, and either
// does what the role does (it must work) or tries a refused call (it must die by SIGSYS, or get the errno).
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <grp.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <vector>

#include <gtest/gtest.h>

#include "sandbox/policies.hpp"
#include "tests/sandbox/policy_test_support.hpp"

namespace ward::sandbox {
namespace {

using testing::Attempt;
using testing::confine;
using testing::expect_all_killed;
using testing::report;
using testing::run_in_child;

constexpr long kNoArg = 0;
constexpr unsigned long kGarbageHigh = 1UL << 32U;  // upper half of a 32-bit argument's register

long raw(long nr, long a = kNoArg, long b = kNoArg, long c = kNoArg, long d = kNoArg, long e = kNoArg) {
    return ::syscall(nr, a, b, c, d, e, kNoArg);
}

// What no process of ours, hook programs included, may call: each must kill the caller. Arguments are
// invalid where a mistake in the policy could otherwise change the machine.
std::vector<Attempt> never_allowed() {
    return {
        {"reboot", [] { return raw(SYS_reboot, 0, 0, 0); }},
        {"kexec_load", [] { return raw(SYS_kexec_load, 0, 0, 0, 0); }},
        {"kexec_file_load", [] { return raw(SYS_kexec_file_load, -1, -1, 0, 0, 0); }},
        {"init_module", [] { return raw(SYS_init_module, 0, 0, 0); }},
        {"finit_module", [] { return raw(SYS_finit_module, -1, 0, 0); }},
        {"delete_module", [] { return raw(SYS_delete_module, 0, 0); }},
        {"swapoff", [] { return raw(SYS_swapoff, 0); }},
        {"acct", [] { return raw(SYS_acct, 1); }},
        {"clock_settime", [] { return raw(SYS_clock_settime, 0, 0); }},
        {"sethostname", [] { return raw(SYS_sethostname, 0, 5); }},
        {"iopl", [] { return raw(SYS_iopl, 0); }},
        {"mount", [] { return raw(SYS_mount, 0, 0, 0, 0, 0); }},
        {"umount2", [] { return raw(SYS_umount2, 0, 0); }},
        {"pivot_root", [] { return raw(SYS_pivot_root, 0, 0); }},
        {"fsopen", [] { return raw(SYS_fsopen, 0, 0); }},
        {"open_tree", [] { return raw(SYS_open_tree, -1, 0, 0); }},
        {"mount_setattr", [] { return raw(SYS_mount_setattr, -1, 0, 0, 0, 0); }},
        {"ptrace", [] { return raw(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0); }},
        {"process_vm_readv", [] { return raw(SYS_process_vm_readv, ::getpid(), 0, 0, 0, 0); }},
        {"pidfd_getfd", [] { return raw(SYS_pidfd_getfd, -1, 0, 0); }},
        {"bpf", [] { return raw(SYS_bpf, -1, 0, 0); }},
        {"perf_event_open", [] { return raw(SYS_perf_event_open, 0, 0, -1, -1, 0); }},
        {"userfaultfd", [] { return raw(SYS_userfaultfd, 0); }},
        {"keyctl", [] { return raw(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0); }},
        {"add_key", [] { return raw(SYS_add_key, 0, 0, 0, 0, 0); }},
        {"request_key", [] { return raw(SYS_request_key, 0, 0, 0, 0); }},
        {"io_uring_enter", [] { return raw(SYS_io_uring_enter, -1, 0, 0, 0, 0); }},
        {"io_uring_register", [] { return raw(SYS_io_uring_register, -1, 0, 0, 0); }},
        {"open_by_handle_at", [] { return raw(SYS_open_by_handle_at, -1, 0, 0); }},
        {"modify_ldt", [] { return raw(SYS_modify_ldt, 0, 0, 0); }},
        {"socket(AF_ALG)", [] { return raw(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0); }},
        {"socket(AF_VSOCK)", [] { return raw(SYS_socket, AF_VSOCK, SOCK_STREAM, 0); }},
        {"socket(AF_TIPC)", [] { return raw(SYS_socket, AF_TIPC, SOCK_RDM, 0); }},
        {"socket(AF_ALG with upper bits)", [] { return raw(SYS_socket, static_cast<long>(kGarbageHigh | AF_ALG), SOCK_SEQPACKET, 0); }},
        {"personality(ADDR_NO_RANDOMIZE)", [] { return raw(SYS_personality, ADDR_NO_RANDOMIZE); }},
        {"personality(query)", [] { return raw(SYS_personality, 0xffffffffL); }},
        {"unshare(CLONE_NEWUSER)", [] { return raw(SYS_unshare, CLONE_NEWUSER); }},
        {"unshare(CLONE_NEWUSER|CLONE_NEWNS)", [] { return raw(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS); }},
        {"clone(CLONE_NEWUSER)",
         [] {
             const long pid = raw(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
             if (pid == 0) {
                 ::_exit(0);
             }
             return pid;
         }},
        {"setns", [] { return raw(SYS_setns, -1, 0); }},
        // The x32 ABI's system call numbers reach the filter with the x86_64 architecture token.
        {"x32 getpid", [] { return raw(0x40000000L | SYS_getpid); }},
    };
}

std::vector<Attempt> never_allowed_sockets() {
    return {
        {"socket(AF_INET, SOCK_RAW)", [] { return raw(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP); }},
        {"socket(AF_INET6, SOCK_RAW|SOCK_CLOEXEC)",
         [] { return raw(SYS_socket, AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6); }},
        {"socket(AF_PACKET)", [] { return raw(SYS_socket, AF_PACKET, SOCK_DGRAM, 0); }},
        {"socket(AF_INET, SOCK_PACKET)", [] { return raw(SYS_socket, AF_INET, SOCK_PACKET, 0); }},
        // The kernel reads the family as an int; garbage above it must not slip past the filter.
        {"socket(AF_PACKET with upper bits)",
         [] { return raw(SYS_socket, static_cast<long>(kGarbageHigh | AF_PACKET), SOCK_RAW, 0); }},
    };
}

// Refused with an errno because libraries probe them and cope.
struct Refusal {
    Attempt attempt;
    int err;
};
std::vector<Refusal> refused_with_errno() {
    return {
        {{"io_uring_setup", [] { return raw(SYS_io_uring_setup, 1, 0); }}, ENOSYS},
        {{"clone3", [] { return raw(SYS_clone3, 0, 0); }}, ENOSYS},
        {{"socket(AF_NETLINK)", [] { return raw(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }}, EAFNOSUPPORT},
    };
}

void expect_refusals(const CompiledPolicy& policy, const std::vector<Refusal>& refusals) {
    for (const auto& refusal : refusals) {
        const auto result = testing::attempt_under(policy, refusal.attempt);
        EXPECT_TRUE(testing::failed_with(result, refusal.attempt, refusal.err))
            << policy.name() << " " << refusal.attempt.name << ": " << result.describe();
    }
}

CompiledPolicy compile(const PolicyBuilder& builder) {
    auto compiled = builder.compile();
    if (!compiled) {
        ADD_FAILURE() << compiled.error().message;
        return CompiledPolicy(builder.name(), {});
    }
    return *compiled;
}

TEST(DenyPolicies, EveryDenyListKillsWhatNoProcessMayDo) {
    for (const auto& builder : {policies::master(), policies::monitor(), policies::hook(),
                                policies::hook({.strict = true}), policies::pam_helper()}) {
        const CompiledPolicy policy = compile(builder);
        expect_all_killed(policy, never_allowed());
        expect_all_killed(policy, never_allowed_sockets());
    }
}

// The PAM helper keeps uid 0: it must not signal the master or another monitor, nor serve connections; what
// PAM modules do (files, sockets to sssd or an LDAP server, raise and abort) still works.
TEST(DenyPolicies, PamHelperSignalsNoOtherProcessAndServesNoConnection) {
    const CompiledPolicy pam = compile(policies::pam_helper());
    expect_all_killed(pam, {
        {"kill(parent, 0)", [] { return raw(SYS_kill, ::getppid(), 0); }},
        {"pidfd_send_signal", [] { return raw(SYS_pidfd_send_signal, -1, 0, 0, 0); }},
        {"rt_sigqueueinfo", [] { return raw(SYS_rt_sigqueueinfo, ::getppid(), SIGUSR1, 0); }},
        {"rt_tgsigqueueinfo", [] { return raw(SYS_rt_tgsigqueueinfo, ::getppid(), ::getppid(), SIGUSR1, 0); }},
        {"listen", [] { return raw(SYS_listen, -1, 1); }},
        {"accept", [] { return raw(SYS_accept, -1, 0, 0); }},
        {"accept4", [] { return raw(SYS_accept4, -1, 0, 0, 0); }},
    });
    const std::vector<Attempt> allowed = {
        {"openat(/etc/passwd)", [] { return raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/etc/passwd"), O_RDONLY); }},
        {"socket(AF_UNIX, SOCK_STREAM)", [] { return raw(SYS_socket, AF_UNIX, SOCK_STREAM, 0); }},
        {"socket(AF_INET, SOCK_DGRAM)", [] { return raw(SYS_socket, AF_INET, SOCK_DGRAM, 0); }},
        {"tgkill(self, 0)", [] { return raw(SYS_tgkill, ::getpid(), ::gettid(), 0); }},
    };
    for (const auto& attempt : allowed) {
        const auto result = testing::attempt_under(pam, attempt);
        EXPECT_TRUE(result.exited_with(0) && result.output.find("returned -1") == std::string::npos)
            << attempt.name << ": " << result.describe();
    }
}

TEST(DenyPolicies, ProbedCallsGetTheirErrno) {
    for (const auto& builder : {policies::master(), policies::monitor(), policies::hook()}) {
        expect_refusals(compile(builder), refused_with_errno());
    }
    // Strict hooks: io_uring_setup and clone3 still answer ENOSYS; netlink is one of the killed families.
    const CompiledPolicy strict = compile(policies::hook({.strict = true}));
    expect_refusals(strict, {refused_with_errno()[0], refused_with_errno()[1]});
    expect_all_killed(strict, {refused_with_errno()[2].attempt});
}

TEST(DenyPolicies, OrdinaryCallsNextToRefusedOnesStillWork) {
    const CompiledPolicy hook = compile(policies::hook());
    const std::vector<Attempt> allowed = {
        {"personality(PER_LINUX)", [] { return raw(SYS_personality, PER_LINUX); }},
        {"unshare(0)", [] { return raw(SYS_unshare, 0); }},
        {"socket(AF_INET, SOCK_DGRAM)", [] { return raw(SYS_socket, AF_INET, SOCK_DGRAM, 0); }},
        {"socket(AF_INET6, SOCK_STREAM)", [] { return raw(SYS_socket, AF_INET6, SOCK_STREAM, 0); }},
        {"socket(AF_UNIX, SOCK_SEQPACKET)", [] { return raw(SYS_socket, AF_UNIX, SOCK_SEQPACKET, 0); }},
    };
    for (const auto& attempt : allowed) {
        const auto result = testing::attempt_under(hook, attempt);
        EXPECT_TRUE(result.exited_with(0) && result.output.find("returned -1") == std::string::npos)
            << attempt.name << ": " << result.describe();
    }
}

TEST(DenyPolicies, ConfiguredSocketFamiliesAreAllowedForHooksAndTheirParents) {
    const groups::SocketAllowance netlink{.netlink = true};
    const Attempt open_netlink{"socket(AF_NETLINK)", [] { return raw(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE); }};
    for (const auto& builder : {policies::hook({.sockets = netlink}), policies::master(netlink),
                                policies::monitor(netlink)}) {
        const CompiledPolicy policy = compile(builder);
        const auto result = testing::attempt_under(policy, open_netlink);
        EXPECT_TRUE(result.exited_with(0) && result.output.find("returned -1") == std::string::npos)
            << policy.name() << ": " << result.describe();
        expect_all_killed(policy, never_allowed_sockets());  // raw and packet stay refused
    }
    // Raw sockets when configured: no longer killed (without CAP_NET_RAW the kernel itself may refuse).
    const CompiledPolicy raw_ok = compile(policies::hook({.sockets = {.raw = true}}));
    const auto result = testing::attempt_under(raw_ok, never_allowed_sockets()[0]);
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
}

TEST(DenyPolicies, StrictHookKillsEverySocketFamilyButUnix) {
    const CompiledPolicy strict = compile(policies::hook({.strict = true}));
    expect_all_killed(strict, {{"socket(AF_INET, SOCK_STREAM)", [] { return raw(SYS_socket, AF_INET, SOCK_STREAM, 0); }},
                               {"socket(AF_INET6, SOCK_DGRAM)", [] { return raw(SYS_socket, AF_INET6, SOCK_DGRAM, 0); }}});
    const auto result = testing::attempt_under(
        strict, {"socketpair(AF_UNIX)", [] {
                     int fds[2];
                     return static_cast<long>(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
                 }});
    EXPECT_EQ(result.output, "socketpair(AF_UNIX) returned 0 errno 0") << result.describe();
}

// What a hook program does: python3 reading files, spawning a process, resolving names (glibc's netlink
// probe gets EAFNOSUPPORT and copes), opening sockets, using pipes; and a shell pipeline.
constexpr const char* kPythonHook = R"(
import os, socket, subprocess
open('/etc/passwd').read()
subprocess.run(['/bin/true'], check=True)
socket.getaddrinfo('localhost', 21, flags=socket.AI_ADDRCONFIG)
socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
a, b = socket.socketpair(); a.send(b'x'); assert b.recv(1) == b'x'
r, w = os.pipe(); os.write(w, b'y'); assert os.read(r, 1) == b'y'
print('ok', flush=True)
)";

testing::ChildResult run_program_under(const CompiledPolicy& policy, std::vector<const char*> argv) {
    argv.push_back(nullptr);
    return run_in_child([&](int fd) {
        if (const int rc = confine(fd, policy); rc != 0) {
            return rc;
        }
        ::dup2(fd, STDOUT_FILENO);
        ::execv(argv[0], const_cast<char* const*>(argv.data()));
        report(fd, "execv failed");
        return testing::kUnexpected;
    });
}

TEST(DenyPolicies, HookPolicyRunsRealPrograms) {
    for (const auto& builder : {policies::hook(), policies::master(), policies::monitor()}) {
        const CompiledPolicy policy = compile(builder);
        const auto python = run_program_under(policy, {"/usr/bin/python3", "-c", kPythonHook});
        EXPECT_TRUE(python.exited_with(0) && python.output == "ok\n") << policy.name() << ": " << python.describe();
        const auto shell = run_program_under(policy, {"/bin/sh", "-c", "echo hook | cat"});
        EXPECT_TRUE(shell.exited_with(0) && shell.output == "hook\n") << policy.name() << ": " << shell.describe();
    }
}

TEST(DenyPolicies, MasterRunsItsAcceptLoopSignalsAndChildren) {
    const CompiledPolicy master = compile(policies::master());
    const auto result = run_in_child([&](int fd) {
        if (const int rc = confine(fd, master); rc != 0) {
            return rc;
        }
        namespace asio = boost::asio;
        asio::io_context io;
        asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
        asio::ip::tcp::socket client(io);
        asio::signal_set signals(io, SIGUSR1);
        asio::steady_timer timer(io, std::chrono::milliseconds(5));
        int done = 0;
        signals.async_wait([&](const boost::system::error_code& ec, int) { done += ec ? 0 : 1; });
        timer.async_wait([&](const boost::system::error_code& ec) {
            done += ec ? 0 : 1;
            ::kill(::getpid(), SIGUSR1);
        });
        acceptor.async_accept([&](const boost::system::error_code& ec, asio::ip::tcp::socket) {
            done += ec ? 0 : 1;
            const pid_t pid = ::fork();  // a monitor, which execs a hook
            if (pid == 0) {
                ::execl("/bin/true", "true", static_cast<char*>(nullptr));
                ::_exit(127);
            }
            int status = 0;
            done += ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 1 : 0;
        });
        client.async_connect(acceptor.local_endpoint(), [&](const boost::system::error_code& ec) { done += ec ? 0 : 1; });
        io.run();
        report(fd, str_cat(done));
        return done == 5 ? 0 : testing::kUnexpected;
    });
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
}

TEST(DenyPolicies, MonitorDropsChildrenAndStacksWorkerPolicies) {
    const CompiledPolicy monitor = compile(policies::monitor());
    const CompiledPolicy worker = compile(policies::worker_preauth());
    const auto result = run_in_child([&](int fd) {
        if (const int rc = confine(fd, monitor); rc != 0) {
            return rc;
        }
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
            return 1;
        }
        const pid_t pid = ::fork();
        if (pid == 0) {  // a worker: drop to nobody (as root), then its own policy on top of the monitor's
            if (::geteuid() == 0) {
                const gid_t nobody = 65534;
                if (::setgroups(1, &nobody) != 0 || ::setresgid(nobody, nobody, nobody) != 0 ||
                    ::setresuid(nobody, nobody, nobody) != 0) {
                    ::_exit(2);
                }
            }
            ::_exit(worker.install().has_value() && ::write(pair[1], "w", 1) == 1 ? 0 : 3);
        }
        char byte = 0;
        int status = 0;
        const bool child_ok = ::read(pair[0], &byte, 1) == 1 && ::waitpid(pid, &status, 0) == pid &&
                              WIFEXITED(status) && WEXITSTATUS(status) == 0;
        const int pidfd = static_cast<int>(raw(SYS_pidfd_open, ::getpid(), 0));
        const bool pidfd_ok = pidfd >= 0 && raw(SYS_pidfd_send_signal, pidfd, 0, 0, 0) == 0;
        report(fd, str_cat("child ", child_ok, " pidfd ", pidfd_ok));
        return child_ok && pidfd_ok ? 0 : testing::kUnexpected;
    });
    EXPECT_TRUE(result.exited_with(0)) << result.describe();
}

}  // namespace
}  // namespace ward::sandbox
