// Listings: LIST NLST MLSD (over the data connection), MLST and STAT <path> (over the control connection).
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <ctime>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/dir_reader.hpp"
#include "daemon/ftp/hiding.hpp"
#include "daemon/ftp/listing.hpp"
#include "daemon/ftp/session_impl.hpp"
#include "daemon/ftp/vpath.hpp"

namespace ward::ftp {
namespace {

struct ListOptions {
    bool all = false;        // -a / -A: names starting with '.'
    bool directory = false;  // -d: the directory itself, not its entries
    bool recursive = false;  // -R: subdirectories too (LIST and STAT)
    std::string_view path;
};

// Sets (on) or clears (off) the options an ls-style letter names; other letters change nothing here
// (every LIST line is long format, sorted by name).
void apply_letter(ListOptions& options, char c, bool on) noexcept {
    if (c == 'a' || c == 'A') {
        options.all = on;
    } else if (c == 'd') {
        options.directory = on;
    } else if (c == 'R') {
        options.recursive = on;
    }
}

// "LIST -la dir" -> options and path. Only leading words that start with '-' are options (as ProFTPD
// reads them); a path may contain spaces.
ListOptions parse_list_argument(std::string_view argument) {
    ListOptions out;
    while (argument.starts_with('-') && argument.size() > 1) {
        const auto end = argument.find(' ');
        const std::string_view word = argument.substr(1, end == std::string_view::npos ? argument.npos : end - 1);
        for (const char c : word) {
            apply_letter(out, c, true);
        }
        if (end == std::string_view::npos) {
            argument = {};
            break;
        }
        argument = argument.substr(end + 1);
        while (argument.starts_with(' ')) {
            argument.remove_prefix(1);
        }
    }
    out.path = argument;
    return out;
}

// The client's options under ListOptions: "-x" letters always on, "+x" letters never, "strict" drops
// the client's own; LISTOnly/NLSTOnly choose which command the directive speaks for.
ListOptions with_rules(ListOptions options, const ListRules& rules, bool nlst) {
    if ((nlst && rules.list_only) || (!nlst && rules.nlst_only)) {
        return options;
    }
    if (rules.strict) {
        options = ListOptions{false, false, false, options.path};
    }
    bool on = true;
    for (const char c : rules.options) {
        if (c == '-' || c == '+') {
            on = c == '-';
        } else {
            apply_letter(options, c, on);
        }
    }
    return options;
}

bool has_glob(std::string_view name) noexcept { return name.find_first_of("*?[") != std::string_view::npos; }

std::int64_t now_seconds() noexcept { return static_cast<std::int64_t>(::time(nullptr)); }

}  // namespace

std::string_view SessionImpl::user_name(std::uint32_t uid) {
    if (uid != cached_uid_) {
        cached_uid_ = uid;
        std::optional<std::string> name = names_ ? names_->user_name(uid) : std::nullopt;
        cached_user_ = name ? std::move(*name) : str_cat(uid);
    }
    return cached_user_;
}

std::string_view SessionImpl::group_name(std::uint32_t gid) {
    if (gid != cached_gid_) {
        cached_gid_ = gid;
        std::optional<std::string> name = names_ ? names_->group_name(gid) : std::nullopt;
        cached_group_ = name ? std::move(*name) : str_cat(gid);
    }
    return cached_group_;
}

bool SessionImpl::hidden(const HideRules& rules, std::string_view name, const struct stat* st) {
    if (!rules.any()) {
        return false;
    }
    if (st == nullptr) {
        return hidden_by_name(rules, name);
    }
    const FileFacts facts = facts_from_stat(*st);
    // The names listings show: the same lookup, so HideUser/HideGroup compare what the client sees.
    const std::string user(user_name(facts.uid));
    return hidden_entry(rules, name, facts, EntryOwner{user, group_name(facts.gid)}, identity_.uid, identity_.gid);
}

bool SessionImpl::hidden_path(const std::string& vpath) {
    if (vpath == "/") {
        return false;
    }
    const PathRules parent = rules_for(std::string(virtual_parent(vpath)));
    if (!parent.hide.any()) {
        return false;
    }
    struct stat st {};
    const bool exists = fs_.stat(vpath, st) == 0 || fs_.lstat(vpath, st) == 0;
    return hidden(parent.hide, virtual_basename(vpath), exists ? &st : nullptr);
}

void SessionImpl::append_entry(ListKind kind, std::string& out, const std::string& parent_vpath, int dir_fd,
                               const char* name, const struct stat& st, bool parent_writable, std::int64_t now,
                               const PathRules& rules, std::string_view type_override) {
    const std::string_view shown_name(name);
    if (kind == ListKind::nlst) {
        out += shown_name;
        out += "\r\n";
        return;
    }
    struct stat target = st;
    std::string link;
    if (S_ISLNK(st.st_mode)) {
        // Symlinks are followed inside the root only; a dangling or escaping one shows as the link itself.
        const std::string child = parent_vpath == "/" ? str_cat('/', shown_name) : str_cat(parent_vpath, '/', shown_name);
        struct stat followed {};
        const bool resolves = fs_.stat(child, followed) == 0;
        if (kind == ListKind::mlsd) {
            if (resolves) {
                target = followed;
            }
        } else if (settings_.show_symlinks) {
            link = fs_.readlink_at(dir_fd, name);
        } else if (resolves) {
            target = followed;
        }
    }
    if (kind == ListKind::mlsd) {
        append_mlsx_entry(out, target, parent_writable, rules, type_override);
        out += shown_name;
        out += "\r\n";
        return;
    }
    if (kind == ListKind::stat) {
        out += ' ';
    }
    FileFacts facts = facts_from_stat(target);
    if (rules.fake_mode) {
        facts.mode = fake_mode(facts.mode, *rules.fake_mode);
    }
    const std::string owner(rules.fake_user ? std::string_view(*rules.fake_user) : user_name(facts.uid));
    const std::string_view group = rules.fake_group ? std::string_view(*rules.fake_group) : group_name(facts.gid);
    append_list_line(out, facts, owner, group, shown_name, link, now);
}

// MLSD/MLST facts for one entry: perm from the real mode, the names and mode as DirFake* show them (the numeric
// UNIX.owner/UNIX.group stay the real ids: the worker has no name-to-id lookup).
void SessionImpl::append_mlsx_entry(std::string& out, const struct stat& st, bool parent_writable,
                                    const PathRules& rules, std::string_view type_override) {
    FileFacts facts = facts_from_stat(st);
    const std::string perm = mlsx_perm(facts, identity_.uid, identity_.gid, parent_writable);
    MlsxNames names;
    names.type = type_override.empty() ? mlsx_type(facts.mode) : type_override;
    names.perm = perm;
    const std::string owner(rules.fake_user ? std::string_view(*rules.fake_user) : user_name(facts.uid));
    names.owner = owner;
    names.group = rules.fake_group ? std::string_view(*rules.fake_group) : group_name(facts.gid);
    if (rules.fake_mode) {
        facts.mode = fake_mode(facts.mode, *rules.fake_mode);
    }
    append_mlsx_facts(out, facts, mlst_facts_, names);
}

// Builds the whole listing; 0 or an errno value. `shown` is the path for error replies.
int SessionImpl::build_listing(ListKind kind, std::string_view argument, std::string& out, std::string& shown,
                               std::string& vpath) {
    ListOptions options = kind == ListKind::mlsd ? ListOptions{false, false, false, argument}
                                                  : parse_list_argument(argument);
    vpath = to_vpath(options.path);
    const PathRules path_rules = rules_for(vpath);
    const ListRules& rules = path_rules.list;
    if (kind != ListKind::mlsd) {
        options = with_rules(options, rules, kind == ListKind::nlst);
    }
    options.recursive = options.recursive && (kind == ListKind::list || kind == ListKind::stat);
    shown = options.path.empty() ? cwd_ : std::string(options.path);
    std::string pattern;
    if (kind != ListKind::mlsd && has_glob(virtual_basename(vpath))) {
        pattern = std::string(virtual_basename(vpath));
        vpath = std::string(virtual_parent(vpath));
    }
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        // NoErrorIfAbsent: an NLST of nothing is an empty list (ProFTPD's answer for clients that probe).
        return kind == ListKind::nlst && rules.no_error_if_absent && err == ENOENT ? 0 : err;
    }
    const std::int64_t now = now_seconds();
    // A hidden name asked for by name: STAT shows nothing, LIST and NLST answer as ProFTPD's mod_ls (450,
    // "No such file or directory" under IgnoreHidden, "Permission denied" otherwise). MLSD lists a hidden
    // directory's visible entries, as ProFTPD's mod_facts does for the path the client gave.
    if (kind != ListKind::mlsd && !options.path.empty() && pattern.empty() && hidden_path(vpath)) {
        if (kind == ListKind::stat) {
            return 0;
        }
        return policy_->ignore_hidden(kind == ListKind::nlst ? "NLST" : "LIST", real(vpath)) ? ENOENT : EACCES;
    }
    if (!S_ISDIR(st.st_mode) || (options.directory && pattern.empty())) {
        if (kind == ListKind::mlsd) {
            return ENOTDIR;
        }
        if (kind == ListKind::nlst) {
            out += options.path.empty() ? std::string(virtual_basename(vpath)) : std::string(options.path);
            out += "\r\n";
            return 0;
        }
        struct stat self {};
        if (fs_.lstat(vpath, self) != 0) {
            self = st;
        }
        const std::string name = options.path.empty() ? std::string(virtual_basename(vpath)) : std::string(options.path);
        const std::string parent(virtual_parent(vpath));
        UniqueFd parent_fd;
        (void)fs_.open(parent, O_PATH | O_DIRECTORY, 0, parent_fd);
        append_entry(kind, out, parent, parent_fd.get(), name.c_str(), self, false, now, path_rules);
        return 0;
    }
    UniqueFd dir;
    if (const int err = fs_.open(vpath, O_RDONLY | O_DIRECTORY | O_NOCTTY, 0, dir); err != 0) {
        return err;
    }
    if (kind == ListKind::mlsd) {
        append_entry(kind, out, vpath, dir.get(), ".", st, false, now, path_rules, "cdir");
        struct stat parent_st {};
        if (fs_.stat(virtual_parent(vpath), parent_st) == 0) {
            append_entry(kind, out, vpath, dir.get(), "..", parent_st, false, now, path_rules, "pdir");
        }
    }
    // NLST of a named directory gives "dir/name" paths, as ProFTPD and wu-ftpd do.
    std::string nlst_prefix;
    if (kind == ListKind::nlst && !options.path.empty()) {
        nlst_prefix = pattern.empty() ? std::string(options.path)
                                      : std::string(options.path.substr(0, options.path.rfind('/') == std::string_view::npos
                                                                                ? 0
                                                                                : options.path.rfind('/')));
        if (!nlst_prefix.empty() && nlst_prefix.back() != '/') {
            nlst_prefix += '/';
        }
    }
    ListWalk walk{kind, options.all, pattern, nlst_prefix, now, rules.max_files, rules.max_dirs, std::string(argument)};
    std::vector<std::string> subdirs;
    if (const int err = append_directory(walk, out, vpath, dir.get(), st, options.recursive ? &subdirs : nullptr);
        err != 0) {
        return err;
    }
    if (options.recursive) {
        const std::string prefix = options.path.empty() ? std::string() : std::string(options.path);
        append_subdirectories(walk, out, vpath, prefix, subdirs, rules.max_depth);
    }
    return 0;
}

