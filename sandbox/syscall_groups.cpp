#include "sandbox/syscall_groups.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include <cerrno>

namespace ward::sandbox::groups {
namespace {

constexpr std::uint64_t kSockTypeMask = 0xf;  // the kernel's SOCK_TYPE_MASK: the type without SOCK_* flags
// Any of these in open flags writes or creates; __O_TMPFILE's own bit (without O_DIRECTORY).
constexpr std::uint64_t kOpenWriteFlags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | 020000000;

ArgCondition no_exec(unsigned index) { return arg::masked64(index, WARD_SYM(PROT_EXEC), 0); }

}  // namespace

// ---- allow groups ----

SyscallGroup basic_io() {
    return {"basic-io",
            "read, write and close descriptors the process already holds",
            {allow("read"), allow("readv"), allow("write"), allow("writev"), allow("close"),
             allow("fcntl", {arg::eq32(1, WARD_SYM(F_GETFD))}), allow("fcntl", {arg::eq32(1, WARD_SYM(F_SETFD))}),
             allow("fcntl", {arg::eq32(1, WARD_SYM(F_GETFL))}), allow("fcntl", {arg::eq32(1, WARD_SYM(F_SETFL))}),
             allow("ioctl", {arg::eq32(1, WARD_SYM(FIONBIO))}), allow("ioctl", {arg::eq32(1, WARD_SYM(FIONREAD))})}};
}

SyscallGroup memory() {
    return {"memory",
            "allocate and release memory; nothing mapped or made executable",
            {allow("brk"), allow("mmap", {no_exec(2)}), allow("mprotect", {no_exec(2)}), allow("munmap"),
             allow("mremap"), allow("madvise")}};
}

SyscallGroup time() {
    return {"time",
            "read clocks and sleep",
            {allow("clock_gettime"), allow("clock_getres"), allow("gettimeofday"), allow("time"),
             allow("nanosleep"), allow("clock_nanosleep")}};
}

SyscallGroup signals() {
    return {"signals",
            "install handlers and masks; return from handlers",
            {allow("rt_sigaction"), allow("rt_sigprocmask"), allow("rt_sigreturn"), allow("restart_syscall")}};
}

SyscallGroup process_basics() {
    return {"process-basics",
            "own pid and tid, futex waits, random bytes, exit",
            {allow("getpid"), allow("gettid"), allow("futex"), allow("getrandom"), allow("exit"),
             allow("exit_group")}};
}

SyscallGroup event_loop() {
    return {"event-loop",
            "Boost.Asio's epoll reactor with its eventfd interrupter and timerfd",
            {allow("epoll_create1"), allow("epoll_ctl"), allow("epoll_wait"), allow("epoll_pwait"),
             allow("epoll_pwait2"), allow("eventfd2"), allow("timerfd_create"), allow("timerfd_settime"),
             allow("timerfd_gettime"), allow("poll"), allow("ppoll")}};
}

SyscallGroup connected_sockets() {
    return {"connected-sockets",
            "I/O on sockets already open, descriptors passed with SCM_RIGHTS; their addresses and options; "
            "setsockopt only for what the session sets: urgent data inline and no Nagle on its control connection, "
            "TCP_CORK on a sending data connection",
            {allow("recvfrom"), allow("sendto"), allow("recvmsg"), allow("sendmsg"), allow("shutdown"),
             allow("getsockname"), allow("getpeername"), allow("getsockopt"),
             allow("setsockopt", {arg::eq32(1, WARD_SYM(SOL_SOCKET)), arg::eq32(2, WARD_SYM(SO_OOBINLINE))}),
             allow("setsockopt", {arg::eq32(1, WARD_SYM(IPPROTO_TCP)), arg::eq32(2, WARD_SYM(TCP_NODELAY))}),
             allow("setsockopt", {arg::eq32(1, WARD_SYM(IPPROTO_TCP)), arg::eq32(2, WARD_SYM(TCP_CORK))})}};
}

SyscallGroup file_reads() {
    return {"file-reads",
            "open read-only and read, relative to directory descriptors",
            {allow("openat", {arg::masked32(2, kOpenWriteFlags, "O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE",
                                            0)}),
             allow("newfstatat"), allow("fstat"), allow("statx"), allow("getdents64"), allow("lseek"),
             allow("pread64"), allow("readlinkat")}};
}

SyscallGroup file_writes() {
    return {"file-writes",
            "create, write, rename and remove, relative to directory descriptors",
            {allow("openat"), allow("openat2"), allow("mkdirat"), allow("unlinkat"), allow("renameat"),
             allow("renameat2"), allow("fchmod"), allow("fchmodat"), allow("fchmodat2"), allow("fchownat"), allow("utimensat"),
             allow("ftruncate"),
             allow("pwrite64"), allow("fsync"), allow("fdatasync"), allow("fallocate"), allow("umask")}};
}

SyscallGroup transfers() {
    return {"transfers",
            "zero-copy transfers between files and sockets (splice needs a pipe)",
            {allow("sendfile"), allow("splice"), allow("pipe2")}};
}

SyscallGroup tcp_sockets(std::initializer_list<Family> families) {
    SyscallGroup group{"tcp-sockets", "new TCP sockets of the listed families, and their setup", {}};
    for (const Family family : families) {
        const ArgCondition domain =
            family == Family::inet ? arg::eq32(0, WARD_SYM(AF_INET)) : arg::eq32(0, WARD_SYM(AF_INET6));
        const ArgCondition stream = arg::masked32(1, kSockTypeMask, "SOCK_TYPE_MASK", WARD_SYM(SOCK_STREAM));
        group.rules.push_back(allow("socket", {domain, stream, arg::eq32(2, 0)}));
        group.rules.push_back(allow("socket", {domain, stream, arg::eq32(2, WARD_SYM(IPPROTO_TCP))}));
    }
    for (const char* name : {"bind", "listen", "accept", "accept4", "connect"}) {
        group.rules.push_back(allow(name));
    }
    // Passive data ports reuse ports of earlier transfers still in TIME_WAIT.
    group.rules.push_back(allow("setsockopt", {arg::eq32(1, WARD_SYM(SOL_SOCKET)), arg::eq32(2, WARD_SYM(SO_REUSEADDR))}));
    return group;
}

SyscallGroup database_client() {
    SyscallGroup group{"database-client",
                       "SQLite's file locks and its journal (checked and removed by path); libpq's local socket, "
                       "the DNS lookup of the database host, and the user ids it reads for its defaults",
                       {}};
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_GETLK))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_SETLK))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_SETLKW))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_OFD_GETLK))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_OFD_SETLK))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_OFD_SETLKW))}));
    group.rules.push_back(allow("fcntl", {arg::eq32(1, WARD_SYM(F_DUPFD_CLOEXEC))}));
    const ArgCondition stream = arg::masked32(1, kSockTypeMask, "SOCK_TYPE_MASK", WARD_SYM(SOCK_STREAM));
    const ArgCondition datagram = arg::masked32(1, kSockTypeMask, "SOCK_TYPE_MASK", WARD_SYM(SOCK_DGRAM));
    group.rules.push_back(allow("socket", {arg::eq32(0, WARD_SYM(AF_UNIX)), stream}));
    group.rules.push_back(allow("socket", {arg::eq32(0, WARD_SYM(AF_INET)), datagram}));
    group.rules.push_back(allow("socket", {arg::eq32(0, WARD_SYM(AF_INET6)), datagram}));
    group.rules.push_back(allow("connect"));
    group.rules.push_back(allow("bind"));  // glibc's resolver binds its UDP socket to an ephemeral port
    // libpq: TCP_NODELAY and the keepalive settings.
    group.rules.push_back(allow("setsockopt", {arg::eq32(1, WARD_SYM(IPPROTO_TCP))}));
    group.rules.push_back(allow("setsockopt", {arg::eq32(1, WARD_SYM(SOL_SOCKET)), arg::eq32(2, WARD_SYM(SO_KEEPALIVE))}));
    for (const char* name : {"unlink", "faccessat", "faccessat2", "access", "getuid", "geteuid", "getgid", "getegid",
                             "getcwd", "uname", "sysinfo", "fstatfs", "statfs", "rt_sigaction", "rt_sigprocmask",
                             "sched_yield"}) {
        group.rules.push_back(allow(name));
    }
    return group;
}

