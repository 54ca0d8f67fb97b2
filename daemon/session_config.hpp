#pragma once
// The configuration model turned into what each process of a session runs with: the monitor's auth
// settings (its login rules: daemon/monitor/config_login_rules.hpp), the worker's FTP settings, its <Limit>/<Directory> access policy and the
// hook points worth reporting. Pure reads of config/, done before any confinement.
#include <memory>
#include <string>
#include <vector>

#include "config/server.hpp"
#include "daemon/auth/authenticator.hpp"
#include "daemon/ftp/session_host.hpp"
#include "daemon/ftp/session_settings.hpp"
#include "daemon/worker/hook_interest.hpp"

namespace ward::daemon {

// The directive that applies to the whole session: the <Anonymous> context's own, else the server's.
[[nodiscard]] const config::Directive* session_directive(const config::Server& server, const config::Context* anon,
                                                        std::string_view name);

[[nodiscard]] auth::AuthSettings auth_settings(const config::Server& server);

// `local_ip` is the address the client reached (for ServerIdent's default text).
[[nodiscard]] ftp::SessionSettings session_settings(const config::Server& server, const config::Context* anon,
                                                    std::string_view local_ip, bool transfer_log);

// DefaultChdir for this login (the first whose group expression matches; "~" and "%u" expanded), as a path
// the session sees; empty when none applies. The worker changes there after login when it is a directory.
[[nodiscard]] std::string default_chdir(const config::Server& server, const config::Context* anon,
                                        const ftp::SessionIdentity& identity,
                                        const std::vector<std::string>& group_names);

// DisplayConnect's file as the greeting's first lines, read and expanded in the session process before the
// pre-auth worker is confined (it can open no file). None when unset or unreadable, as ProFTPD.
[[nodiscard]] std::vector<std::string> display_connect_lines(const config::Server& server,
                                                             const ftp::SessionSettings& settings,
                                                             std::string_view local_ip, std::string_view client_ip);

// <Limit> and the per-directory rules for one logged-in session.
[[nodiscard]] std::shared_ptr<const ftp::AccessPolicy> access_policy(const config::Server& server,
                                                                     const config::Context* anon,
                                                                     const ftp::SessionIdentity& identity,
                                                                     std::vector<std::string> group_names,
                                                                     std::string client_address);

// Which commands any ExecBeforeCommand/ExecOnCommand/ExecOnError of this server names (`root` is the
// configuration's root context, for <Global>).
[[nodiscard]] worker::HookInterest hook_interest(const config::Context& root, const config::Server& server);

// A group expression as DefaultRoot and ProFTPD's other directives take it: "a,!b" means in a and not in b.
[[nodiscard]] bool group_expression_matches(std::string_view expression, const std::vector<std::string>& groups);

// "~" and "~/x" against a home directory; other paths unchanged.
[[nodiscard]] std::string expand_home(std::string_view path, std::string_view home);
// DefaultRoot's "%u": the user's name (ProFTPD's login name after authentication); a name that could
// leave its parent directory is not substituted.
[[nodiscard]] std::string expand_user(std::string_view path, std::string_view user);

}  // namespace ward::daemon