// One directory's entries (the caller has written its header, if any); subdirectory names go to
// `subdirs` when a recursive listing wants them.
int SessionImpl::append_directory(ListWalk& walk, std::string& out, const std::string& vpath, int dir_fd,
                                  const struct stat& st, std::vector<std::string>* subdirs) {
    DirListing listing;
    if (const int err = read_directory(dir_fd, listing); err != 0) {
        return err;
    }
    listing.sort();
    const PathRules rules = rules_for(vpath);
    const FileFacts dir_facts = facts_from_stat(st);
    const bool writable = mlsx_perm(dir_facts, identity_.uid, identity_.gid, false).find('c') != std::string::npos;
    out.reserve(out.size() + listing.entries.size() * (walk.kind == ListKind::nlst ? 24 : 96));
    for (const auto& entry : listing.entries) {
        const char* name = listing.c_name(entry);
        const bool dot = name[0] == '.';
        if (dot && !walk.all && walk.kind != ListKind::mlsd) {
            continue;
        }
        if (!walk.pattern.empty() && ::fnmatch(walk.pattern.c_str(), name, FNM_PERIOD) != 0) {
            continue;
        }
        struct stat entry_st {};
        const bool need_stat = walk.kind != ListKind::nlst || rules.hide.any();
        if (need_stat && ::fstatat(dir_fd, name, &entry_st, AT_SYMLINK_NOFOLLOW) != 0) {
            continue;  // removed while we listed
        }
        if (hidden(rules.hide, listing.name(entry), &entry_st)) {
            continue;
        }
        if (walk.files_left == 0) {
            log::notice("listing of ", real(vpath), " stopped at ListOptions maxfiles");
            return 0;
        }
        --walk.files_left;
        if (walk.kind == ListKind::nlst) {
            out += walk.nlst_prefix;
            out += listing.name(entry);
            out += "\r\n";
            continue;
        }
        append_entry(walk.kind, out, vpath, dir_fd, name, entry_st, writable, walk.now, rules);
        const std::string_view shown(name);
        if (subdirs != nullptr && S_ISDIR(entry_st.st_mode) && shown != "." && shown != "..") {
            subdirs->emplace_back(shown);
        }
    }
    return 0;
}

