#include "daemon/session_hooks.hpp"

#include <unistd.h>

#include <chrono>
#include <functional>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/master/self_confine.hpp"
#include "daemon/worker/launcher.hpp"

namespace ward::daemon {
namespace {

exec::HookRunnerSetup runner_setup(const DaemonContext& context, const ServerRuntime& runtime) {
    exec::HookRunnerSetup setup;
    setup.settings = runtime.exec;
    setup.log = exec::ExecLog(runtime.exec_log.get());
    setup.seccomp = runtime.exec.sandbox == exec::SandboxMode::strict ? &context.policies.hook_strict
                                                                      : &context.policies.hook;
    return setup;
}

std::string server_name(const config::Server& server) {
    const config::Directive* name = server.get("ServerName");
    return name == nullptr ? std::string("wardftpd") : name->args.at(0);
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

// Runs `body` in a child of the master, which must not wait for hooks; the master reaps it.
void in_hook_process(const DaemonContext& context, const std::function<void()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        log::error("fork for mod_exec hooks: ", sys::errno_name(errno));
        return;
    }
    if (pid > 0) {
        return;
    }
    worker::reset_signals();
    log::set_role("exec");
    std::vector<int> keep{0, 1, 2, log::sink().fd, context.system_log.get()};
    for (const auto& runtime : context.runtime) {
        keep.push_back(runtime.exec_log.get());
    }
    if (auto closed = sys::close_all_except(keep); !closed) {
        log::error("mod_exec hooks: ", closed.error().message);
        ::_exit(1);
    }
    if (auto confined = master::confine_hook_helper(context); !confined) {
        log::error(confined.error().message);
        ::_exit(1);
    }
    body();
    ::_exit(0);
}

}  // namespace

SessionHooks::SessionHooks(const DaemonContext& context, const ServerRuntime& runtime)
    : context_(context), runtime_(runtime), runner_(runner_setup(context, runtime)) {}

exec::SessionValues SessionHooks::values(const monitor::SessionFacts& facts) const {
    exec::SessionValues v = endpoint_values(
        runtime_, {facts.client_address, facts.client_port, facts.local_address, facts.local_port}, facts.session_pid);
    v.login_name = facts.login_name;
    if (facts.account) {
        v.user = facts.account->name;
        v.group = facts.account->group_name;
        v.uid = facts.account->uid;
        v.gid = facts.account->gid;
    }
    v.anonymous_password = facts.anonymous ? facts.anonymous_password : std::string();
    v.real_root = facts.chroot;
    v.end_reason = facts.end_reason;
    return v;
}

exec::RunAs SessionHooks::run_as(const monitor::SessionFacts& facts, bool session_user) const {
    if (!session_user || !facts.account || !context_.privileged) {
        return server_user(context_, runtime_);
    }
    exec::RunAs as;
    as.uid = facts.account->uid;
    as.gid = facts.account->gid;
    as.groups = facts.account->groups;
    return as;
}

std::vector<std::string> SessionHooks::dispatch(exec::HookPoint point, const exec::CommandEvent& event,
                                                const monitor::SessionFacts& session) {
    std::vector<std::string> lines;
    if (!runner_.settings().engine) {
        return lines;
    }
    const config::Server& server = *runtime_.server;
    const config::Context* anon = session.anonymous ? server.anonymous_for(session.login_name) : nullptr;
    const bool command = point != exec::HookPoint::on_connect && point != exec::HookPoint::on_exit;

    exec::ContextOf where;
    where.anon = anon;
    where.home = session.anonymous ? session.chroot : (session.account ? session.account->home : std::string());
    if (command) {
        const std::string client = exec::normalize_client_path(event.path.empty() ? "." : event.path, event.cwd);
        const std::string& root = session.chroot;
        where.real_path = root.empty() || root == "/" ? client : (client == "/" ? root : root + client);
    }
    const auto hooks = command ? exec::command_hooks(server, point, event.command, where)
                               : exec::session_hooks(server, point, anon);
    if (hooks.empty()) {
        return lines;
    }
    const exec::SessionValues values = this->values(session);
    exec::ExpandInput input;
    input.session = &values;
    input.event = command ? &event : nullptr;
    input.now = std::chrono::system_clock::now();

    exec::HookRun run;
    run.as = run_as(session, command);
    run.environ = exec::exec_environ(server, where);
    run.may_send_stdout = point == exec::HookPoint::on_command || point == exec::HookPoint::on_connect;
    for (const auto& hook : hooks) {
        run.hook = &hook;
        run.label = exec::hook_label(*hook.directive, command ? std::string_view(event.command) : std::string_view());
        auto out = runner_.run(run, input);
        lines.insert(lines.end(), std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
    }
    return lines;
}

void fire_event_hooks(const DaemonContext& context, const ServerRuntime& runtime, std::string_view event,
                      const EventOrigin& origin) {
    if (!runtime.exec.engine) {
        return;
    }
    auto hooks = exec::event_hooks(*runtime.server, event);
    if (hooks.empty()) {
        return;
    }
    log::debug(1, "mod_exec: running ", hooks.size(), " ExecOnEvent ", event, " hook(s)");
    in_hook_process(context, [&] {
        const exec::HookRunner runner(runner_setup(context, runtime));
        const exec::SessionValues values = endpoint_values(runtime, origin, ::getpid());
        exec::ExpandInput input;
        input.session = &values;
        input.now = std::chrono::system_clock::now();
        for (const auto& hook : hooks) {
            exec::HookRun run;
            run.hook = &hook.hook;
            run.label = str_cat("ExecOnEvent ", event);
            run.as = server_user(context, runtime);
            if (hook.identity == exec::EventIdentity::root && context.privileged) {
                run.as = exec::RunAs{0, 0, {0}};
            }
            run.environ = exec::exec_environ(*runtime.server, exec::ContextOf{});
            (void)runner.run(run, input);
        }
    });
}

void fire_restart_hooks(const DaemonContext& context) {
    const ServerRuntime& main = context.runtime.front();
    if (!main.exec.engine) {
        return;
    }
    auto hooks = exec::restart_hooks(*main.server);
    if (hooks.empty()) {
        return;
    }
    in_hook_process(context, [&] {
        const exec::HookRunner runner(runner_setup(context, main));
        const exec::SessionValues values = endpoint_values(main, EventOrigin{}, ::getpid());
        exec::ExpandInput input;
        input.session = &values;
        input.now = std::chrono::system_clock::now();
        for (const auto& hook : hooks) {
            exec::HookRun run;
            run.hook = &hook;
            run.label = "ExecOnRestart";
            run.as = server_user(context, main);
            run.environ = exec::exec_environ(*main.server, exec::ContextOf{});
            (void)runner.run(run, input);
        }
    });
}

}  // namespace ward::daemon
