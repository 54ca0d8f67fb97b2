// File and directory commands: PWD CWD CDUP MKD RMD DELE RNFR RNTO SIZE MDTM SITE.
#include <fcntl.h>
#include <sys/stat.h>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/listing.hpp"
#include "daemon/ftp/session_impl.hpp"
#include "daemon/ftp/vpath.hpp"

namespace ward::ftp {
namespace {

// Runs `op` with the process umask set to the path's Umask, so created files and directories get it
// whatever umask the process started with.
template <class Op>
int with_umask(mode_t mask, Op op) {
    const mode_t old = ::umask(mask);
    const int err = op();
    ::umask(old);
    return err;
}

}  // namespace

std::string SessionImpl::to_vpath(std::string_view client_path) const {
    return resolve_virtual(cwd_, client_path, home_);
}

std::string SessionImpl::real(std::string_view vpath) const { return real_path(identity_.root, vpath); }

PathRules SessionImpl::rules_for(const std::string& vpath) const { return policy_->rules_for(real(vpath)); }

bool SessionImpl::permitted(CommandContext& ctx, std::string_view verb, const std::string& vpath) {
    ctx.event.path = vpath;
    if (policy_->allowed(verb, real(vpath))) {
        return true;
    }
    log::notice(verb, " of ", real(vpath), " denied for ", identity_.user);
    finish(ctx, 550, str_cat(ctx.argument.empty() ? vpath : ctx.argument, ": Permission denied"));
    return false;
}

bool SessionImpl::name_allowed(CommandContext& ctx, std::string_view client_path) {
    if (!path_deny_filter_ || !path_deny_filter_->matches(std::string(client_path))) {
        return true;
    }
    log::notice("PathDenyFilter refused '", client_path, "' from ", peer_text_);
    finish(ctx, 550, str_cat(client_path, ": Forbidden filename"));
    return false;
}

void SessionImpl::fail_errno(CommandContext& ctx, int code, std::string_view shown, int err) {
    finish(ctx, code, str_cat(shown, ": ", sys::errno_name(err)));
}

void SessionImpl::cmd_pwd(CommandContext& ctx) {
    finish(ctx, 257, str_cat('"', quote_for_257(cwd_), "\" is the current directory"));
}

void SessionImpl::cmd_cwd(CommandContext& ctx, std::string_view client_path) {
    const std::string vpath = to_vpath(client_path);
    if (!permitted(ctx, ctx.canonical, vpath)) {
        return;
    }
    const std::string shown = ctx.argument.empty() ? vpath : ctx.argument;
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        fail_errno(ctx, 550, shown, err);
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        fail_errno(ctx, 550, shown, ENOTDIR);
        return;
    }
    // "dir/." resolves only with search permission on dir, which is what changing into it needs.
    UniqueFd probe;
    if (const int err = fs_.open(vpath == "/" ? std::string("/.") : vpath + "/.", O_PATH | O_DIRECTORY, 0, probe);
        err != 0) {
        fail_errno(ctx, 550, shown, err);
        return;
    }
    cwd_ = vpath;
    finish(ctx, 250, str_cat(ctx.verb, " command successful"));
}

void SessionImpl::cmd_mkd(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "MKD", vpath)) {
        return;
    }
    const mode_t mask = rules_for(vpath).umask;
    if (const int err = with_umask(mask, [&] { return fs_.mkdir(vpath, 0777); }); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 257, str_cat('"', quote_for_257(vpath), "\" - Directory successfully created"));
}

void SessionImpl::cmd_rmd(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!permitted(ctx, "RMD", vpath)) {
        return;
    }
    if (const int err = fs_.rmdir(vpath); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 250, "RMD command successful");
}

void SessionImpl::cmd_dele(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!permitted(ctx, "DELE", vpath)) {
        return;
    }
    struct stat st {};
    if (fs_.lstat(vpath, st) == 0) {
        ctx.event.file_size = static_cast<std::uint64_t>(st.st_size);
    }
    if (const int err = fs_.unlink(vpath); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 250, "DELE command successful");
}

