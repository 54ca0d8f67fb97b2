#include "sandbox/policies.hpp"

namespace ward::sandbox::policies {
namespace {

// What no process of ours ever does, and no hook program may do.
PolicyBuilder& deny_never(PolicyBuilder& policy) {
    return policy.add(groups::kernel_admin())
        .add(groups::mounts())
        .add(groups::process_inspection())
        .add(groups::kernel_attack_surface())
        .add(groups::new_user_namespaces());
}

PolicyBuilder deny_list(std::string name, groups::SocketAllowance sockets) {
    PolicyBuilder policy(std::move(name), Action::allow());
    deny_never(policy);
    if (SyscallGroup raw = groups::raw_sockets(sockets); !raw.rules.empty()) {
        policy.add(std::move(raw));
    }
    return policy;
}

PolicyBuilder& allow_session_io(PolicyBuilder& policy) {
    return policy.add(groups::basic_io())
        .add(groups::memory())
        .add(groups::time())
        .add(groups::signals())
        .add(groups::process_basics())
        .add(groups::event_loop())
        .add(groups::connected_sockets());
}

}  // namespace

PolicyBuilder master(groups::SocketAllowance hook_sockets) { return deny_list("master", hook_sockets); }

PolicyBuilder monitor(groups::SocketAllowance hook_sockets) { return deny_list("monitor", hook_sockets); }

PolicyBuilder worker_preauth() {
    PolicyBuilder policy("worker_preauth", Action::kill_process());
    allow_session_io(policy);
    return policy;
}

PolicyBuilder worker_postauth() {
    PolicyBuilder policy("worker_postauth", Action::kill_process());
    allow_session_io(policy)
        .add(groups::file_reads())
        .add(groups::file_writes())
        .add(groups::transfers())
        .add(groups::tcp_sockets({groups::Family::inet, groups::Family::inet6}));
    return policy;
}

PolicyBuilder hook(const HookOptions& options) {
    if (!options.strict) {
        return deny_list("hook", options.sockets);
    }
    PolicyBuilder policy("hook_strict", Action::allow());
    deny_never(policy).add(groups::non_unix_sockets());
    return policy;
}

PolicyBuilder sql_helper() {
    PolicyBuilder policy("sql_helper", Action::kill_process());
    allow_session_io(policy)
        .add(groups::file_reads())
        .add(groups::file_writes())
        .add(groups::tcp_sockets({groups::Family::inet, groups::Family::inet6}))
        .add(groups::database_client());
    return policy;
}

PolicyBuilder pam_helper() {
    PolicyBuilder policy = deny_list("pam_helper", {});
    policy.add(groups::signals_to_others()).add(groups::listening_sockets());
    return policy;
}

PolicyBuilder metrics_exporter() {
    PolicyBuilder policy("metrics_exporter", Action::kill_process());
    policy.add(groups::basic_io())
        .add(groups::memory())
        .add(groups::time())
        .add(groups::signals())
        .add(groups::process_basics())
        .add(groups::connected_sockets())
        .add(groups::accept_connections());
    return policy;
}

std::vector<PolicyBuilder> reviewed() {
    std::vector<PolicyBuilder> all;
    all.push_back(master());
    all.push_back(monitor());
    all.push_back(worker_preauth());
    all.push_back(worker_postauth());
    all.push_back(hook());
    all.push_back(hook({.strict = true}));
    all.push_back(sql_helper());
    all.push_back(pam_helper());
    all.push_back(metrics_exporter());
    return all;
}

}  // namespace ward::sandbox::policies
