#include "daemon/default_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/auth/password.hpp"
#include "daemon/auth/system_users.hpp"

namespace ward::daemon {
namespace {

constexpr const char* kTemplate = R"(# wardftpd's embedded default configuration (wardftpd -n without -c).
ServerName          "wardftpd demo"
ServerType          standalone
DefaultAddress      127.0.0.1
SocketBindTight     on
Port                2121
UseIPv6             off
User                @USER@
Group               @GROUP@
Umask               022
MaxInstances        100
MaxLoginAttempts    3
TimeoutIdle         600
AuthOrder           mod_auth_file.c
AuthUserFile        @STATE@/demo.passwd
RequireValidShell   off
DefaultRoot         @ROOT@
AllowOverwrite      on
HiddenStores        on

<Anonymous @ROOT@>
  User              @USER@
  Group             @GROUP@
  UserAlias         anonymous @USER@
  UserAlias         ftp @USER@
  <Limit WRITE SITE_CHMOD>
    DenyAll
  </Limit>
</Anonymous>
)";

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
    }
}

Result<void> make_dir(const std::string& path, mode_t mode) {
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
        return sys::errno_error(str_cat("mkdir ", path));
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return Error{str_cat(path, ": not a directory")};
    }
    return {};
}

}  // namespace

const char* default_config_template() noexcept { return kTemplate; }

Result<std::string> demo_directory() {
    std::string exe(PATH_MAX, '\0');
    const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size() - 1);
    if (n > 0) {
        exe.resize(static_cast<std::size_t>(n));
        // <build>/bin/wardftpd: a build tree has CMakeCache.txt at <build>.
        const auto bin = exe.rfind('/');
        const auto build = bin == std::string::npos || bin == 0 ? std::string::npos : exe.rfind('/', bin - 1);
        if (build != std::string::npos) {
            const std::string build_dir = exe.substr(0, build);
            if (::access((build_dir + "/CMakeCache.txt").c_str(), F_OK) == 0) {
                return build_dir + "/demo";
            }
        }
    }
    if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && state[0] == '/') {
        return str_cat(state, "/wardftpd");
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
        return str_cat(home, "/.local/state/wardftpd");
    }
    return Error{"no demo directory: the binary is not in a build tree and neither XDG_STATE_HOME nor HOME is set"};
}

Result<DefaultSetup> prepare_default_setup(bool create) {
    auto dir = demo_directory();
    if (!dir) {
        return std::move(dir).error();
    }
    if (dir->find_first_of(" \t\"\\") != std::string::npos) {
        return Error{str_cat("the demo directory '", *dir,
                             "' contains spaces or quotes; set XDG_STATE_HOME to another directory or pass -c")};
    }
    DefaultSetup setup;
    setup.served_root = *dir + "/ftp-root";
    setup.state_dir = *dir + "/state";

    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    std::string user;
    std::string group;
    if (uid == 0) {
        const auto nobody = auth::system_user("nobody");
        if (!nobody) {
            return Error{"the demo configuration runs sessions as 'nobody', and there is no such user"};
        }
        uid = nobody->uid;
        gid = nobody->gid;
        user = "nobody";
    } else {
        const auto self = auth::system_user_by_uid(uid);
        if (!self) {
            return Error{str_cat("uid ", uid, " has no user name; the demo configuration needs one")};
        }
        user = self->name;
    }
    group = auth::system_group_name(gid).value_or(str_cat(gid));
    setup.config_text = kTemplate;
    replace_all(setup.config_text, "@ROOT@", setup.served_root);
    replace_all(setup.config_text, "@STATE@", setup.state_dir);
    replace_all(setup.config_text, "@USER@", user);
    replace_all(setup.config_text, "@GROUP@", group);
    setup.banner = str_cat("serving ", setup.served_root,
                           " on 127.0.0.1:2121 (embedded default configuration; demo account in ", setup.state_dir,
                           "):\n"
                           "  anonymous logins read-only; user '",
                           kDemoUser, "' password '", kDemoPassword, "' read-write (sessions run as ", user,
                           ")\nConnect with:  curl ftp://127.0.0.1:2121/   or   curl -u demo:demo ftp://127.0.0.1:2121/\n");
    if (!create) {
        return setup;
    }

    if (const auto parent = dir->rfind('/'); parent != std::string::npos && parent > 0) {
        // ~/.local/state may not exist yet; the build tree always does.
        (void)::mkdir(dir->substr(0, parent).c_str(), 0700);
    }
    if (auto made = make_dir(*dir, 0755); !made) {
        return std::move(made).error();
    }
    if (auto made = make_dir(setup.served_root, 0755); !made) {
        return std::move(made).error();
    }
    if (auto made = make_dir(setup.state_dir, 0700); !made) {
        return std::move(made).error();
    }
    if (::getuid() == 0 && ::chown(setup.served_root.c_str(), uid, gid) != 0) {
        return sys::errno_error(str_cat("chown ", setup.served_root));
    }
    const std::string welcome = setup.served_root + "/README.txt";
    if (::access(welcome.c_str(), F_OK) != 0) {
        auto fd = sys::open(welcome, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
        if (fd) {
            if (auto written = sys::write_all(fd->get(), "Served by wardftpd's embedded default configuration.\n");
                !written) {
                return std::move(written).error();
            }
            if (::getuid() == 0 && ::fchown(fd->get(), uid, gid) != 0) {
                return sys::errno_error(str_cat("chown ", welcome));
            }
        }
    }
    // The demo account: a virtual user mapped to the uid sessions run as.
    const std::string passwd_path = setup.state_dir + "/demo.passwd";
    const std::string hash = auth::hash_password(kDemoPassword, "$6$");
    if (hash.empty()) {
        return Error{"cannot hash the demo password"};
    }
    const std::string entry =
        str_cat(kDemoUser, ':', hash, ':', uid, ':', gid, ":wardftpd demo:", setup.served_root, ":/bin/sh\n");
    const std::string tmp = passwd_path + ".new";
    {
        auto fd = sys::open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
        if (!fd) {
            return std::move(fd).error();
        }
        if (auto written = sys::write_all(fd->get(), entry); !written) {
            return std::move(written).error();
        }
    }
    if (::rename(tmp.c_str(), passwd_path.c_str()) != 0) {
        return sys::errno_error(str_cat("rename ", tmp));
    }
    return setup;
}

}  // namespace ward::daemon
