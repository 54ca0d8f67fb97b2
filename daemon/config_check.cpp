#include "daemon/config_check.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/auth_modules.hpp"
#include "daemon/auth/auth_file_check.hpp"
#include "daemon/auth/system_users.hpp"
#include "config/values.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/hook_access.hpp"
#include "daemon/log_files.hpp"
#include "daemon/master/self_confine.hpp"
#include "daemon/sql_check.hpp"
#include "daemon/master/tls_files.hpp"
#include "exec/hook_config.hpp"
#include "modules/controls.hpp"
#include "daemon/inetd_session.hpp"
#include "modules/trusted_file.hpp"

namespace ward::daemon {
namespace {

std::string at(const config::Directive* d) { return d != nullptr ? to_string(d->where) + ": " : std::string(); }

// User root (ProFTPD's own test suite writes it when run as root): wardftpd never parses network bytes as root,
// so the pre-auth workers run as the fallback account instead, and the daemon starts.
Result<PreauthIdentity> preauth_identity(const config::Server& server, std::vector<std::string>& warnings) {
    const config::Directive* user = server.get("User");
    std::string name = user != nullptr ? user->args.at(0) : std::string(kPreauthFallbackUser);
    auto account = auth::system_user(name);
    if (!account) {
        return Error{str_cat(at(user), "User '", name, "' does not exist")};
    }
    if (account->uid == 0) {
        warnings.push_back(str_cat(at(user), "User ", name, ": wardftpd never parses network bytes as root, so "
                                   "pre-auth workers run as '", kPreauthFallbackUser, "' instead"));
        name = kPreauthFallbackUser;
        account = auth::system_user(name);
        if (!account || account->uid == 0) {
            return Error{str_cat(at(user), "User ", user->args.at(0), ": the fallback account '", name,
                                 "' is missing or is root; name an unprivileged User")};
        }
    }
    PreauthIdentity identity{account->uid, account->gid};
    if (const config::Directive* group = server.get("Group")) {
        const auto gid = auth::system_group_id(group->args.at(0));
        if (!gid) {
            return Error{str_cat(at(group), "Group '", group->args.at(0), "' does not exist")};
        }
        if (*gid == 0) {
            warnings.push_back(str_cat(at(group), "Group ", group->args.at(0), ": wardftpd never parses network "
                                       "bytes with group 0, so pre-auth workers keep the group of '", name, "'"));
        } else {
            identity.gid = *gid;
        }
    }
    return identity;
}

// SystemLog, and each server's and <Anonymous>'s TransferLog: what opening them would refuse, with the message
// start-up gives ("file:line:column: SystemLog: ...").
Result<void> check_log(const config::Directive* log) {
    if (log == nullptr || config::is_none(log->args.at(0))) {
        return {};
    }
    if (auto checked = check_log_file(log->args.at(0)); !checked) {
        return Error{str_cat(to_string(log->where), ": ", log->name, ": ", checked.error().message,
                             "; fix the directory (it must exist, owned by root and not world-writable) or name "
                             "another file")};
    }
    return {};
}

Result<void> check_logs(const config::ServerSet& servers) {
    if (auto checked = check_log(servers.servers().front().get("SystemLog")); !checked) {
        return checked;
    }
    for (const auto& server : servers.servers()) {
        if (auto checked = check_log(server.get("TransferLog")); !checked) {
            return checked;
        }
        for (const auto& child : server.context().children) {
            if (child.kind == config::ContextKind::anonymous) {
                if (auto checked = check_log(child.find("TransferLog")); !checked) {
                    return checked;
                }
            }
        }
    }
    return {};
}

// AuthUserFile/AuthGroupFile: the monitor reads them at every login, so one that is missing or unreadable
// would refuse every login with 530 (ProFTPD's -t fails on it too). Owner and mode are checked where the
// file is read (daemon/auth).
Result<void> check_account_file(const config::Directive* file, std::string_view made_at_start,
                                 std::size_t& checked) {
    if (file == nullptr) {
        return {};
    }
    const std::string& path = file->args.at(0);
    if (!made_at_start.empty() && path.starts_with(str_cat(made_at_start, "/"))) {
        return {};  // start-up writes it
    }
    const std::string what = iequals(file->name, "AuthUserFile") ? "ftpasswd --passwd" : "ftpasswd --group";
    auto fd = sys::open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
    if (!fd) {
        return Error{str_cat(to_string(file->where), ": ", file->name, ": ", fd.error().message,
                             "; create it (for example with ", what, ") or remove the directive, else every login "
                             "is refused")};
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Error{str_cat(to_string(file->where), ": ", file->name, ": ", path,
                             " is not a regular file; name the account file itself")};
    }
    ++checked;
    return {};
}

std::string parent_dir(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? std::string("/") : path.substr(0, slash);
}

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// ControlsSocket (with ControlsEngine on) and PidFile: their directory must be there, or be a runtime directory
// start-up creates (one missing level under an existing directory, as systemd's RuntimeDirectory), so start-up
// does not fail after -t passed. The socket's directory is checked as the control socket opens it.
Result<void> check_runtime_path(std::string_view name, const std::string& path, const config::Directive* d,
                                std::vector<std::string>& create) {
    const std::string shown = d != nullptr ? str_cat(to_string(d->where), ": ", name, " ") : str_cat(name, " ");
    if (path.empty() || path.front() != '/') {
        return Error{str_cat(shown, path, ": needs an absolute path")};
    }
    const std::string dir = parent_dir(path);
    if (is_dir(dir)) {
        if (name == "ControlsSocket") {
            if (auto trusted = modules::open_trusted_dir(dir, modules::default_owners()); !trusted) {
                return Error{shown + trusted.error().message};
            }
        }
        return {};
    }
    if (!is_dir(parent_dir(dir))) {
        return Error{str_cat(shown, path, ": the directory ", dir, " does not exist and neither does ", parent_dir(dir),
                             "; create it (mkdir -p ", dir, ") or name a path in an existing directory")};
    }
    if (std::find(create.begin(), create.end(), dir) == create.end()) {
        create.push_back(dir);
    }
    return {};
}

Result<void> check_runtime_paths(const config::ServerSet& servers, std::vector<std::string>& create) {
    const config::Context& root = servers.config().root;
    if (const config::Directive* engine = root.find("ControlsEngine"); engine != nullptr && config::as_bool(*engine)) {
        const config::Directive* socket = root.find("ControlsSocket");
        const std::string path = socket != nullptr ? socket->args.at(0) : std::string(modules::kDefaultControlsSocket);
        if (auto ok = check_runtime_path("ControlsSocket", path, socket, create); !ok) {
            return ok;
        }
    }
    if (const config::Directive* pid = servers.servers().front().get("PidFile")) {
        return check_runtime_path("PidFile", pid->args.at(0), pid, create);
    }
    return {};
}

}  // namespace

Result<void> create_runtime_dirs(const std::vector<std::string>& dirs) {
    for (const auto& dir : dirs) {
        if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
            return sys::errno_error(str_cat("mkdir ", dir, " (the runtime directory of ControlsSocket/PidFile)"));
        }
    }
    return {};
}

