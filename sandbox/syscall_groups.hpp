#pragma once
// The named groups of system calls that policies are built from. Allow groups serve the allow-lists of the
// protocol workers; deny groups serve the deny-lists of the master, monitor and hooks. Each group says why
// it exists; describe() prints that reason beside its rules.
#include <initializer_list>

#include "sandbox/seccomp_policy.hpp"

namespace ward::sandbox::groups {

// ---- allow groups ----
SyscallGroup basic_io();           // read, write, close descriptors already held; fcntl/ioctl on them
SyscallGroup memory();             // allocate and free memory, never executable
SyscallGroup time();               // clocks and sleeping
SyscallGroup signals();            // handle and mask signals
SyscallGroup process_basics();     // pid/tid, futex, getrandom, exit
SyscallGroup event_loop();         // Boost.Asio's epoll reactor, eventfd and timerfd
SyscallGroup connected_sockets();  // I/O on sockets already open, fd passing with SCM_RIGHTS
SyscallGroup file_reads();         // read-only opens and reads through directory fds
SyscallGroup file_writes();        // create, write, rename, remove through directory fds
SyscallGroup transfers();          // sendfile/splice between files and sockets

enum class Family { inet, inet6 };
SyscallGroup tcp_sockets(std::initializer_list<Family> families);  // new TCP sockets of these families
SyscallGroup database_client();    // what SQLite and libpq add: file locks, local and DNS sockets, ids
SyscallGroup accept_connections();  // accept on a listening socket the process was given, nothing else of TCP setup

// Sanitizer builds only (WARD_SANITIZER_BUILD): what the ASan/UBSan/LSan runtime itself calls. compile()
// merges it; the release policies never contain it.
SyscallGroup sanitizer_runtime();

// ---- deny groups ----
SyscallGroup kernel_admin();           // reboot, modules, kexec, swap, clocks, host name, port I/O
SyscallGroup mounts();                 // mount and the new mount API, pivot_root
SyscallGroup process_inspection();     // ptrace and the calls that read or steal from another process
SyscallGroup kernel_attack_surface();  // bpf, perf, userfaultfd, keyrings, io_uring, handles, personality
SyscallGroup new_user_namespaces();    // unshare/clone with CLONE_NEWUSER, setns; clone3 answers ENOSYS

// Which unusual socket families a hook may open (configuration); the rest are refused.
struct SocketAllowance {
    bool raw = false;      // AF_INET/AF_INET6 SOCK_RAW (ping, traceroute)
    bool packet = false;   // AF_PACKET
    bool netlink = false;  // AF_NETLINK
    friend bool operator==(const SocketAllowance&, const SocketAllowance&) = default;
};
SyscallGroup raw_sockets(SocketAllowance allowed);  // empty when everything is allowed
SyscallGroup signals_to_others();  // kill, pidfd_send_signal, rt_sigqueueinfo (the PAM helper)
SyscallGroup listening_sockets();  // listen, accept (the PAM helper)
SyscallGroup non_unix_sockets();                    // every socket family but AF_UNIX

}  // namespace ward::sandbox::groups
