#pragma once
// Runs one hook program and waits for it: fork, apply the child's description (sandbox/child_spec: ids,
// no capabilities, no_new_privs, rlimits, every other fd closed, seccomp), execve with exactly the given
// argv and environment, never a shell. The parent feeds stdin, captures stdout and stderr up to a cap,
// and waits on a pidfd with the timeout: SIGTERM, then SIGKILL after a grace period. The caller must be
// single-threaded (the monitor, or a process forked from the master to run hooks).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "sandbox/child_spec.hpp"

namespace ward::exec {

struct SpawnSpec {
    std::vector<std::string> argv;           // argv[0]: the program's absolute path
    std::vector<std::string> environment;    // "NAME=value"; nothing else reaches the child
    sandbox::ChildSpec child;                // keep_fds is filled in by spawn()
    std::optional<std::string> stdin_data;   // unset: the child reads end-of-file at once
    std::chrono::milliseconds timeout{0};    // 0: wait as long as it runs (ExecTimeout 0)
    std::chrono::milliseconds kill_grace{500};
};

struct SpawnOutcome {
    enum class Kind : std::uint8_t { exited, signalled, not_started };
    Kind kind = Kind::not_started;
    int exit_status = 0;       // exited
    int signal = 0;            // signalled
    std::string start_error;   // not_started: why (e.g. "No such file or directory")
    bool timed_out = false;    // the timeout sent SIGTERM
    bool killed = false;       // ... and SIGKILL followed
    std::string out;           // stdout, up to kOutputCap bytes
    std::string err;           // stderr, up to kOutputCap bytes
    pid_t pid = -1;
};

inline constexpr std::size_t kOutputCap = std::size_t{64} * 1024;

// Errors are the parent's own failures (no pipe, no fork); everything about the child is in the outcome.
[[nodiscard]] Result<SpawnOutcome> spawn(SpawnSpec spec);

}  // namespace ward::exec
