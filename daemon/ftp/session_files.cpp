// File and directory commands: PWD CWD CDUP MKD RMD DELE RNFR RNTO SIZE MDTM MFMT MFF, and SITE's own
// subcommands (CHMOD, CHGRP, HELP; CPFR/CPTO are in session_copy.cpp).
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <iterator>

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

bool SessionImpl::permitted(CommandContext& ctx, std::string_view verb, const std::string& vpath,
                            std::string_view shown) {
    ctx.event.path = vpath;
    if (shown.empty()) {
        shown = ctx.argument.empty() ? std::string_view(vpath) : std::string_view(ctx.argument);
    }
    if (!policy_->allowed(verb, real(vpath), ctx.argument)) {
        log::notice(verb, " of ", real(vpath), " denied for ", identity_.user);
        // ProFTPD answers with the errno its <Limit> check leaves (EPERM) for these; MKD, RMD and the rest say
        // EACCES.
        static constexpr std::string_view kEperm[] = {"DELE", "RNFR", "RNTO", "STOR", "STOU", "APPE", "RETR"};
        const bool eperm = std::find(std::begin(kEperm), std::end(kEperm), ctx.canonical) != std::end(kEperm);
        finish(ctx, 550, str_cat(shown, eperm ? ": Operation not permitted" : ": Permission denied"));
        return false;
    }
    // IgnoreHidden: a hidden name answers as if it did not exist (ProFTPD's check_limits sets ENOENT). The
    // listing verbs decide for the name they list themselves (build_listing), as ProFTPD's mod_ls and mod_facts.
    const bool lists = verb == "LIST" || verb == "NLST" || verb == "MLSD" || verb == "STAT";
    if (!lists && policy_->ignore_hidden(verb, real(vpath)) && hidden_path(vpath)) {
        log::notice(verb, " of hidden ", real(vpath), " refused for ", identity_.user, " (IgnoreHidden)");
        finish(ctx, 550, str_cat(shown, ": ", sys::errno_name(ENOENT)));
        return false;
    }
    return true;
}

bool SessionImpl::passes_filters(const TextFilter& allow, const TextFilter& deny, const std::string& text) {
    const auto matches = [&](const TextFilter& filter) -> std::optional<bool> {
        const auto key = std::make_pair(filter.pattern, filter.ignore_case);
        auto it = filters_.find(key);
        if (it == filters_.end()) {
            auto re = PosixRegex::compile(filter.pattern, filter.ignore_case);
            if (!re) {
                log::error("filter: ", re.error().message);
                return std::nullopt;
            }
            it = filters_.emplace(key, std::move(*re)).first;
        }
        return it->second.matches(text);
    };
    if (!allow.pattern.empty() && matches(allow) != true) {
        return false;
    }
    return deny.pattern.empty() || matches(deny) == false;
}

bool SessionImpl::name_allowed(CommandContext& ctx, std::string_view client_path, std::string_view refusal) {
    const PathRules rules = rules_for(to_vpath(client_path));
    if (passes_filters(rules.path_allow_filter, rules.path_deny_filter, std::string(client_path))) {
        return true;
    }
    log::notice("PathAllowFilter/PathDenyFilter refused '", client_path, "' from ", peer_text_);
    finish(ctx, 550, str_cat(client_path, ": ", refusal));
    return false;
}

void SessionImpl::fail_errno(CommandContext& ctx, int code, std::string_view shown, int err) {
    finish(ctx, code, str_cat(shown, ": ", sys::errno_name(err)));
}

void SessionImpl::cmd_pwd(CommandContext& ctx) {
    finish(ctx, 257, str_cat('"', quote_for_257(cwd_), "\" is the current directory"));
}

void SessionImpl::cmd_cwd(CommandContext& ctx) {
    change_dir(ctx, ctx.argument.empty() ? std::string_view("~") : std::string_view(ctx.argument));
}

void SessionImpl::cmd_cdup(CommandContext& ctx) { change_dir(ctx, ".."); }

