#pragma once
// mod_exec in the master: ExecOnEvent and ExecOnRestart, run in a process forked for them (confined as the
// hook helper) so the accept loop never waits for a hook. Event hooks run as the server's User/Group, root
// only for "ExecOnEvent NAME*".
#include <string_view>

#include "daemon/daemon_context.hpp"
#include "daemon/hook_values.hpp"

namespace ward::master {

// Starts the ExecOnEvent hooks of `server` for `event` in a forked process; returns at once.
void fire_event_hooks(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime, std::string_view event,
                      const daemon::EventOrigin& origin);
// Starts every server's ExecOnRestart hooks in a forked process; returns at once.
void fire_restart_hooks(const daemon::DaemonContext& context);

}  // namespace ward::master