SyscallGroup accept_connections() {
    return {"accept-connections",
            "wait for and take connections from a listening socket opened before the process was confined; no "
            "new socket, bind, listen or connect",
            {allow("poll"), allow("accept4")}};
}

SyscallGroup sanitizer_runtime() {
    // Exactly the flags LeakSanitizer's stop-the-world tracer thread is cloned with.
    constexpr std::uint64_t kLsanClone = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED;
    return {"sanitizer-runtime",
            "sanitizer builds only: ASan/UBSan reports, UBSan's vptr check (it probes memory through a pipe) and "
            "LeakSanitizer's check at exit",
            {allow("sigaltstack"), allow("pipe2"), allow("open"), allow("openat"), allow("readlink"), allow("readlinkat"),
             allow("newfstatat"), allow("fstat"), allow("getdents"), allow("getdents64"), allow("lseek"),
             allow("sched_getaffinity"),
             allow("sched_yield"), allow("prctl"), allow("getppid"), allow("wait4"), allow("ptrace"),
             allow("clone", {arg::eq64(0, kLsanClone, "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_UNTRACED")})}};
}

// ---- deny groups ----

SyscallGroup kernel_admin() {
    SyscallGroup group{"kernel-admin", "administer the machine: no role of ours ever does", {}};
    for (const char* name :
         {"reboot", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "swapon",
          "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
          "setdomainname", "iopl", "ioperm"}) {
        group.rules.push_back(kill(name));
    }
    return group;
}

