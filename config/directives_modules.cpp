// <Limit> access directives (mod_core.c) and the modules this project is about: mod_exec, mod_cap, mod_dso,
// plus wardftpd's own ExecSandbox, ModuleTrustedKey and ModuleSignatureRequired.
#include <algorithm>

#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/validators.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

// AllowUser/DenyUser/AllowGroup/DenyGroup [AND|OR|regex] list
std::optional<ArgProblem> user_group_expression(std::span<const std::string> args) {
    if (args.size() == 2) {
        if (iequals(args[0], "regex")) {
            if (auto problem = regex(args[1])) {
                return ArgProblem{1, *problem};
            }
            return std::nullopt;
        }
        if (!iequals(args[0], "AND") && !iequals(args[0], "OR")) {
            return ArgProblem{0, str_cat("expected AND, OR or regex before the list, not '", args[0], "'")};
        }
        if (auto problem = name_list(args[1])) {
            return ArgProblem{1, *problem};
        }
        return std::nullopt;
    }
    if (auto problem = name_list(args[0])) {
        return ArgProblem{0, *problem};
    }
    return std::nullopt;
}

// Allow|Deny [from] all|none|address[,address...] ...
std::optional<ArgProblem> allow_deny(std::span<const std::string> args) {
    std::size_t first = 0;
    if (iequals(args[0], "from")) {
        first = 1;
    }
    if (first >= args.size()) {
        return ArgProblem{args.size(), "an address list is required after 'from'"};
    }
    std::size_t entries = 0;
    std::optional<std::size_t> keyword;  // all or none: ProFTPD accepts either only on its own
    for (std::size_t i = first; i < args.size(); ++i) {
        for (const auto entry : split(args[i], ',')) {
            if (entry.empty()) {
                continue;
            }
            if (auto problem = acl_entry(entry)) {
                return ArgProblem{i, *problem};
            }
            ++entries;
            if (iequals(entry, "all") || iequals(entry, "none")) {
                keyword = i;
            }
        }
    }
    if (entries == 0) {
        return ArgProblem{first, "an address list is required"};
    }
    if (keyword && entries > 1) {
        return ArgProblem{*keyword, "all and none must stand alone"};
    }
    return std::nullopt;
}

// Order allow,deny | deny,allow (also written as two words, "allow, deny")
std::optional<ArgProblem> order(std::span<const std::string> args) {
    std::string joined;
    for (const auto& a : args) {
        joined += a;
    }
    if (iequals(joined, "allow,deny") || iequals(joined, "deny,allow")) {
        return std::nullopt;
    }
    return ArgProblem{0, str_cat("expected allow,deny or deny,allow, not '", joined, "'")};
}

// MaxClientsPerClass class count|none [message]
std::optional<ArgProblem> max_clients_per_class(std::span<const std::string> args) {
    if (args[0].empty()) {
        return ArgProblem{0, "the class name is empty"};
    }
    if (!iequals(args[1], "none")) {
        if (auto problem = number(args[1], 1, 4'294'967'295)) {
            return ArgProblem{1, str_cat(*problem, " (or none)")};
        }
    }
    return std::nullopt;
}

// mod_exec: cmds /path [args...]
std::optional<ArgProblem> exec_on_commands(std::span<const std::string> args) {
    if (auto problem = command_list(args[0])) {
        return ArgProblem{0, *problem};
    }
    if (auto problem = absolute_path(args[1])) {
        return ArgProblem{1, *problem};
    }
    return std::nullopt;
}

// mod_exec: /path [args...]
std::optional<ArgProblem> exec_path_first(std::span<const std::string> args) {
    if (auto problem = absolute_path(args[0])) {
        return ArgProblem{0, *problem};
    }
    return std::nullopt;
}

// ExecOnEvent MaxConnectionRate|MaxInstances[*|~] /path [args...]
std::optional<ArgProblem> exec_on_event(std::span<const std::string> args) {
    std::string_view event = args[0];
    if (event.ends_with('*') || event.ends_with('~')) {
        event.remove_suffix(1);
    }
    if (!iequals(event, "MaxConnectionRate") && !iequals(event, "MaxInstances")) {
        return ArgProblem{0, str_cat("unknown event '", args[0],
                                     "' (expected MaxConnectionRate or MaxInstances, optionally followed by * or ~)")};
    }
    if (auto problem = absolute_path(args[1])) {
        return ArgProblem{1, *problem};
    }
    return std::nullopt;
}

Problem environment_name(std::string_view v) {
    const bool good = !v.empty() && !(v.front() >= '0' && v.front() <= '9') &&
                      std::all_of(v.begin(), v.end(), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                      });
    if (!good) {
        return str_cat("'", v, "' is not an environment variable name");
    }
    return std::nullopt;
}

