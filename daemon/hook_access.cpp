#include "daemon/hook_access.hpp"

#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string_view>
#include <utility>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::daemon {
namespace {

enum class RunsAs : std::uint8_t { session_user, server_user, root };

struct HookDirective {
    std::string_view name;
    std::size_t program;  // the index of the program argument
    RunsAs runs_as;
};

constexpr std::array<HookDirective, 7> kHooks{{{"ExecBeforeCommand", 1, RunsAs::session_user},
                                               {"ExecOnCommand", 1, RunsAs::session_user},
                                               {"ExecOnError", 1, RunsAs::session_user},
                                               {"ExecOnConnect", 0, RunsAs::server_user},
                                               {"ExecOnExit", 0, RunsAs::server_user},
                                               {"ExecOnRestart", 0, RunsAs::server_user},
                                               {"ExecOnEvent", 1, RunsAs::server_user}}};

// access(X_OK) under uid/gid, in a child so the master's own ids never change: 0 or the errno.
int access_as(const std::string& program, HookIdentity who) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        return errno;
    }
    if (pid == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(who.gid, who.gid, who.gid) != 0 ||
            ::setresuid(who.uid, who.uid, who.uid) != 0) {
            ::_exit(EPERM);
        }
        ::_exit(::access(program.c_str(), X_OK) == 0 ? 0 : errno);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : EPERM;
}

// A command hook runs as whoever logged in: it fails for every one of them when only root may execute it.
bool only_root_executes(const std::string& program) {
    struct stat st {};
    if (::stat(program.c_str(), &st) != 0) {
        return false;  // the plain access check reports it
    }
    const bool owner = (st.st_mode & S_IXUSR) != 0 && st.st_uid != 0;
    const bool group = (st.st_mode & S_IXGRP) != 0 && st.st_gid != 0;
    return !owner && !group && (st.st_mode & S_IXOTH) == 0;
}

Result<void> check_one(const config::Directive& d, const HookDirective& hook, HookIdentity server_user) {
    if (d.args.size() <= hook.program) {
        return {};
    }
    const std::string& program = d.args[hook.program];
    const std::string where = str_cat(config::to_string(d.where), ": ", d.name, ": ", program, ": ");
    if (::geteuid() != 0) {
        return {};  // every hook runs as the daemon's uid, which exec::check_hook_programs checked
    }
    RunsAs runs_as = hook.runs_as;
    if (iequals(d.name, "ExecOnEvent") && !d.args.empty() && d.args[0].ends_with('*')) {
        runs_as = RunsAs::root;
    }
    if (runs_as == RunsAs::session_user && only_root_executes(program)) {
        return Error{str_cat(where, "only root may execute it, and command hooks run as the logged-in user; make "
                             "it executable by the users (chmod o+x, or a group they are in with g+x)")};
    }
    if (runs_as == RunsAs::server_user) {
        if (const int error = access_as(program, server_user); error != 0) {
            return Error{str_cat(where, "not executable by uid ", server_user.uid, " gid ", server_user.gid,
                                 ", the server's User/Group this hook runs as (", sys::errno_name(error),
                                 "); make it and its directories executable by that account")};
        }
    }
    return {};
}

Result<void> walk(const config::Context& context, HookIdentity server_user, bool into_hosts, std::size_t& checked) {
    for (const config::Directive& d : context.directives) {
        for (const auto& hook : kHooks) {
            if (iequals(d.name, hook.name)) {
                if (auto ok = check_one(d, hook, server_user); !ok) {
                    return ok;
                }
                ++checked;
            }
        }
    }
    for (const auto& child : context.children) {
        if (child.kind == config::ContextKind::virtual_host && !into_hosts) {
            continue;
        }
        if (auto ok = walk(child, server_user, into_hosts, checked); !ok) {
            return ok;
        }
    }
    return {};
}

}  // namespace

Result<void> check_hook_identities(const config::Server& server, const config::Context& root,
                                   HookIdentity server_user, std::size_t& checked) {
    if (auto ok = walk(server.context(), server_user, false, checked); !ok) {
        return ok;
    }
    if (server.is_main()) {
        return {};  // the main server's context holds <Global>
    }
    for (const auto& child : root.children) {
        if (child.kind == config::ContextKind::global) {
            if (auto ok = walk(child, server_user, false, checked); !ok) {
                return ok;
            }
        }
    }
    return {};
}

}  // namespace ward::daemon
