#pragma once
// mod_exec in the session monitor: its HookDispatcher over the configuration (command, connect and exit
// hooks). Who a hook runs as is decided here, from the configuration and the monitor's own facts: the
// logged-in user for command hooks, the server's User/Group for connect and exit hooks.
#include <string>
#include <vector>

#include "daemon/daemon_context.hpp"
#include "daemon/monitor/hook_dispatcher.hpp"
#include "daemon/monitor/session_facts.hpp"
#include "exec/hook_runner.hpp"

namespace ward::monitor {

class SessionHooks final : public HookDispatcher {
public:
    SessionHooks(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime);

    std::vector<std::string> dispatch(exec::HookPoint point, const exec::CommandEvent& event,
                                      const SessionFacts& session) override;

    // True when ExecEngine is on for this server.
    [[nodiscard]] bool enabled() const noexcept { return runner_.settings().engine; }
    [[nodiscard]] Tally tally() const noexcept override { return {runner_.runs(), runner_.timeouts()}; }

private:
    [[nodiscard]] exec::SessionValues values(const SessionFacts& facts) const;
    [[nodiscard]] exec::RunAs run_as(const SessionFacts& facts, bool session_user) const;

    const daemon::DaemonContext& context_;
    const daemon::ServerRuntime& runtime_;
    exec::HookRunner runner_;
};

}  // namespace ward::monitor