// ModuleControlsACLs actions|all allow|deny user|group list
std::optional<ArgProblem> module_controls_acls(std::span<const std::string> args) {
    for (const auto action : split(args[0], ',')) {
        if (auto problem = one_of(action, {"all", "insmod", "lsmod", "rmmod"})) {
            return ArgProblem{0, str_cat("unknown module control action: ", *problem)};
        }
    }
    if (auto problem = one_of(args[1], {"allow", "deny"})) {
        return ArgProblem{1, *problem};
    }
    if (auto problem = one_of(args[2], {"user", "group"})) {
        return ArgProblem{2, *problem};
    }
    if (auto problem = name_list(args[3])) {
        return ArgProblem{3, *problem};
    }
    return std::nullopt;
}

}  // namespace

void add_access(std::vector<DirectiveSpec>& out) {
    const auto names = [](const char* name) {
        return make(name, "mod_core.c", cx::limit, 1, 2, str_cat(name, " [AND|OR|regex] name[,name...]"),
                    user_group_expression, true);
    };
    out.push_back(names("AllowUser"));
    out.push_back(names("DenyUser"));
    out.push_back(names("AllowGroup"));
    out.push_back(names("DenyGroup"));
    out.push_back(make("Allow", "mod_core.c", cx::limit, 1, kAnyNumber, "Allow [from] all|none|address[,address...]",
                       allow_deny, true));
    out.push_back(make("Deny", "mod_core.c", cx::limit, 1, kAnyNumber, "Deny [from] all|none|address[,address...]",
                       allow_deny, true));
    out.push_back(make("Order", "mod_core.c", cx::limit, 1, 2, "Order allow,deny|deny,allow", order));
    out.push_back(make("AllowAll", "mod_core.c", cx::limit | cx::anonymous | cx::directory, 0, 0, "AllowAll"));
    out.push_back(make("DenyAll", "mod_core.c", cx::limit | cx::anonymous | cx::directory, 0, 0, "DenyAll"));
    out.push_back(make("IgnoreHidden", "mod_core.c", cx::limit, 1, 1, "IgnoreHidden on|off", each(boolean_check())));
    // <Class name>: From and Satisfy inside it, AllowClass/DenyClass in <Limit>, MaxClientsPerClass (the master
    // counts the sessions of each class).
    out.push_back(names("AllowClass"));
    out.push_back(names("DenyClass"));
    out.push_back(make("From", "mod_core.c", cx::connection_class, 1, kAnyNumber,
                       "From all|none|address|network|host[,...] [...]", allow_deny, true));
    out.push_back(make("Satisfy", "mod_core.c", cx::connection_class, 1, 1, "Satisfy any|all",
                       each(words_check({"any", "all"}))));
    out.push_back(make("MaxClientsPerClass", "mod_auth.c", cx::servers, 2, 3,
                       "MaxClientsPerClass class count|none [message]", max_clients_per_class, true));
}

