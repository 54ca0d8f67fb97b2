#pragma once
// Everything the master prepares once per configuration (at start-up and on each SIGHUP) and every session
// inherits through fork: the resolved servers, their login rules and hook interest, open log files, the
// compiled seccomp programs, the uid/gid name table. A reload builds a whole new context before swapping,
// so a bad file leaves the old one serving.
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "config/server.hpp"
#include "daemon/master/key_process.hpp"
#include "daemon/master/proxy_settings.hpp"
#include "daemon/name_table.hpp"
#include "daemon/monitor/config_login_rules.hpp"
#include "daemon/session_config.hpp"
#include "daemon/sql/settings.hpp"
#include "daemon/tls/settings.hpp"
#include "daemon/worker/hook_interest.hpp"
#include "exec/hook_config.hpp"
#include "modules/module_set.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/seccomp_policy.hpp"

namespace ward::daemon {

struct ServerRuntime {
    const config::Server* server = nullptr;
    std::unique_ptr<monitor::ConfigLoginRules> login_rules;
    worker::HookInterest hooks;
    UniqueFd transfer_log;                                     // the server's TransferLog
    std::map<const config::Context*, UniqueFd> anon_transfer_logs;  // an <Anonymous>'s own TransferLog
    uid_t preauth_uid = 0;  // User/Group: the unprivileged identity of pre-auth workers
    gid_t preauth_gid = 0;
    sandbox::CapabilitySet session_caps;  // mod_cap: CapabilitiesEngine and CapabilitiesSet
    exec::ExecSettings exec;              // mod_exec: ExecEngine, ExecOptions, ExecTimeout, ExecSandbox, ExecLog
    UniqueFd exec_log;                    // ExecLog, when set
    master::proxy::Settings proxy;        // mod_proxy_protocol: who may name the client, and how
    tls::Settings tls;                    // mod_tls, read once (tls::settings_for)
    // TLSEngine on: the process holding the certificate's key (forked by prepare_context, before any
    // listener accepts); each session's monitor gets its own signing channel (KeyProcess::connect). Shared
    // with the sessions' copies of the context; ends with the last context that names it.
    std::shared_ptr<master::KeyProcess> key_process;
    // TLSEngine on: the certificate, then TLSCertificateChainFile's certificates (public data only), read at
    // start-up for the pre-auth workers' TLS contexts (daemon/tls/worker_context.hpp).
    std::vector<tls::CertPtr> certificates;
    std::shared_ptr<const sql::Settings> sql;  // mod_sql; nullptr when the server does not use it
    UniqueFd sql_log;                          // SQLLogFile, when set

    [[nodiscard]] int transfer_log_for(const config::Context* anon) const;
};

struct Policies {
    sandbox::CompiledPolicy master;  // the master installs it on itself after start-up
    sandbox::CompiledPolicy monitor;
    sandbox::CompiledPolicy worker_preauth;
    sandbox::CompiledPolicy worker_postauth;
    sandbox::CompiledPolicy hook;
    sandbox::CompiledPolicy hook_strict;  // ExecSandbox strict
    sandbox::CompiledPolicy sql_helper;   // mod_sql's helper process
    sandbox::CompiledPolicy pam_helper;   // mod_auth_pam.c's per-attempt helper
};

struct DaemonContext {
    explicit DaemonContext(Policies compiled) : policies(std::move(compiled)) {}

    std::shared_ptr<const config::ServerSet> servers;
    std::vector<ServerRuntime> runtime;  // parallel to servers->servers()
    Policies policies;
    bool privileged = false;             // started as root: per-user ids and chroot are available
    std::string empty_dir;               // the pre-auth worker's root (privileged only)
    std::shared_ptr<const NameTable> names;
    UniqueFd system_log;                 // SystemLog, when set
    std::vector<std::string> warnings;   // "file:line:column: ...": printed at start-up and logged on reload, as -t
    std::vector<std::string> confinement;  // which confinement each role gets: logged at start-up, as -t prints
    ward::modules::ModuleSet modules;    // mod_dso: verified modules (memfds); insmod/rmmod change it for new sessions

    [[nodiscard]] const ServerRuntime& runtime_for(const config::Server& server) const;
};

// mod_cap: the session monitor's capability set for a server (CapabilitiesEngine, CapabilitiesSet).
[[nodiscard]] Result<sandbox::CapabilitySet> server_session_capabilities(const config::Server& server);

// Builds a context from a loaded configuration. Every error names what failed; nothing is half-applied.
[[nodiscard]] Result<std::shared_ptr<DaemonContext>> prepare_context(std::shared_ptr<const config::Config> config);

}  // namespace ward::daemon