void SessionImpl::cmd_rnfr(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    rename_from_.reset();
    if (!permitted(ctx, "RNFR", vpath)) {
        return;
    }
    struct stat st {};
    if (const int err = fs_.lstat(vpath, st); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    rename_from_ = vpath;
    finish(ctx, 350, "File or directory exists, ready for destination name");
}

void SessionImpl::cmd_rnto(CommandContext& ctx) {
    if (!rename_from_) {
        finish(ctx, 503, "Bad sequence of commands");
        return;
    }
    const std::string from = *rename_from_;
    rename_from_.reset();
    ctx.event.rename_from = from;
    const std::string vpath = to_vpath(ctx.argument);
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "RNTO", vpath)) {
        return;
    }
    const bool overwrite = rules_for(vpath).allow_overwrite;
    struct stat st {};
    ctx.event.file_existed = fs_.lstat(vpath, st) == 0;
    const int err = fs_.rename(from, vpath, !overwrite);
    if (err == EEXIST && !overwrite) {
        finish(ctx, 550, str_cat(ctx.argument, ": Rename permission denied"));
        return;
    }
    if (err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 250, "Rename successful");
}

void SessionImpl::cmd_size(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!permitted(ctx, "SIZE", vpath)) {
        return;
    }
    if (!binary_) {
        // ProFTPD's answer: an ASCII size would need reading the whole file.
        finish(ctx, 550, "SIZE not allowed in ASCII mode");
        return;
    }
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        finish(ctx, 550, str_cat(ctx.argument, ": not a regular file"));
        return;
    }
    ctx.event.file_size = static_cast<std::uint64_t>(st.st_size);
    finish(ctx, 213, str_cat(st.st_size));
}

void SessionImpl::cmd_mdtm(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!permitted(ctx, "MDTM", vpath)) {
        return;
    }
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 213, format_mdtm(st.st_mtime));
}

void SessionImpl::cmd_site(CommandContext& ctx) {
    const ParsedCommand sub = parse_site_command(ctx.argument);
    if (sub.valid_verb && sub.verb == "HELP") {
        std::vector<std::string> help{"The following SITE commands are recognized (* =>'s unimplemented)", " CHMOD",
                                      " HELP"};
        for (auto& line : extension_site_help()) {
            help.push_back(std::move(line));
        }
        help.emplace_back("Direct comments to root");
        finish(ctx, 214, std::move(help));
        return;
    }
    if ((!sub.valid_verb || sub.verb != "CHMOD") && run_site_extension(ctx, sub)) {
        return;
    }
    if (!sub.valid_verb || sub.verb != "CHMOD") {
        finish(ctx, 500, str_cat("'SITE ", sub.verb, "' not understood"));
        return;
    }
    const auto space = sub.argument.find(' ');
    if (!sub.has_argument || space == std::string::npos || space + 1 >= sub.argument.size()) {
        finish(ctx, 501, "'SITE CHMOD' requires a mode and a path");
        return;
    }
    const auto mode = parse_unsigned<unsigned>(std::string_view(sub.argument).substr(0, space), 8);
    const std::string_view client_path = std::string_view(sub.argument).substr(space + 1);
    if (!mode || *mode > 07777) {
        finish(ctx, 501, "'SITE CHMOD' requires an octal mode");
        return;
    }
    const std::string vpath = to_vpath(client_path);
    ctx.event.path = vpath;
    if (!policy_->allowed("SITE_CHMOD", real(vpath))) {
        log::notice("SITE CHMOD of ", real(vpath), " denied for ", identity_.user);
        finish(ctx, 550, str_cat(client_path, ": Permission denied"));
        return;
    }
    if (const int err = fs_.chmod(vpath, static_cast<mode_t>(*mode)); err != 0) {
        fail_errno(ctx, 550, client_path, err);
        return;
    }
    finish(ctx, 200, "SITE CHMOD command successful");
}

}  // namespace ward::ftp
