#include "daemon/hook_values.hpp"

namespace ward::daemon {
namespace {

std::string server_name(const config::Server& server) {
    const config::Directive* name = server.get("ServerName");
    return name == nullptr ? std::string("wardftpd") : name->args.at(0);
}

}  // namespace

exec::HookRunnerSetup runner_setup(const DaemonContext& context, const ServerRuntime& runtime) {
    exec::HookRunnerSetup setup;
    setup.settings = runtime.exec;
    setup.log = exec::ExecLog(runtime.exec_log.get());
    setup.seccomp = runtime.exec.sandbox == exec::SandboxMode::strict ? &context.policies.hook_strict
                                                                      : &context.policies.hook;
    return setup;
}

exec::RunAs server_user(const DaemonContext& context, const ServerRuntime& runtime) {
    exec::RunAs as;
    if (context.privileged) {
        as.uid = runtime.preauth_uid;
        as.gid = runtime.preauth_gid;
        as.groups = {runtime.preauth_gid};
    }
    return as;
}

// What every hook knows: the connection's endpoints (none for a restart) and the server.
exec::SessionValues endpoint_values(const ServerRuntime& runtime, const EventOrigin& origin, pid_t pid) {
    exec::SessionValues v;
    v.client_address = origin.client_address;
    v.client_port = origin.client_port;
    v.local_address = origin.local_address;
    v.local_port = origin.local_port;
    v.server_address = origin.local_address;
    v.server_name = server_name(*runtime.server);
    v.session_pid = pid;
    return v;
}


}  // namespace ward::daemon
