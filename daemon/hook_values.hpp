#pragma once
// What mod_exec hooks of the monitor (command, connect, exit) and of the master (ExecOnEvent, ExecOnRestart)
// share: the runner's set-up for a server, the server's own identity, and the %-variables every hook knows
// (the connection's endpoints and the server). Plain values; the processes that run hooks are
// daemon/monitor/session_hooks.* and daemon/master/event_hooks.*.
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "daemon/daemon_context.hpp"
#include "exec/hook_runner.hpp"

namespace ward::daemon {

// Where a hook's connection came from, for its %-variables (all empty for a restart).
struct EventOrigin {
    std::string client_address;
    std::uint16_t client_port = 0;
    std::string local_address;
    std::uint16_t local_port = 0;
};

[[nodiscard]] exec::HookRunnerSetup runner_setup(const DaemonContext& context, const ServerRuntime& runtime);
// The server's User/Group when started as root (connect, exit, restart and event hooks); the daemon's own
// identity otherwise.
[[nodiscard]] exec::RunAs server_user(const DaemonContext& context, const ServerRuntime& runtime);
[[nodiscard]] exec::SessionValues endpoint_values(const ServerRuntime& runtime, const EventOrigin& origin, pid_t pid);

}  // namespace ward::daemon