void add_modules(std::vector<DirectiveSpec>& out) {
    const auto hook = [](const char* name, ContextMask ctx) {
        return make(name, "mod_exec.c", ctx, 2, kAnyNumber, str_cat(name, " cmd[,cmd...] /path/to/program [args...]"),
                    exec_on_commands, true);
    };
    const auto program = [](const char* name, ContextMask ctx) {
        return make(name, "mod_exec.c", ctx, 1, kAnyNumber, str_cat(name, " /path/to/program [args...]"),
                    exec_path_first, true);
    };

    // mod_cap.c
    out.push_back(make("CapabilitiesEngine", "mod_cap.c", cx::servers, 1, 1, "CapabilitiesEngine on|off",
                       each(boolean_check())));
    out.push_back(no_effect(make("CapabilitiesRootRevoke", "mod_cap.c", cx::servers, 1, 1,
                                 "CapabilitiesRootRevoke on|off", each(boolean_check())),
                            "no session process ever keeps root, so root is always revoked", when_flag(true)));
    out.push_back(make("CapabilitiesSet", "mod_cap.c", cx::servers, 1, kAnyNumber,
                       "CapabilitiesSet +CAP_X|-CAP_X [...]", each([](std::string_view v) { return capability(v); })));

    // mod_exec.c
    out.push_back(hook("ExecBeforeCommand", cx::servers_anon_dir));
    out.push_back(hook("ExecOnCommand", cx::servers_anon_dir));
    out.push_back(hook("ExecOnError", cx::servers_anon_dir));
    out.push_back(program("ExecOnConnect", cx::servers));
    out.push_back(program("ExecOnExit", cx::servers_anon));
    out.push_back(program("ExecOnRestart", cx::server));
    out.push_back(make("ExecOnEvent", "mod_exec.c", cx::servers, 2, kAnyNumber,
                       "ExecOnEvent MaxConnectionRate|MaxInstances[*|~] /path/to/program [args...]", exec_on_event,
                       true));
    out.push_back(make("ExecEnable", "mod_exec.c", cx::servers_anon_dir, 1, 1, "ExecEnable on|off",
                       each(boolean_check())));
    out.push_back(make("ExecEngine", "mod_exec.c", cx::servers, 1, 1, "ExecEngine on|off", each(boolean_check())));
    out.push_back(make("ExecEnviron", "mod_exec.c", cx::servers_anon_dir, 2, 2, "ExecEnviron NAME value|-",
                       positional({environment_name, {}}), true));
    out.push_back(make("ExecLog", "mod_exec.c", cx::servers, 1, 1, "ExecLog /path|none",
                       each([](std::string_view v) { return absolute_path_or_none(v); })));
    out.push_back(make("ExecOptions", "mod_exec.c", cx::servers, 1, kAnyNumber,
                       "ExecOptions logStderr|logStdout|sendStdout|useStdin [...]",
                       each(words_check({"logStderr", "logStdout", "sendStdout", "useStdin"})), true));
    out.push_back(make("ExecTimeout", "mod_exec.c", cx::servers, 1, 1, "ExecTimeout seconds|20m|1h|hh:mm:ss",
                       each(duration_check())));
    out.push_back(make("ExecSandbox", "mod_exec.c", cx::servers, 1, 1, "ExecSandbox default|strict|off",
                       each(words_check({"default", "strict", "off"}))));

    // mod_dso.c
    out.push_back(make("LoadModule", "mod_dso.c", cx::server, 1, 1, "LoadModule mod_x.c",
                       each([](std::string_view v) { return module_name(v); }), true));
    out.push_back(make("LoadFile", "mod_dso.c", cx::server, 1, 1, "LoadFile /path/to/file.so",
                       each([](std::string_view v) { return absolute_path(v); }), true));
    out.push_back(make("ModulePath", "mod_dso.c", cx::server, 1, 1, "ModulePath /path",
                       each([](std::string_view v) { return absolute_path(v); })));
    out.push_back(make("ModuleOrder", "mod_dso.c", cx::server, 1, kAnyNumber, "ModuleOrder mod_x.c [mod_y.c...]",
                       each([](std::string_view v) { return module_name(v); })));
    out.push_back(make("ModuleControlsACLs", "mod_dso.c", cx::server, 4, 4,
                       "ModuleControlsACLs actions|all allow|deny user|group list", module_controls_acls, true));
    out.push_back(make("ModuleTrustedKey", "mod_dso.c", cx::server, 1, 1, "ModuleTrustedKey /path/to/key.pub",
                       each([](std::string_view v) { return absolute_path(v); }), true));
    out.push_back(make("ModuleSignatureRequired", "mod_dso.c", cx::server, 1, 1, "ModuleSignatureRequired on|off",
                       each(boolean_check())));
}

}  // namespace ward::config::tables