SyscallGroup mounts() {
    SyscallGroup group{"mounts", "change the mount table (chroot stays: the monitor needs it)", {}};
    for (const char* name : {"mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig",
                             "fsmount", "fspick", "mount_setattr"}) {
        group.rules.push_back(kill(name));
    }
    return group;
}

SyscallGroup process_inspection() {
    SyscallGroup group{"process-inspection", "trace, read or steal from another process", {}};
    for (const char* name : {"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd"}) {
        group.rules.push_back(kill(name));
    }
    return group;
}

SyscallGroup kernel_attack_surface() {
    SyscallGroup group{"kernel-attack-surface",
                       "interfaces that kernel exploits reach for, and socket families no role or hook of ours "
                       "uses (kernel crypto, VM sockets, TIPC); io_uring_setup answers ENOSYS because "
                       "libuv and liburing probe it and fall back",
                       {}};
    for (const char* name : {"bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
                             "io_uring_enter", "io_uring_register", "open_by_handle_at", "modify_ldt"}) {
        group.rules.push_back(kill(name));
    }
    group.rules.push_back(fail(ENOSYS, "io_uring_setup"));
    group.rules.push_back(kill("personality", {arg::ne32(0, WARD_SYM(PER_LINUX))}));
    group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_ALG))}));
    group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_VSOCK))}));
    group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_TIPC))}));
    return group;
}

SyscallGroup new_user_namespaces() {
    return {"new-user-namespaces",
            "create or join namespaces through a new user namespace; clone3 answers ENOSYS (its flags are "
            "out of the filter's reach) and glibc falls back to clone",
            {kill("unshare", {arg::masked64(0, WARD_SYM(CLONE_NEWUSER), WARD_SYM(CLONE_NEWUSER))}),
             kill("clone", {arg::masked64(0, WARD_SYM(CLONE_NEWUSER), WARD_SYM(CLONE_NEWUSER))}), kill("setns"),
             fail(ENOSYS, "clone3")}};
}

SyscallGroup signals_to_others() {
    SyscallGroup group{"signals-to-others",
                       "signal another process by pid or queue a signal to one (a helper that keeps uid 0 could "
                       "otherwise signal the master and every monitor); tgkill and tkill stay, as raise and "
                       "abort need them",
                       {}};
    for (const char* name : {"kill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo"}) {
        group.rules.push_back(kill(name));
    }
    return group;
}

SyscallGroup listening_sockets() {
    return {"listening-sockets", "listen on a socket or accept a connection", {kill("listen"), kill("accept"), kill("accept4")}};
}

SyscallGroup raw_sockets(SocketAllowance allowed) {
    SyscallGroup group{"raw-sockets",
                       "raw IP, packet and netlink sockets; netlink answers EAFNOSUPPORT because glibc's "
                       "getaddrinfo probes it and copes",
                       {}};
    if (!allowed.raw) {
        const ArgCondition raw = arg::masked32(1, kSockTypeMask, "SOCK_TYPE_MASK", WARD_SYM(SOCK_RAW));
        group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_INET)), raw}));
        group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_INET6)), raw}));
    }
    if (!allowed.packet) {
        group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_PACKET))}));
        // SOCK_PACKET: the obsolete packet interface, reached through AF_INET
        group.rules.push_back(kill("socket", {arg::eq32(0, WARD_SYM(AF_INET)),
                                              arg::masked32(1, kSockTypeMask, "SOCK_TYPE_MASK", WARD_SYM(SOCK_PACKET))}));
    }
    if (!allowed.netlink) {
        group.rules.push_back(fail(EAFNOSUPPORT, "socket", {arg::eq32(0, WARD_SYM(AF_NETLINK))}));
    }
    return group;
}

SyscallGroup non_unix_sockets() {
    return {"non-unix-sockets", "every socket family but AF_UNIX", {kill("socket", {arg::ne32(0, WARD_SYM(AF_UNIX))})}};
}

}  // namespace ward::sandbox::groups