// mod_auth_pam.c in AuthOrder (and AuthPAM not off): without the service's file, libpam falls back to
// /etc/pam.d/other, whose rules were not written for FTP. ProFTPD says nothing; -t and start-up warn.
void check_pam_service(const config::Server& server, std::vector<std::string>& warnings) {
    const config::Directive* order = server.get("AuthOrder");
    const config::Directive* enabled = server.get("AuthPAM");
    if (order == nullptr || (enabled != nullptr && !config::as_bool(*enabled))) {
        return;
    }
    const bool uses_pam = std::any_of(order->args.begin(), order->args.end(), [](const std::string& module) {
        const auto entry = config::parse_auth_order_entry(module);
        return entry && entry->module == config::AuthModule::pam;
    });
    const config::Directive* service = server.get("AuthPAMConfig");
    const std::string name = service != nullptr ? service->args.at(0) : std::string("ftp");
    const std::string path = str_cat("/etc/pam.d/", name);
    struct stat st{};
    if (uses_pam && ::stat(path.c_str(), &st) != 0) {
        warnings.push_back(str_cat(at(service != nullptr ? service : order), "mod_auth_pam.c: the PAM service '", name,
                                   "' has no file ", path, ", so PAM uses /etc/pam.d/other; write ", path,
                                   " (Debian's proftpd package ships one) or name another with AuthPAMConfig"));
    }
}

