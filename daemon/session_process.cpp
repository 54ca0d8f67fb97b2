#include "daemon/session_process.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/monitor/session_monitor.hpp"
#include "daemon/session_hooks.hpp"
#include "daemon/worker/launcher.hpp"

namespace ward::daemon {
namespace {

[[noreturn]] void fail(std::string_view what, const Error& error) {
    log::error("session: ", what, ": ", error.message);
    ::_exit(1);
}

std::vector<int> kept_fds(const DaemonContext& context, const ServerRuntime& runtime, int socket) {
    std::vector<int> keep{0, 1, 2, socket, log::sink().fd, context.system_log.get(), runtime.transfer_log.get()};
    keep.push_back(runtime.exec_log.get());
    for (const auto& [anon, fd] : runtime.anon_transfer_logs) {
        keep.push_back(fd.get());
    }
    for (const int fd : context.modules.fds()) {  // the worker loads the verified modules from these
        keep.push_back(fd);
    }
    return keep;
}

}  // namespace

void run_session_process(const DaemonContext& context, const ServerRuntime& runtime, AcceptedConnection connection) {
    worker::reset_signals();
    log::set_role(str_cat("session ", connection.client_address));
    if (auto closed = sys::close_all_except(kept_fds(context, runtime, connection.socket.get())); !closed) {
        fail("closing the master's descriptors", closed.error());
    }
    if (context.privileged) {
        const auto caps = sandbox::monitor_capabilities(runtime.session_caps);
        if (auto applied = sandbox::apply_capabilities(caps); !applied) {
            fail("dropping capabilities", applied.error());
        }
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail("no_new_privs", sys::errno_error("prctl"));
    }
    if (auto installed = context.policies.monitor.install(); !installed) {
        fail("seccomp", installed.error());
    }

    monitor::MonitorSetup setup;
    setup.control_fd = connection.socket.get();
    setup.facts.client_address = connection.client_address;
    setup.facts.client_port = connection.client_port;
    setup.facts.local_address = connection.local_address;
    setup.facts.local_port = connection.local_port;
    setup.facts.session_pid = ::getpid();
    setup.rules = runtime.login_rules.get();
    setup.worker_log = monitor::WorkerLog([&runtime](const monitor::SessionFacts& facts) {
        const config::Context* anon = facts.anonymous ? runtime.server->anonymous_for(facts.login_name) : nullptr;
        return runtime.transfer_log_for(anon);
    });
    // ExecOnConnect runs here, before the pre-auth worker exists: its sendStdout lines precede the banner.
    SessionHooks hooks(context, runtime);
    std::vector<std::string> connect_lines;
    if (hooks.enabled()) {
        setup.hooks = &hooks;
        connect_lines = hooks.dispatch(exec::HookPoint::on_connect, exec::CommandEvent{}, setup.facts);
    }
    worker::SandboxedLauncher launcher(
        context, runtime,
        worker::Connection{connection.socket.get(), connection.client_address, connection.client_port,
                           connection.local_address, connection.local_port},
        std::move(connect_lines));
    setup.launcher = &launcher;
    log::debug(1, "connection from ", connection.client_address, " port ", connection.client_port);
    monitor::SessionMonitor session(std::move(setup));
    const std::string reason = session.run();
    log::info("session ended: ", reason);
    ::_exit(0);
}

}  // namespace ward::daemon
