// What loaded modules and removed built-in modules change in a session: a verb of a removed built-in is
// "not understood"; a SITE subcommand no built-in knows goes to the module that registered it; listeners
// hear about the session's start and every command's reply. Module code reaches files only through
// ModuleCallContext: paths inside the session's root, <Limit SITE_X> checked, symlinks never followed out.
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/extensions.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {

class ModuleCallContext final : public ExtensionContext {
public:
    ModuleCallContext(SessionImpl& session, std::string limit_command, std::string argument = {})
        : session_(session), limit_command_(std::move(limit_command)), argument_(std::move(argument)) {}

    [[nodiscard]] const std::string& user() const override { return session_.identity_.user; }
    [[nodiscard]] const std::string& cwd() const override { return session_.cwd_; }

    int stat_path(std::string_view client_path, struct stat& out) override {
        const std::string vpath = session_.to_vpath(client_path);
        if (!allowed(vpath)) {
            return EACCES;
        }
        return session_.fs_.stat(vpath, out);
    }

    int set_times(std::string_view client_path, std::time_t atime, std::time_t mtime) override {
        const std::string vpath = session_.to_vpath(client_path);
        if (!allowed(vpath)) {
            return EACCES;
        }
        return session_.fs_.set_times(vpath, atime, mtime);
    }

    int make_dir(std::string_view client_path, mode_t mode) override {
        const std::string vpath = session_.to_vpath(client_path);
        if (!allowed(vpath)) {
            return EACCES;
        }
        return session_.fs_.mkdir(vpath, mode & ~session_.rules_for(vpath).dir_umask & 07777);
    }

    int remove_tree(std::string_view client_path) override {
        const std::string vpath = session_.to_vpath(client_path);
        if (vpath == "/") {
            return EBUSY;  // the session's root stays
        }
        if (!allowed(vpath)) {
            return EACCES;
        }
        return session_.fs_.remove_tree(vpath);
    }

private:
    bool allowed(const std::string& vpath) {
        if (!session_.logged_in_ || !session_.policy_ || !session_.fs_.valid()) {
            return false;
        }
        if (!session_.policy_->allowed(limit_command_, session_.real(vpath), argument_)) {
            log::notice(limit_command_, " of ", session_.real(vpath), " denied for ", session_.identity_.user);
            return false;
        }
        return true;
    }

    SessionImpl& session_;
    std::string limit_command_;
    std::string argument_;  // the client's argument to the SITE command, for a <Limit>'s filters
};

bool SessionImpl::refuse_disabled(CommandContext& ctx) {
    const auto& off = settings_.disabled_commands;
    if (std::find(off.begin(), off.end(), ctx.canonical) == off.end()) {
        return false;
    }
    finish(ctx, 500, str_cat(ctx.verb, " not understood"));
    return true;
}

bool SessionImpl::run_site_extension(CommandContext& ctx, const ParsedCommand& sub) {
    if (!settings_.extensions || !sub.valid_verb || !settings_.extensions->has_site_command(sub.verb)) {
        return false;
    }
    if (!logged_in_) {
        finish(ctx, 530, "Please login with USER and PASS");
        return true;
    }
    ModuleCallContext context(*this, str_cat("SITE_", sub.verb), ctx.argument);
    ExtensionReply reply = settings_.extensions->run_site_command(sub.verb, sub.argument, context);
    finish(ctx, reply.code, std::move(reply.lines));
    return true;
}

std::vector<std::string> SessionImpl::extension_site_help() const {
    return settings_.extensions ? settings_.extensions->site_help() : std::vector<std::string>{};
}

void SessionImpl::notify_session_start() {
    if (settings_.extensions) {
        ModuleCallContext context(*this, "SITE");
        settings_.extensions->session_started(context);
    }
}

void SessionImpl::notify_command_done(const CommandContext& ctx, int code) {
    if (settings_.extensions && !ctx.verb.empty()) {
        ModuleCallContext context(*this, "SITE");
        settings_.extensions->command_done(ctx.canonical, ctx.canonical == "PASS" ? std::string_view() : ctx.argument,
                                           code, context);
    }
}

}  // namespace ward::ftp
