#include "exec/hook_config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "config/command_groups.hpp"
#include "config/values.hpp"
#include "modules/trusted_file.hpp"

namespace ward::exec {
namespace {

using config::Directive;

std::string_view point_directive(HookPoint point) {
    switch (point) {
        case HookPoint::before_command: return "ExecBeforeCommand";
        case HookPoint::on_command: return "ExecOnCommand";
        case HookPoint::on_error: return "ExecOnError";
        case HookPoint::on_connect: return "ExecOnConnect";
        case HookPoint::on_exit: return "ExecOnExit";
    }
    return {};
}

ConfiguredHook from(const Directive& d, std::size_t first) {
    ConfiguredHook hook;
    hook.directive = &d;
    hook.argv.assign(d.args.begin() + static_cast<std::ptrdiff_t>(first), d.args.end());
    return hook;
}

}  // namespace

ExecSettings exec_settings(const config::Server& server) {
    ExecSettings s;
    if (const Directive* d = server.get("ExecEngine")) {
        s.engine = config::as_bool(*d);
    }
    if (const Directive* d = server.get("ExecTimeout")) {
        s.timeout = config::as_seconds(*d);
    }
    if (const Directive* d = server.get("ExecLog"); d != nullptr && !config::is_none(d->args.at(0))) {
        s.log_path = d->args.at(0);
    }
    if (const Directive* d = server.get("ExecSandbox")) {
        s.sandbox = iequals(d->args.at(0), "off")      ? SandboxMode::off
                    : iequals(d->args.at(0), "strict") ? SandboxMode::strict
                                                       : SandboxMode::standard;
    }
    for (const Directive* d : server.get_all("ExecOptions")) {  // every line counts, as in mod_exec
        for (const auto& word : d->args) {
            s.log_stdout = s.log_stdout || iequals(word, "logStdout");
            s.log_stderr = s.log_stderr || iequals(word, "logStderr");
            s.send_stdout = s.send_stdout || iequals(word, "sendStdout");
            s.use_stdin = s.use_stdin || iequals(word, "useStdin");
        }
    }
    return s;
}

std::vector<ConfiguredHook> command_hooks(const config::Server& server, HookPoint point, std::string_view command,
                                          const ContextOf& where) {
    std::vector<ConfiguredHook> out;
    const std::string_view name = point_directive(point);
    if (name.empty() || point == HookPoint::on_connect || point == HookPoint::on_exit) {
        return out;
    }
    if (const Directive* enable = server.get_for_path("ExecEnable", where.real_path, where.anon, where.home);
        enable != nullptr && !config::as_bool(*enable)) {
        return out;
    }
    for (const Directive* d : server.get_all_for_path(name, where.real_path, where.anon, where.home)) {
        if (d->args.size() >= 2 && config::command_list_matches(d->args[0], command)) {
            out.push_back(from(*d, 1));
        }
    }
    return out;
}

std::vector<ConfiguredHook> session_hooks(const config::Server& server, HookPoint point, const config::Context* anon) {
    std::vector<ConfiguredHook> out;
    const std::string_view name = point_directive(point);
    std::vector<const Directive*> found;
    if (point == HookPoint::on_exit && anon != nullptr) {
        found = anon->find_all(name);
    }
    if (found.empty() && (point == HookPoint::on_exit || point == HookPoint::on_connect)) {
        found = server.get_all(name);
    }
    out.reserve(found.size());
    for (const Directive* d : found) {
        out.push_back(from(*d, 0));
    }
    return out;
}

std::vector<EventHook> event_hooks(const config::Server& server, std::string_view event) {
    std::vector<EventHook> out;
    for (const Directive* d : server.get_all("ExecOnEvent")) {
        std::string_view name = d->args.at(0);
        EventIdentity identity = EventIdentity::server_user;
        if (name.ends_with('*')) {
            identity = EventIdentity::root;
            name.remove_suffix(1);
        } else if (name.ends_with('~')) {
            identity = EventIdentity::session_user;
            name.remove_suffix(1);
        }
        if (iequals(name, event)) {
            out.push_back({from(*d, 1), identity});
        }
    }
    return out;
}

std::vector<ConfiguredHook> restart_hooks(const config::Server& server) {
    std::vector<ConfiguredHook> out;
    for (const Directive* d : server.get_all("ExecOnRestart")) {
        out.push_back(from(*d, 0));
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> exec_environ(const config::Server& server, const ContextOf& where) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Directive* d : server.get_all_for_path("ExecEnviron", where.real_path, where.anon, where.home)) {
        const std::string& name = d->args.at(0);
        if (std::none_of(out.begin(), out.end(), [&](const auto& e) { return e.first == name; })) {
            out.emplace_back(name, d->args.at(1));
        }
    }
    return out;
}

namespace {

// The program with its symbolic links resolved: its directories from "/" down through modules' checks, then
// the file itself, looked at without following a link, on the checked directory's descriptor.
Result<void> check_program_owner(const std::string& program) {
    std::unique_ptr<char, decltype(&::free)> resolved(::realpath(program.c_str(), nullptr), &::free);
    if (!resolved) {
        return sys::errno_error(program);
    }
    const std::string real(resolved.get());
    const std::size_t slash = real.rfind('/');
    const std::string dir = slash == 0 ? std::string("/") : real.substr(0, slash);
    const std::string name = real.substr(slash + 1);
    const modules::TrustedOwners owners = modules::default_owners();
    auto dir_fd = modules::open_trusted_dir(dir, owners);
    if (!dir_fd) {
        return Error{str_cat(program, ": ", dir_fd.error().message)};
    }
    struct stat st {};
    if (::fstatat(dir_fd->get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return sys::errno_error(real);
    }
    if (!S_ISREG(st.st_mode)) {
        return Error{str_cat(real, ": is not a regular file")};
    }
    if (std::find(owners.uids.begin(), owners.uids.end(), st.st_uid) == owners.uids.end()) {
        return Error{str_cat(real, ": is owned by uid ", st.st_uid, ", not by root or the daemon's user (refused)")};
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return Error{str_cat(real, ": is group- or world-writable (refused)")};
    }
    return {};
}

}  // namespace

Result<void> check_hook_programs(const config::Context& root) {
    static constexpr std::pair<std::string_view, std::size_t> kProgramArgument[] = {
        {"ExecBeforeCommand", 1}, {"ExecOnCommand", 1}, {"ExecOnError", 1}, {"ExecOnConnect", 0},
        {"ExecOnExit", 0},        {"ExecOnRestart", 0}, {"ExecOnEvent", 1}};
    for (const Directive& d : root.directives) {
        for (const auto& [name, index] : kProgramArgument) {
            if (!iequals(d.name, name) || d.args.size() <= index) {
                continue;
            }
            const std::string& program = d.args[index];
            if (::access(program.c_str(), X_OK) != 0) {
                return Error{str_cat(config::to_string(d.where), ": ", d.name, ": ", program, ": ",
                                     sys::errno_name(errno))};
            }
            if (auto trusted = check_program_owner(program); !trusted) {
                return Error{str_cat(config::to_string(d.where), ": ", d.name, ": ", trusted.error().message)};
            }
        }
    }
    for (const auto& child : root.children) {
        if (auto checked = check_hook_programs(child); !checked) {
            return checked;
        }
    }
    return {};
}

std::string hook_label(const config::Directive& directive, std::string_view command) {
    return command.empty() ? directive.name : str_cat(command, " ", directive.name);
}

}  // namespace ward::exec
