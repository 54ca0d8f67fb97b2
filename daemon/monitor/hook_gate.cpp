#include "daemon/monitor/hook_gate.hpp"

#include "base/strings.hpp"
#include "daemon/ftp/command.hpp"

namespace ward::monitor {

std::optional<std::string> preauth_hook_refusal(exec::HookPoint point, const exec::CommandEvent& event) {
    const ftp::CommandSpec* spec = ftp::find_command(event.command);
    if (spec == nullptr) {
        return str_cat("hooks for '", event.command, "', which is not a command");
    }
    if (!event.path.empty() || !event.rename_from.empty() || (!event.cwd.empty() && event.cwd != "/")) {
        return str_cat(event.command, " hooks with a path before login");
    }
    if (!spec->before_login && (point != exec::HookPoint::on_error || event.reply_code != 530)) {
        return str_cat(event.command, " hooks before login, when ", event.command, " cannot run");
    }
    return std::nullopt;
}

}  // namespace ward::monitor
