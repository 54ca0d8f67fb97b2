#include "daemon/master/event_hooks.hpp"

#include <unistd.h>

#include <chrono>
#include <functional>

#include "base/log.hpp"
#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/master/self_confine.hpp"
#include "exec/hook_config.hpp"

namespace ward::master {
namespace {

// Runs `body` in a child of the master, which must not wait for hooks; the master reaps it.
void in_hook_process(const daemon::DaemonContext& context, const std::function<void()>& body) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        log::error("fork for mod_exec hooks: ", sys::errno_name(errno));
        return;
    }
    if (pid > 0) {
        return;
    }
    signals::reset_for_daemon_child();
    log::set_role("exec");
    std::vector<int> keep{0, 1, 2, log::sink().fd, context.system_log.get()};
    for (const auto& runtime : context.runtime) {
        keep.push_back(runtime.exec_log.get());
    }
    if (auto closed = sys::close_all_except(keep); !closed) {
        log::error("mod_exec hooks: ", closed.error().message);
        ::_exit(1);
    }
    if (auto confined = confine_hook_helper(context); !confined) {
        log::error(confined.error().message);
        ::_exit(1);
    }
    body();
    ::_exit(0);
}

}  // namespace

void fire_event_hooks(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime, std::string_view event,
                      const daemon::EventOrigin& origin) {
    if (!runtime.exec.engine) {
        return;
    }
    auto hooks = exec::event_hooks(*runtime.server, event);
    if (hooks.empty()) {
        return;
    }
    log::debug(1, "mod_exec: running ", hooks.size(), " ExecOnEvent ", event, " hook(s)");
    in_hook_process(context, [&] {
        const exec::HookRunner runner(daemon::runner_setup(context, runtime));
        const exec::SessionValues values = daemon::endpoint_values(runtime, origin, ::getpid());
        exec::ExpandInput input;
        input.session = &values;
        input.now = std::chrono::system_clock::now();
        for (const auto& hook : hooks) {
            exec::HookRun run;
            run.hook = &hook.hook;
            run.label = str_cat("ExecOnEvent ", event);
            run.as = daemon::server_user(context, runtime);
            if (hook.identity == exec::EventIdentity::root && context.privileged) {
                run.as = exec::RunAs{0, 0, {0}};
            }
            run.environ = exec::exec_environ(*runtime.server, exec::ContextOf{});
            (void)runner.run(run, input);
        }
    });
}

void fire_restart_hooks(const daemon::DaemonContext& context) {
    const daemon::ServerRuntime& main = context.runtime.front();
    if (!main.exec.engine) {
        return;
    }
    auto hooks = exec::restart_hooks(*main.server);
    if (hooks.empty()) {
        return;
    }
    in_hook_process(context, [&] {
        const exec::HookRunner runner(daemon::runner_setup(context, main));
        const exec::SessionValues values = daemon::endpoint_values(main, daemon::EventOrigin{}, ::getpid());
        exec::ExpandInput input;
        input.session = &values;
        input.now = std::chrono::system_clock::now();
        for (const auto& hook : hooks) {
            exec::HookRun run;
            run.hook = &hook;
            run.label = "ExecOnRestart";
            run.as = daemon::server_user(context, main);
            run.environ = exec::exec_environ(*main.server, exec::ContextOf{});
            (void)runner.run(run, input);
        }
    });
}

}  // namespace ward::master
