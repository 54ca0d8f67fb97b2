#pragma once
// mod_exec in the daemon: the monitor's HookDispatcher over the configuration (command, connect and exit
// hooks), and the master's ExecOnEvent / ExecOnRestart, which run in a process forked for them so the
// accept loop never waits for a hook. Who a hook runs as is decided here, from the configuration and the
// monitor's own facts: the logged-in user for command hooks, the server's User/Group for connect, exit,
// restart and event hooks, root only for "ExecOnEvent NAME*".
#include <string>
#include <string_view>
#include <vector>

#include "daemon/daemon_context.hpp"
#include "daemon/monitor/hook_dispatcher.hpp"
#include "daemon/monitor/session_facts.hpp"
#include "exec/hook_runner.hpp"

namespace ward::daemon {

class SessionHooks final : public monitor::HookDispatcher {
public:
    SessionHooks(const DaemonContext& context, const ServerRuntime& runtime);

    std::vector<std::string> dispatch(exec::HookPoint point, const exec::CommandEvent& event,
                                      const monitor::SessionFacts& session) override;

    // True when ExecEngine is on for this server.
    [[nodiscard]] bool enabled() const noexcept { return runner_.settings().engine; }
    [[nodiscard]] Tally tally() const noexcept override { return {runner_.runs(), runner_.timeouts()}; }

private:
    [[nodiscard]] exec::SessionValues values(const monitor::SessionFacts& facts) const;
    [[nodiscard]] exec::RunAs run_as(const monitor::SessionFacts& facts, bool session_user) const;

    const DaemonContext& context_;
    const ServerRuntime& runtime_;
    exec::HookRunner runner_;
};

// Where a master event came from, for the %-variables of its hooks.
struct EventOrigin {
    std::string client_address;
    std::uint16_t client_port = 0;
    std::string local_address;
    std::uint16_t local_port = 0;
};

// Starts the ExecOnEvent hooks of `server` for `event` in a forked process; returns at once.
void fire_event_hooks(const DaemonContext& context, const ServerRuntime& runtime, std::string_view event,
                      const EventOrigin& origin);
// Starts every server's ExecOnRestart hooks in a forked process; returns at once.
void fire_restart_hooks(const DaemonContext& context);

}  // namespace ward::daemon
