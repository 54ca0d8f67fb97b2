#pragma once
// The master confines itself once its listeners, control socket, PidFile and log files are open: capabilities
// cut to what the monitors it forks must hold (the union over every server's mod_cap set plus privilege
// separation's needs), `no_new_privs`, then its `master` seccomp deny-list. Nothing it does later gains
// privileges through execve (hooks run with no capabilities and no_new_privs of their own), so no_new_privs
// costs nothing. A reload whose configuration would need a capability the master no longer holds is refused
// (a restart applies it), never half-applied.
#include "base/result.hpp"
#include "daemon/daemon_context.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/confinement_plan.hpp"

namespace ward::master {

// What the master keeps for `context`: every monitor it forks takes its set from the master's.
[[nodiscard]] sandbox::CapabilitySet master_capability_set(const daemon::DaemonContext& context) noexcept;

// What -t prints and start-up logs about each role's confinement (sandbox/confinement_plan.hpp), for these
// servers run by this user on this kernel. An error if a server's CapabilitiesSet is invalid.
[[nodiscard]] Result<sandbox::ConfinementPlan> confinement_plan(const config::ServerSet& servers);

struct SelfConfinement {
    sandbox::CapabilitySet kept;  // what the master still holds (empty when unprivileged)
    bool capabilities_cut = false;
};

// Cuts capabilities (root only), sets no_new_privs and installs the master's seccomp policy.
[[nodiscard]] Result<SelfConfinement> confine_master(const daemon::DaemonContext& context);

// Whether a reloaded `fresh` context can run under what the master still holds; an error says what is missing.
[[nodiscard]] Result<void> reload_fits(const SelfConfinement& held, const daemon::DaemonContext& fresh);

// The helper the master forks for ExecOnEvent/ExecOnRestart: sandbox::exec_helper_capabilities(),
// no_new_privs and the master's policy again (it already inherits it; installing it keeps it explicit).
[[nodiscard]] Result<void> confine_hook_helper(const daemon::DaemonContext& context);

}  // namespace ward::master