// ls -R: each subdirectory after its parent, as "\r\npath:\r\n" and its entries, depth first, within
// ListOptions maxdepth/maxdirs and where <Limit> lets the session list it. Symlinks are never entered
// (only entries that are directories themselves were collected).
void SessionImpl::append_subdirectories(ListWalk& walk, std::string& out, const std::string& vpath,
                                        const std::string& prefix, const std::vector<std::string>& subdirs,
                                        unsigned depth_left) {
    if (depth_left == 0) {
        return;
    }
    const std::string_view verb = walk.kind == ListKind::stat ? "STAT" : "LIST";
    for (const auto& name : subdirs) {
        if (walk.dirs_left == 0 || walk.files_left == 0) {
            log::notice("recursive listing of ", real(vpath), " stopped at ListOptions maxdirs/maxfiles");
            return;
        }
        const std::string child = vpath == "/" ? str_cat('/', name) : str_cat(vpath, '/', name);
        if (!policy_->allowed(verb, real(child), walk.argument)) {
            continue;
        }
        UniqueFd dir;
        struct stat st {};
        if (fs_.open(child, O_RDONLY | O_DIRECTORY | O_NOCTTY, 0, dir) != 0 || ::fstat(dir.get(), &st) != 0) {
            continue;  // unreadable or gone: ls skips it too
        }
        --walk.dirs_left;
        const std::string shown = prefix.empty() ? name : str_cat(prefix, prefix.back() == '/' ? "" : "/", name);
        out += str_cat("\r\n", shown, ":\r\n");
        std::vector<std::string> nested;
        if (append_directory(walk, out, child, dir.get(), st, &nested) == 0) {
            dir.reset();
            append_subdirectories(walk, out, child, shown, nested, depth_left - 1);
        }
    }
}