void SessionImpl::change_dir(CommandContext& ctx, std::string_view client_path) {
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
    std::vector<std::string> lines;
    if (!settings_.display_chdir_once || displayed_dirs_.insert(vpath).second) {
        lines = display_lines(settings_.display_chdir, vpath, "DisplayChdir");
    }
    lines.push_back(str_cat(ctx.verb, " command successful"));
    finish(ctx, 250, std::move(lines));
}

void SessionImpl::cmd_mkd(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "MKD", vpath)) {
        return;
    }
    const mode_t mask = rules_for(vpath).dir_umask;
    if (const int err = with_umask(mask, [&] { return fs_.mkdir(vpath, 0777); }); err != 0) {
        fail_errno(ctx, 550, ctx.argument, err);
        return;
    }
    finish(ctx, 257, str_cat('"', quote_for_257(vpath), "\" - Directory successfully created"));
}

void SessionImpl::cmd_rmd(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "RMD", vpath)) {
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
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "DELE", vpath)) {
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
    // RNFR is a DIRS command, but what it starts is a write: ProFTPD refuses it where <Limit WRITE> denies.
    if (!name_allowed(ctx, ctx.argument) || !permitted(ctx, "RNFR", vpath) || !permitted(ctx, "WRITE", vpath)) {
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

// MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): "213 Modify=...; path".
void SessionImpl::cmd_mfmt(CommandContext& ctx) {
    const auto space = ctx.argument.find(' ');
    if (space == std::string::npos || space + 1 >= ctx.argument.size()) {
        finish(ctx, 501, "'MFMT' requires a time and a path");
        return;
    }
    const std::string_view arg(ctx.argument);
    set_mtime(ctx, arg.substr(0, space), arg.substr(space + 1), 213, "Modify=");
}

// MFF fact=value;... path: only the modify fact is settable here (FEAT says "MFF modify;").
void SessionImpl::cmd_mff(CommandContext& ctx) {
    const auto space = ctx.argument.find(' ');
    if (space == std::string::npos || space + 1 >= ctx.argument.size()) {
        finish(ctx, 501, "'MFF' requires facts and a path");
        return;
    }
    const std::string_view arg(ctx.argument);
    std::string_view timestamp;
    for (const auto fact : split(arg.substr(0, space), ';')) {
        if (fact.empty()) {
            continue;
        }
        const auto eq = fact.find('=');
        const std::string_view name = fact.substr(0, eq);
        if (eq == std::string_view::npos || !iequals(name, "modify") || !timestamp.empty()) {
            finish(ctx, 504, str_cat("MFF: fact '", name, "' cannot be set here (only modify)"));
            return;
        }
        timestamp = fact.substr(eq + 1);
    }
    if (timestamp.empty()) {
        finish(ctx, 501, "'MFF' requires a modify=YYYYMMDDHHMMSS; fact");
        return;
    }
    set_mtime(ctx, timestamp, arg.substr(space + 1), 213, "modify=");
}

void SessionImpl::set_mtime(CommandContext& ctx, std::string_view timestamp, std::string_view client_path, int code,
                            std::string_view done) {
    const auto seconds = parse_mdtm(timestamp);
    if (!seconds) {
        finish(ctx, 501, str_cat(timestamp, ": Invalid time (YYYYMMDDHHMMSS expected)"));
        return;
    }
    const std::string vpath = to_vpath(client_path);
    // mod_facts refuses a filtered name with EACCES's text, after <Limit>.
    if (!permitted(ctx, ctx.canonical, vpath, client_path) || !name_allowed(ctx, client_path, "Permission denied")) {
        return;
    }
    if (const int err = fs_.set_times(vpath, std::nullopt, static_cast<std::time_t>(*seconds)); err != 0) {
        fail_errno(ctx, 550, client_path, err);
        return;
    }
    finish(ctx, code, str_cat(done, format_mdtm(*seconds), "; ", client_path));
}

std::span<const SessionImpl::SiteEntry> SessionImpl::site_handlers() noexcept {
    static constexpr SiteEntry kHandlers[] = {
#define WARD_SITE(sub, group, check, module, handler, help) {#sub, &SessionImpl::handler},
#include "config/command_groups.def"
#undef WARD_SITE
    };
    return kHandlers;
}

void SessionImpl::cmd_site(CommandContext& ctx) {
    const ParsedCommand sub = parse_site_command(ctx.argument);
    if (sub.valid_verb) {
        for (const auto& entry : site_handlers()) {
            if (entry.verb == sub.verb) {
                (this->*entry.handler)(ctx, sub);
                return;
            }
        }
    }
    site_module(ctx, sub);
}

void SessionImpl::site_module(CommandContext& ctx, const ParsedCommand& sub) {
    if (!run_site_extension(ctx, sub)) {
        finish(ctx, 500, str_cat("'SITE ", sub.verb, "' not understood"));
    }
}

void SessionImpl::site_help(CommandContext& ctx, const ParsedCommand& /*sub*/) {
    if (!policy_->allowed("SITE_HELP", real(cwd_), ctx.argument)) {
        finish(ctx, 550, "SITE HELP: Permission denied");
        return;
    }
    std::vector<std::string> help{"The following SITE commands are recognized (* =>'s unimplemented)"};
    std::vector<std::string> served;
    for (const auto& entry : site_handlers()) {
        if (entry.handler != &SessionImpl::site_module) {  // the protocol layer's own; modules list theirs
            served.push_back(str_cat(' ', entry.verb));
        }
    }
    for (auto& line : extension_site_help()) {
        served.push_back(std::move(line));
    }
    std::sort(served.begin(), served.end());
    for (auto& line : served) {
        help.push_back(std::move(line));
    }
    help.emplace_back("Direct comments to root");
    finish(ctx, 214, std::move(help));
}

void SessionImpl::site_chmod(CommandContext& ctx, const ParsedCommand& sub) {
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
    if (!name_allowed(ctx, client_path) || !permitted(ctx, "SITE_CHMOD", vpath, client_path)) {
        return;
    }
    // A set-id file made over FTP would run as its owner for whoever executes it on this host.
    if ((*mode & (S_ISUID | S_ISGID)) != 0) {
        finish(ctx, 550, str_cat(client_path, ": setuid and setgid bits cannot be set over FTP"));
        return;
    }
    if (const int err = fs_.chmod(vpath, static_cast<mode_t>(*mode)); err != 0) {
        fail_errno(ctx, 550, client_path, err);
        return;
    }
    finish(ctx, 200, "SITE CHMOD command successful");
}

// SITE CHGRP group path: a group name (from the names the host resolved) or a numeric gid. The kernel
// decides whether the user may give the file to that group (a member of it, owning the file).
void SessionImpl::site_chgrp(CommandContext& ctx, const ParsedCommand& sub) {
    const auto space = sub.argument.find(' ');
    if (!sub.has_argument || space == std::string::npos || space + 1 >= sub.argument.size()) {
        finish(ctx, 501, "'SITE CHGRP' requires a group and a path");
        return;
    }
    const std::string_view group = std::string_view(sub.argument).substr(0, space);
    const std::string_view client_path = std::string_view(sub.argument).substr(space + 1);
    std::optional<gid_t> gid;
    if (const auto number = parse_unsigned<gid_t>(group, 10)) {
        gid = *number;
    } else if (group == identity_.group) {
        gid = identity_.gid;
    } else if (names_) {
        gid = names_->group_id(group);
    }
    if (!gid) {
        finish(ctx, 550, str_cat(group, ": Invalid group"));
        return;
    }
    const std::string vpath = to_vpath(client_path);
    if (!name_allowed(ctx, client_path) || !permitted(ctx, "SITE_CHGRP", vpath, client_path)) {
        return;
    }
    if (const int err = fs_.chown(vpath, static_cast<uid_t>(-1), *gid); err != 0) {
        fail_errno(ctx, 550, client_path, err);
        return;
    }
    finish(ctx, 200, "SITE CHGRP command successful");
}

}  // namespace ward::ftp
