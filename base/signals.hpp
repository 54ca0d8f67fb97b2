#pragma once
// Signal dispositions across fork. A forked child keeps its parent's handlers, ignored signals and mask; a
// worker must not run the master's Asio handlers, and a hook must not start with SIGPIPE ignored. Resetting
// all 64 signals in every child costs 64 system calls per process, three processes per login, so the daemon
// resets everything once at start-up and each child resets only what wardftpd itself changes.
#include <signal.h>

#include <array>

namespace ward::signals {

// Every signal a wardftpd process gives a disposition other than the default: the master's Asio signal_set
// (SIGCHLD, SIGHUP, SIGINT, SIGTERM) and the worker's and mod_exec's ignored SIGPIPE. A new handler anywhere
// in the daemon belongs in this list.
inline constexpr std::array<int, 5> kChanged{SIGCHLD, SIGHUP, SIGINT, SIGPIPE, SIGTERM};

// Every signal to its default disposition and an empty mask: what the daemon inherited from whoever started it
// (nohup's ignored SIGHUP, a service manager's ignored SIGPIPE) is gone. Once, at start-up.
void reset_all() noexcept;

// kChanged to the default disposition and an empty mask, in a child after fork. Async-signal-safe.
void reset_changed() noexcept;

// In a daemon process forked from the master or a monitor (a session process, a worker, the mod_exec helper,
// the metrics exporter): reset_changed(), then SIGPIPE ignored (a write to a closed socket is an error, not
// death). Async-signal-safe.
void reset_for_daemon_child() noexcept;

}  // namespace ward::signals
