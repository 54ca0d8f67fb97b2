#pragma once
// What the configuration attaches to each hook point: ProFTPD mod_exec's directives resolved for one
// server, and for command hooks, for the context the command acts in (<Directory>, <Anonymous>).
// Everything here comes from the configuration; the worker's report only selects among it.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "exec/hook_event.hpp"

namespace ward::exec {

enum class SandboxMode : std::uint8_t { standard, strict, off };  // ExecSandbox default|strict|off

struct ExecSettings {
    bool engine = false;  // ExecEngine (off by default, as in ProFTPD)
    bool log_stdout = false;
    bool log_stderr = false;
    bool send_stdout = false;
    bool use_stdin = false;
    std::chrono::seconds timeout{0};  // ExecTimeout; 0: none
    SandboxMode sandbox = SandboxMode::standard;
    std::string log_path;  // ExecLog; empty or "none": no log
};

[[nodiscard]] ExecSettings exec_settings(const config::Server& server);

// A configured hook ready to run: the directive's program and argument templates.
struct ConfiguredHook {
    const config::Directive* directive = nullptr;
    std::vector<std::string> argv;  // templates: argv[0] is the program
};

struct ContextOf {
    const config::Context* anon = nullptr;  // the session's <Anonymous>, if any
    std::string home;                       // "~" for <Directory ~/...>
    std::string real_path;                  // the real path the command acts on; empty: none
};

// ExecBeforeCommand, ExecOnCommand or ExecOnError hooks whose command list names `command`, each once,
// most specific context first; none when ExecEnable is off for the path.
[[nodiscard]] std::vector<ConfiguredHook> command_hooks(const config::Server& server, HookPoint point,
                                                        std::string_view command, const ContextOf& where);
// ExecOnConnect (server) or ExecOnExit (the <Anonymous> context's own, else the server's).
[[nodiscard]] std::vector<ConfiguredHook> session_hooks(const config::Server& server, HookPoint point,
                                                        const config::Context* anon);

enum class EventIdentity : std::uint8_t { server_user, root, session_user };
struct EventHook {
    ConfiguredHook hook;
    EventIdentity identity = EventIdentity::server_user;  // "NAME*": root; "NAME~": the session's user
};
// ExecOnEvent hooks for `event` ("MaxInstances", "MaxConnectionRate").
[[nodiscard]] std::vector<EventHook> event_hooks(const config::Server& server, std::string_view event);
[[nodiscard]] std::vector<ConfiguredHook> restart_hooks(const config::Server& server);

// ExecEnviron NAME value pairs that apply, each name once (the most specific context wins).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> exec_environ(const config::Server& server,
                                                                            const ContextOf& where);

// Every hook program the configuration names exists and is executable (wardftpd -t and start-up check
// this; ProFTPD finds out when the hook first runs), and nobody but root or the daemon's user can have changed
// it: the program (symbolic links resolved) is owned by one of them and writable by no one else, and so is
// every directory above it, as module files are checked (modules/trusted_file.hpp; a sticky directory like
// /tmp may be world-writable above the program's own directory). Errors name file:line and the directive.
[[nodiscard]] Result<void> check_hook_programs(const config::Context& root);

// The directive's name, as ExecLog lines name a hook ("STOR ExecOnCommand", "ExecOnConnect").
[[nodiscard]] std::string hook_label(const config::Directive& directive, std::string_view command);

}  // namespace ward::exec