void SessionImpl::list_command(CommandContext& ctx, ListKind kind) {
    const std::string_view verb = kind == ListKind::mlsd ? "MLSD" : (kind == ListKind::nlst ? "NLST" : (kind == ListKind::stat ? "STAT" : "LIST"));
    const ListOptions options = parse_list_argument(ctx.argument);
    const std::string target = to_vpath(kind == ListKind::mlsd ? std::string_view(ctx.argument) : options.path);
    ctx.event.path = target;
    if (!permitted(ctx, verb, has_glob(virtual_basename(target)) ? std::string(virtual_parent(target)) : target)) {
        return;
    }
    if (kind != ListKind::stat && !require_data_connection(ctx)) {
        return;
    }
    std::string listing;
    std::string shown;
    std::string vpath;
    if (const int err = build_listing(kind, ctx.argument, listing, shown, vpath); err != 0) {
        if (kind == ListKind::mlsd && err == ENOTDIR) {
            finish(ctx, 550, str_cat("'", shown, "' is not a directory"));  // ProFTPD's code and text
        } else {
            fail_errno(ctx, kind == ListKind::mlsd ? 550 : 450, shown, err);  // ProFTPD: STAT like LIST
        }
        return;
    }
    if (kind == ListKind::stat) {
        std::vector<std::string> lines{str_cat("Status of ", shown, ":")};
        for (auto line : split(listing, '\n')) {
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            if (!line.empty()) {
                lines.emplace_back(line);
            }
        }
        lines.emplace_back("End of status");
        // ProFTPD's codes: 212 for a directory's status, 213 for a file's (RFC 959's "directory status").
        struct stat st {};
        const bool directory = !options.directory && fs_.stat(vpath, st) == 0 && S_ISDIR(st.st_mode);
        finish(ctx, directory ? 212 : 213, std::move(lines));
        return;
    }
    DataTransfer::Spec spec;
    spec.kind = DataTransfer::Kind::send_buffer;
    spec.buffer = std::move(listing);
    const auto started = Clock::now();
    begin_transfer(ctx, kind == ListKind::mlsd ? "Opening ASCII mode data connection for MLSD" : "Opening ASCII mode data connection for file list",
                   std::move(spec), [this, started](CommandContext& done, const TransferResult& result) {
                       fill_transfer_event(done, result, started);
                       done.event.transfer_binary = false;
                       finish_transfer(done, result, done.argument);
                   });
}

void SessionImpl::cmd_mlst(CommandContext& ctx) {
    const std::string vpath = to_vpath(ctx.argument);
    if (!permitted(ctx, "MLST", vpath)) {
        return;
    }
    const std::string shown = ctx.argument.empty() ? vpath : ctx.argument;
    struct stat st {};
    if (const int err = fs_.stat(vpath, st); err != 0) {
        fail_errno(ctx, 550, shown, err);
        return;
    }
    struct stat parent {};
    bool parent_writable = false;
    if (fs_.stat(virtual_parent(vpath), parent) == 0) {
        parent_writable = mlsx_perm(facts_from_stat(parent), identity_.uid, identity_.gid, false).find('c') != std::string::npos;
    }
    std::string line = " ";
    append_mlsx_entry(line, st, parent_writable, rules_for(vpath));
    line += vpath;
    finish(ctx, 250, std::vector<std::string>{str_cat("Start of list for ", shown), std::move(line), "End of list"});
}

}  // namespace ward::ftp