// DisplayChdir is read once per session (server, <VirtualHost> or <Anonymous> level); ProFTPD also takes it in
// <Directory>, where it would have no effect here: -t and start-up say so rather than ignore it.
void directory_level_warnings(const config::Context& context, std::vector<std::string>& warnings) {
    for (const auto& child : context.children) {
        if (child.kind == config::ContextKind::directory) {
            for (const auto* d : child.find_all("DisplayChdir")) {
                warnings.push_back(str_cat(at(d), "DisplayChdir has no effect inside <Directory> here: it is read once "
                                                  "per session; set it at server, <VirtualHost> or <Anonymous> level"));
            }
        }
        directory_level_warnings(child, warnings);
    }
}

Result<CheckedConfig> check_configuration(const config::ServerSet& servers, std::string_view made_at_start) {
    CheckedConfig checked;
    checked.warnings = servers.config().warnings;
    for (auto& warning : inetd_warnings(servers)) {  // ServerType inetd: what only a standalone master applies
        checked.warnings.push_back(std::move(warning));
    }
    directory_level_warnings(servers.config().root, checked.warnings);
    if (auto programs = exec::check_hook_programs(servers.config().root); !programs) {
        return std::move(programs).error();
    }
    for (const auto& server : servers.servers()) {
        auto caps = server_session_capabilities(server);
        if (!caps) {
            return std::move(caps).error();
        }
        checked.session_caps.push_back(*caps);
        auto proxy = master::proxy::settings_for(server);  // ProxyProtocolEngine needs its trusted proxies
        if (!proxy) {
            return std::move(proxy).error();
        }
        checked.proxy.push_back(std::move(*proxy));
        auto identity = preauth_identity(server, checked.warnings);
        if (!identity) {
            return std::move(identity).error();
        }
        checked.identities.push_back(*identity);
        auto sql = check_sql(server, *identity, checked.warnings);
        if (!sql) {
            return std::move(sql).error();
        }
        checked.sql.push_back(std::move(*sql));
        for (const char* name : {"AuthUserFile", "AuthGroupFile"}) {
            if (auto file = check_account_file(server.get(name), made_at_start, checked.files_checked); !file) {
                return std::move(file).error();
            }
        }
        check_pam_service(server, checked.warnings);
        if (auto hooks = check_hook_identities(server, servers.config().root, {identity->uid, identity->gid},
                                               checked.hooks_checked);
            !hooks) {
            return std::move(hooks).error();
        }
    }
    if (auto logs = check_logs(servers); !logs) {
        return std::move(logs).error();
    }
    // mod_auth_file's owner/mode checks of AuthUserFile and AuthGroupFile.
    if (auto files = auth::check_auth_file_permissions(servers); !files) {
        return std::move(files).error();
    }
    auto plan = master::confinement_plan(servers);
    if (!plan) {
        return std::move(plan).error();
    }
    checked.confinement = std::move(plan->roles);
    checked.warnings.insert(checked.warnings.end(), plan->warnings.begin(), plan->warnings.end());
    master::TlsFilesChecked tls;
    if (auto files = master::check_tls_files(servers, tls); !files) {
        return std::move(files).error();
    }
    checked.tls_files = std::move(tls.certificates);
    checked.warnings.insert(checked.warnings.end(), tls.warnings.begin(), tls.warnings.end());
    if (auto runtime = check_runtime_paths(servers, checked.runtime_dirs); !runtime) {
        return std::move(runtime).error();
    }
    return checked;
}

}  // namespace ward::daemon
