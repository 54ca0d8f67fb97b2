#include "daemon/monitor/session_hooks.hpp"

#include <chrono>

#include "daemon/hook_values.hpp"
#include "exec/hook_config.hpp"

namespace ward::monitor {

SessionHooks::SessionHooks(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime)
    : context_(context), runtime_(runtime), runner_(daemon::runner_setup(context, runtime)) {}

exec::SessionValues SessionHooks::values(const SessionFacts& facts) const {
    exec::SessionValues v = daemon::endpoint_values(
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

exec::RunAs SessionHooks::run_as(const SessionFacts& facts, bool session_user) const {
    if (!session_user || !facts.account || !context_.privileged) {
        return daemon::server_user(context_, runtime_);
    }
    exec::RunAs as;
    as.uid = facts.account->uid;
    as.gid = facts.account->gid;
    as.groups = facts.account->groups;
    return as;
}

std::vector<std::string> SessionHooks::dispatch(exec::HookPoint point, const exec::CommandEvent& event,
                                                const SessionFacts& session) {
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

}  // namespace ward::monitor
