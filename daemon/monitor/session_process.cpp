#include "daemon/monitor/session_process.hpp"

#include <unistd.h>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/server.hpp"
#include "config/values.hpp"
#include "daemon/master/key_process.hpp"
#include "daemon/monitor/forking_launcher.hpp"
#include "daemon/monitor/master_link.hpp"
#include "daemon/monitor/pam_helper.hpp"
#include "daemon/monitor/proxied_client.hpp"
#include "daemon/monitor/session_monitor.hpp"
#include "daemon/session_config.hpp"
#include "daemon/monitor/session_hooks.hpp"
#include "daemon/worker/launcher.hpp"
#include "sandbox/child_spec.hpp"

namespace ward::monitor {
namespace {

bool connection_allowed(const config::Server& server, const std::string& client_address) {
    config::Principal who;  // no user yet: AllowUser/AllowGroup count as allowing, Deny{User,Group} do not apply
    who.address = client_address;
    who.conn_class = server.class_of(client_address);
    return server.connection_allowed(who);
}

[[noreturn]] void fail(std::string_view what, const Error& error) {
    log::error("session: ", what, ": ", error.message);
    ::_exit(1);
}

std::vector<int> kept_fds(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime,
                          const AcceptedConnection& connection) {
    std::vector<int> keep{0, 1, 2, connection.socket.get(), connection.master_link.fd(), connection.key_channel.fd(),
                          log::sink().fd, context.system_log.get(), runtime.transfer_log.get()};
    keep.push_back(runtime.exec_log.get());
    keep.push_back(runtime.sql_log.get());
    for (const auto& [anon, fd] : runtime.anon_transfer_logs) {
        keep.push_back(fd.get());
    }
    for (const int fd : context.modules.fds()) {  // the worker loads the verified modules from these
        keep.push_back(fd);
    }
    return keep;
}

}  // namespace

void run_session_process(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime,
                         AcceptedConnection connection) {
    signals::reset_for_daemon_child();
    log::set_role(str_cat("session ", connection.client_address));
    log::set_client(connection.client_address);
    // The same ordered privilege drop as every other role (sandbox/child_spec.hpp): the master's descriptors
    // closed, the monitor's capability set (it stays root), no_new_privs, a /proc check of the result, then its
    // seccomp policy and a /proc check that the filter is in force.
    sandbox::ChildSpec spec;
    spec.role = "session monitor";
    spec.keep_fds = kept_fds(context, runtime, connection);
    if (context.privileged) {
        spec.capabilities = sandbox::monitor_capabilities(runtime.session_caps);
    }
    spec.seccomp = context.policies.monitor;
    if (auto applied = sandbox::apply(spec); !applied) {
        fail("confinement", applied.error());
    } else if (!applied->skipped.empty()) {
        log::debug(2, "session monitor: ", applied->summary());
    }

    if (connection.proxy_header && !take_proxied_client(runtime.proxy, connection)) {
        ::_exit(0);
    }
    // With the client's address final (and so its <Class>), <Limit LOGIN> is asked once before the greeting, as
    // ProFTPD does: a client no LOGIN rule can let in is disconnected without one.
    if (!connection_allowed(*runtime.server, connection.client_address)) {
        log::notice("Connection from ", connection.client_address, " denied: blocked by <Limit LOGIN>");
        ::_exit(0);
    }

    MonitorSetup setup;
    setup.control_fd = connection.socket.get();
    setup.facts.client_address = connection.client_address;
    setup.facts.client_port = connection.client_port;
    setup.facts.local_address = connection.local_address;
    setup.facts.local_port = connection.local_port;
    setup.facts.session_pid = ::getpid();
    setup.rules = runtime.login_rules.get();
    if (connection.key_channel.valid()) {
        setup.sign = [&connection](const tls::SignRequest& request) {
            return master::KeyProcess::sign(connection.key_channel, request);
        };
        setup.tls_required_for_login =
            runtime.tls.required.auth || runtime.tls.required.control == config::tls_values::Need::required;
    }
    setup.worker_log = WorkerLog([&runtime](const SessionFacts& facts) {
        const config::Context* anon = facts.anonymous ? runtime.server->anonymous_for(facts.login_name) : nullptr;
        return runtime.transfer_log_for(anon);
    });
    // TimeoutLogin as the worker reads it (session_directive), enforced again by the monitor.
    if (const config::Directive* timeout = daemon::session_directive(*runtime.server, nullptr, "TimeoutLogin")) {
        setup.login_timeout = config::as_seconds(*timeout);
    } else {
        setup.login_timeout = ftp::Timeouts{}.login;
    }
    // mod_auth_pam.c: a confined helper per attempt (pam_helper.hpp), killed after AuthPAMTimeout.
    PamHelper pam(PamHelperSetup{&setup.rules->auth_settings(), &context.policies.pam_helper,
                                 connection.client_address, setup.rules->auth_settings().pam_timeout});
    setup.pam = &pam;
    // ExecOnConnect runs here, before the pre-auth worker exists: its sendStdout lines precede the banner.
    SessionHooks hooks(context, runtime);
    std::vector<std::string> connect_lines;
    if (hooks.enabled()) {
        setup.hooks = &hooks;
        connect_lines = hooks.dispatch(exec::HookPoint::on_connect, exec::CommandEvent{}, setup.facts);
    }
    worker::WorkerProcess worker(
        context, runtime,
        worker::Connection{connection.socket.get(), connection.client_address, connection.client_port,
                           connection.local_address, connection.local_port, connection.proxy_header},
        std::move(connect_lines));
    ForkingLauncher launcher(worker);
    setup.launcher = &launcher;
    std::optional<SqlHelper> sql;
    if (runtime.sql) {
        SqlHelperSetup sql_setup;
        sql_setup.settings = runtime.sql;
        sql_setup.policy = &context.policies.sql_helper;
        if (context.privileged) {
            sql_setup.uid = runtime.preauth_uid;
            sql_setup.gid = runtime.preauth_gid;
        }
        sql_setup.keep_fds = {2, log::sink().fd, context.system_log.get()};
        sql_setup.log_fd = runtime.sql_log.get();
        if (const config::Directive* name = runtime.server->get("ServerName")) {
            sql_setup.server_name = name->args.at(0);
        }
        sql.emplace(std::move(sql_setup));
        setup.sql = &*sql;
    }
    std::optional<MasterLink> master_link;
    if (connection.master_link.valid()) {
        master_link.emplace(std::move(connection.master_link));
        setup.admission = &*master_link;
        setup.report = [&master_link](const ipc::SessionEvent& event) { master_link->report(event); };
        setup.report_activity = [&master_link](const ipc::SessionActivity& activity) { master_link->report(activity); };
    }
    log::debug(1, "connection from ", connection.client_address, " port ", connection.client_port);
    SessionMonitor session(std::move(setup));
    const std::string reason = session.run();
    log::info("session ended: ", reason);
    ::_exit(0);
}

}  // namespace ward::monitor
