#pragma once
// The named seccomp policies, one per process role. SECURITY.md carries each one's describe() text, checked
// against this code by tests/sandbox/security_md_test.cpp.
//
// A seccomp filter survives fork and execve, so whatever the master or a monitor installs also binds every
// process it starts, hooks included. Their policies are therefore deny-lists (default allow) that refuse what
// no process of ours, hook programs included, may do. The protocol workers parse network input and get strict
// allow-lists (default kill).
#include <vector>

#include "sandbox/seccomp_policy.hpp"
#include "sandbox/syscall_groups.hpp"

namespace ward::sandbox::policies {

// What mod_exec hooks may do, from the configuration.
struct HookOptions {
    bool strict = false;                // `ExecSandbox strict`: no socket family but AF_UNIX
    groups::SocketAllowance sockets{};  // raw/packet/netlink sockets the configuration allows hooks
};

// `hook_sockets` is the union of what any hook may open: these processes' filters bind their hooks too.
[[nodiscard]] PolicyBuilder master(groups::SocketAllowance hook_sockets = {});
[[nodiscard]] PolicyBuilder monitor(groups::SocketAllowance hook_sockets = {});
[[nodiscard]] PolicyBuilder worker_preauth();
[[nodiscard]] PolicyBuilder worker_postauth();
[[nodiscard]] PolicyBuilder hook(const HookOptions& options = {});
// mod_sql's helper (daemon/monitor/sql_helper.hpp): it parses the database's bytes, so an allow-list.
[[nodiscard]] PolicyBuilder sql_helper();
// The per-attempt PAM helper (mod_auth_pam.c): arbitrary PAM modules run there, with uid 0 and no
// capabilities. A deny-list, since PAM modules may read files, talk to sssd/LDAP/RADIUS and run programs
// (pam_exec); on top of the monitor's list it refuses signalling other processes and serving connections.
[[nodiscard]] PolicyBuilder pam_helper();
// The metrics exporter (daemon/master/metrics_exporter.hpp): HTTP on connections from its one listener.
[[nodiscard]] PolicyBuilder metrics_exporter();

// Every named policy with the default configuration, in the order SECURITY.md reviews them.
[[nodiscard]] std::vector<PolicyBuilder> reviewed();

}  // namespace ward::sandbox::policies
