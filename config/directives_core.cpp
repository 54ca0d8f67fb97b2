// Directives of ProFTPD's core modules that wardftpd supports, with ProFTPD's contexts and grammar
// (doc/modules/mod_core.html, mod_auth.html, mod_xfer.html, mod_ls.html, mod_log.html, mod_ctrls.html).
#include <algorithm>

#include "base/strings.hpp"
#include "config/auth_modules.hpp"
#include "config/directive_tables.hpp"
#include "config/validators.hpp"
#include "config/values.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr const char* kNoTrace = "wardftpd has no trace channels; use -d N for debug logging";
constexpr const char* kNoScoreboard = "wardftpd keeps no scoreboard; see wardctl who";

// AllowForeignAddress: off is what wardftpd does; on (or a class) would let a session send data anywhere.
Problem foreign_address(std::string_view v) {
    if (parse_bool(v) == false) {
        return std::nullopt;
    }
    return str_cat("AllowForeignAddress ", v,
                   " is refused: wardftpd never connects a data channel to an address other than the client's "
                   "(FXP would let a client aim the server at third parties)");
}
constexpr std::uint64_t kMaxCount = 4'294'967'295;

ValueCheck any_value() { return {}; }

// "~", "~/sub" or an absolute path (DefaultRoot, DefaultChdir).
Problem root_dir(std::string_view v) {
    if (v == "~" || v.starts_with("~/") || v.starts_with('/')) {
        return std::nullopt;
    }
    return str_cat("'", v, "' must be ~, ~/path or an absolute path");
}

// A count, or none (MaxClients and friends).
Problem count_or_none(std::string_view v) {
    if (iequals(v, "none")) {
        return std::nullopt;
    }
    return number(v, 1, kMaxCount);
}

// An AuthOrder entry: a module wardftpd serves, optionally with ProFTPD's authoritative '*'.
Problem auth_module(std::string_view v) {
    if (auto entry = parse_auth_order_entry(v); !entry) {
        return std::move(entry).error().message;
    }
    return std::nullopt;
}

// A PAM service: the name of a file in /etc/pam.d.
Problem pam_service(std::string_view v) {
    const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
    if (v.empty() || v.size() > 64 || !plain || v.front() == '.') {
        return str_cat("'", v, "' is not a PAM service name (a file name in /etc/pam.d: letters, digits, - _ .)");
    }
    return std::nullopt;
}

// AuthPAMOptions: ProFTPD 1.3.8 knows NoTTY only, and refuses any other word.
Problem pam_option(std::string_view v) {
    if (iequals(v, "NoTTY")) {
        return std::nullopt;
    }
    return str_cat("unknown AuthPAMOption: '", v, "' (the only option is NoTTY)");
}

// Trace channel:level, level N or N-M.
Problem trace_spec(std::string_view v) {
    const auto colon = v.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return str_cat("'", v, "' must be channel:level");
    }
    if (identifier(v.substr(0, colon))) {
        return str_cat("'", v.substr(0, colon), "' is not a trace channel name");
    }
    const auto level = v.substr(colon + 1);
    const auto dash = level.find('-');
    const auto low = parse_unsigned<unsigned>(level.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : parse_unsigned<unsigned>(level.substr(dash + 1));
    if (!low || !high || *high > 20 || *low > *high) {
        return str_cat("'", level, "' is not a trace level (N or N-M, 0 to 20)");
    }
    return std::nullopt;
}

Problem controls_actions(std::string_view v) {
    for (const auto action : split(v, ',')) {
        if (identifier(action)) {
            return str_cat("'", action, "' is not a control action");
        }
    }
    return std::nullopt;
}

// HiddenStores on|off|prefix: a prefix is part of a file name in the upload's own folder.
Problem hidden_stores(std::string_view v) {
    if (parse_bool(v)) {
        return std::nullopt;
    }
    if (v.empty() || v.find('/') != std::string_view::npos) {
        return str_cat("expected on, off or a file name prefix without '/', not '", v, "'");
    }
    return std::nullopt;
}

// The HiddenStores suffix: a file name part; the only variable is %P (the session's process id).
Problem hidden_stores_suffix(std::string_view v) {
    if (v.empty() || v.find('/') != std::string_view::npos) {
        return str_cat("expected a file name suffix without '/', not '", v, "'");
    }
    for (std::size_t at = v.find('%'); at != std::string_view::npos; at = v.find('%', at + 2)) {
        if (v.substr(at, 2) != "%P") {
            return str_cat("'", v, "': the only variable a HiddenStores suffix may hold is %P");
        }
    }
    return std::nullopt;
}

Problem server_type(std::string_view v) {
    if (iequals(v, "standalone")) {
        return std::nullopt;
    }
    if (iequals(v, "inetd")) {
        return std::nullopt;  // one session on standard input (daemon/inetd_session.hpp)
    }
    return str_cat("expected standalone or inetd, not '", v, "'");
}

Problem list_options(std::string_view v) {
    if (v.empty() || (v.front() != '-' && v.front() != '+')) {
        return str_cat("'", v, "' must be ls-style options starting with - or +");
    }
    return std::nullopt;
}

Problem relative_or_absolute_path(std::string_view v) {
    if (v.empty() || v.find('\0') != std::string_view::npos) {
        return std::string("a path is required");
    }
    return std::nullopt;
}

// ListOptions "opts" [strict] [maxdepth N] [maxfiles N] [maxdirs N] [LISTOnly] [NLSTOnly] [NoErrorIfAbsent]
std::optional<ArgProblem> list_options_args(std::span<const std::string> args) {
    if (auto problem = list_options(args[0])) {
        return ArgProblem{0, *problem};
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto& word = args[i];
        if (iequals(word, "maxdepth") || iequals(word, "maxfiles") || iequals(word, "maxdirs")) {
            if (i + 1 >= args.size()) {
                return ArgProblem{i, str_cat(word, " needs a number")};
            }
            if (auto problem = number(args[i + 1], 1, kMaxCount)) {
                return ArgProblem{i + 1, *problem};
            }
            ++i;
            continue;
        }
        if (auto problem = one_of(word, {"strict", "LISTOnly", "NLSTOnly", "NoErrorIfAbsent", "SortedNLST"})) {
            return ArgProblem{i, *problem};
        }
    }
    return std::nullopt;
}

}  // namespace

DirectiveSpec make(const char* name, const char* module, ContextMask contexts, std::size_t min_args,
                   std::size_t max_args, std::string syntax, ArgValidator validate, bool repeat) {
    return DirectiveSpec{name, module, contexts, min_args, max_args, repeat, std::move(validate), std::move(syntax)};
}

DirectiveSpec no_effect(DirectiveSpec spec, std::string why, HonouredCheck honoured) {
    spec.status = Status::no_effect;
    spec.note = std::move(why);
    spec.honoured = std::move(honoured);
    return spec;
}

DirectiveSpec refused(DirectiveSpec spec, std::string why) {
    spec.status = Status::refused;
    spec.note = std::move(why);
    return spec;
}

DirectiveSpec last_wins(DirectiveSpec spec) {
    spec.precedence = Precedence::last;
    return spec;
}

HonouredCheck always() {
    return [](std::span<const std::string>) { return true; };
}

HonouredCheck when_flag(bool value) {
    return [value](std::span<const std::string> args) { return !args.empty() && parse_bool(args[0]) == value; };
}

void add_core(std::vector<DirectiveSpec>& out) {
    const auto flag = [](const char* name, const char* module, ContextMask ctx) {
        return make(name, module, ctx, 1, 1, str_cat(name, " on|off"), each(boolean_check()));
    };
    const auto seconds = [](const char* name, const char* module, ContextMask ctx) {
        return make(name, module, ctx, 1, 1, str_cat(name, " seconds|20m|1h|hh:mm:ss"), each(duration_check()));
    };
    const auto path = [](const char* name, const char* module, ContextMask ctx) {
        return make(name, module, ctx, 1, 1, str_cat(name, " /absolute/path"),
                    each([](std::string_view v) { return absolute_path(v); }));
    };
    const auto log_path = [](const char* name, const char* module, ContextMask ctx) {
        return make(name, module, ctx, 1, 1, str_cat(name, " /absolute/path|none"),
                    each([](std::string_view v) { return absolute_path_or_none(v); }));
    };
    const auto clients = [](const char* name, ContextMask ctx) {
        return make(name, "mod_auth.c", ctx, 1, 2, str_cat(name, " count|none [\"message\"]"),
                    positional({count_or_none, any_value()}));
    };

    // mod_core.c
    out.push_back(last_wins(make("ServerName", "mod_core.c", cx::server | cx::virtual_host, 1, 1, "ServerName \"name\"")));
    out.push_back(make("ServerType", "mod_core.c", cx::server, 1, 1, "ServerType standalone|inetd", each(server_type)));
    out.push_back(last_wins(make("Port", "mod_core.c", cx::servers, 1, 1, "Port number",
                                 each([](std::string_view v) { return port(v); }))));
    out.push_back(make("DefaultAddress", "mod_core.c", cx::server, 1, kAnyNumber, "DefaultAddress address [address...]",
                       each([](std::string_view v) { return address_or_host(v); })));
    out.push_back(flag("SocketBindTight", "mod_core.c", cx::server));
    out.push_back(flag("UseIPv6", "mod_core.c", cx::server));
    out.push_back(make("User", "mod_core.c", cx::servers_anon, 1, 1, "User name", each(identifier)));
    out.push_back(make("Group", "mod_core.c", cx::servers_anon, 1, 1, "Group name", each(identifier)));
    out.push_back(make("Umask", "mod_core.c", cx::servers_anon_dir, 1, 2, "Umask octal [directory-octal]",
                       each([](std::string_view v) { return octal_mode(v); })));
    out.push_back(make("AuthOrder", "mod_core.c", cx::servers, 1, kAnyNumber, "AuthOrder mod_x.c [mod_y.c...]",
                       each(auth_module)));
    out.push_back(make("MaxInstances", "mod_core.c", cx::server, 1, 1, "MaxInstances count",
                       each(number_check(1, kMaxCount))));
    out.push_back(make("MaxConnectionRate", "mod_core.c", cx::server, 1, 2, "MaxConnectionRate count [seconds]",
                       each(number_check(1, kMaxCount))));
    out.push_back(make("PassivePorts", "mod_core.c", cx::servers, 2, 2, "PassivePorts first last",
                       [](std::span<const std::string> args) -> std::optional<ArgProblem> {
                           for (std::size_t i = 0; i < 2; ++i) {
                               if (auto problem = number(args[i], 1024, 65535)) {
                                   return ArgProblem{i, str_cat(*problem, " (passive ports must be above 1023)")};
                               }
                           }
                           if (*parse_unsigned<unsigned>(args[0]) > *parse_unsigned<unsigned>(args[1])) {
                               return ArgProblem{0, str_cat("the first port (", args[0],
                                                            ") must not be above the last (", args[1], ")")};
                           }
                           return std::nullopt;
                       }));
    out.push_back(make("MasqueradeAddress", "mod_core.c", cx::server | cx::virtual_host, 1, 1,
                       "MasqueradeAddress address", each([](std::string_view v) { return address_or_host(v); })));
    out.push_back(seconds("TimeoutIdle", "mod_core.c", cx::servers_anon));
    out.push_back(flag("AllowOverwrite", "mod_xfer.c", cx::servers_anon_dir));
    // regex [flags]: ProFTPD's only flag is [NC] (or [nocase]), a case-insensitive match.
    const auto filter = [](const char* name, ContextMask where) {
        return make(name, "mod_core.c", where, 1, 2, str_cat(name, " regex [[NC]]"),
                    positional({[](std::string_view v) { return regex(v); }, words_check({"[NC]", "[nocase]"})}));
    };
    out.push_back(filter("AllowFilter", cx::servers_anon_dir | cx::limit));
    out.push_back(filter("DenyFilter", cx::servers_anon_dir | cx::limit));
    out.push_back(filter("PathAllowFilter", cx::servers_anon_dir));
    out.push_back(filter("PathDenyFilter", cx::servers_anon_dir));
    out.push_back(make("ServerIdent", "mod_core.c", cx::servers, 1, 2, "ServerIdent on|off [\"text\"]",
                       positional({boolean_check(), any_value()})));
    out.push_back(no_effect(path("TraceLog", "mod_core.c", cx::server), kNoTrace));
    out.push_back(no_effect(make("Trace", "mod_core.c", cx::server, 1, kAnyNumber, "Trace channel:level [channel:level...]",
                       each(trace_spec), true), kNoTrace));
    out.push_back(path("PidFile", "mod_core.c", cx::server));
    out.push_back(no_effect(path("ScoreboardFile", "mod_core.c", cx::server), kNoScoreboard));
    out.push_back(no_effect(flag("UseReverseDNS", "mod_core.c", cx::server),
                           "wardftpd does no reverse DNS lookups: clients are known by address, and host names in "
                           "Allow/Deny and <Class> From rules never match",
                           when_flag(false)));
    out.push_back(no_effect(make("IdentLookups", "mod_core.c", cx::servers, 1, 1, "IdentLookups on|off",
                                each(boolean_check())),
                           "wardftpd does no RFC 1413 ident lookups", when_flag(false)));
    out.push_back(no_effect(flag("DeferWelcome", "mod_core.c", cx::servers),
                           "the greeting is ServerIdent's text whether or not the client has logged in",
                           when_flag(false)));
    out.push_back(flag("DefaultServer", "mod_core.c", cx::server | cx::virtual_host));
    out.push_back(no_effect(flag("MultilineRFC2228", "mod_core.c", cx::servers),
                           "multi-line replies are always written in RFC 959's form"));
    out.push_back(no_effect(make("AllowForeignAddress", "mod_core.c", cx::servers_anon, 1, 1,
                                "AllowForeignAddress off", each(foreign_address)),
                           "PORT and EPRT to an address other than the client's are always refused (no FXP)",
                           always()));
    out.push_back(make("DisplayChdir", "mod_core.c", cx::servers_anon_dir, 1, 2, "DisplayChdir path [on|off]",
                       positional({relative_or_absolute_path, boolean_check()})));
    out.push_back(make("DisplayConnect", "mod_core.c", cx::servers, 1, 1, "DisplayConnect path",
                       each(relative_or_absolute_path)));
    out.push_back(make("DisplayQuit", "mod_core.c", cx::servers_anon, 1, 1, "DisplayQuit path",
                       each(relative_or_absolute_path)));

    // mod_xfer.c
    out.push_back(flag("AllowStoreRestart", "mod_xfer.c", cx::servers_anon_dir));
    out.push_back(flag("AllowRetrieveRestart", "mod_xfer.c", cx::servers_anon_dir));
    out.push_back(make("HiddenStores", "mod_xfer.c", cx::servers_anon_dir, 1, 2, "HiddenStores on|off|prefix [suffix]",
                       positional({hidden_stores, hidden_stores_suffix})));
    out.push_back(seconds("TimeoutNoTransfer", "mod_xfer.c", cx::servers_anon));
    out.push_back(seconds("TimeoutStalled", "mod_xfer.c", cx::servers_anon));
    out.push_back(log_path("TransferLog", "mod_core.c", cx::servers_anon));

    // mod_auth_unix.c, mod_auth_file.c
    out.push_back(flag("UseFtpUsers", "mod_auth.c", cx::servers_anon));
    out.push_back(path("AuthUserFile", "mod_auth_file.c", cx::servers));
    out.push_back(path("AuthGroupFile", "mod_auth_file.c", cx::servers));

    // mod_auth_pam.c (ProFTPD reads all three from the server's own context)
    out.push_back(flag("AuthPAM", "mod_auth_pam.c", cx::servers));
    out.push_back(last_wins(make("AuthPAMConfig", "mod_auth_pam.c", cx::servers, 1, 1, "AuthPAMConfig service",
                                 each(pam_service))));
    out.push_back(make("AuthPAMOptions", "mod_auth_pam.c", cx::servers, 1, kAnyNumber, "AuthPAMOptions NoTTY",
                       each(pam_option)));
    // wardftpd's own: how long the per-attempt PAM helper may take before it is killed (ProFTPD runs PAM
    // in the session process and has no such bound).
    out.push_back(last_wins(make("AuthPAMTimeout", "mod_auth_pam.c", cx::servers, 1, 1, "AuthPAMTimeout seconds",
                                 each(number_check(1, 300)))));

    // mod_auth.c
    out.push_back(make("DefaultRoot", "mod_auth.c", cx::servers, 1, 2, "DefaultRoot ~|/path [group-expression]",
                       positional({root_dir, name_list}), true));
    out.push_back(make("DefaultChdir", "mod_auth.c", cx::servers_anon, 1, 2,
                       "DefaultChdir ~|/path [group-expression]", positional({root_dir, name_list}), true));
    out.push_back(flag("RequireValidShell", "mod_auth.c", cx::servers_anon));
    out.push_back(flag("RootLogin", "mod_auth.c", cx::servers_anon));
    out.push_back(make("UserAlias", "mod_auth.c", cx::servers_anon, 2, 2, "UserAlias alias user", each(identifier),
                       true));
    out.push_back(clients("MaxClients", cx::servers_anon));
    out.push_back(clients("MaxClientsPerHost", cx::servers_anon));
    out.push_back(clients("MaxClientsPerUser", cx::servers_anon));
    out.push_back(clients("MaxHostsPerUser", cx::servers_anon));
    out.push_back(clients("MaxConnectionsPerHost", cx::servers));
    out.push_back(make("MaxLoginAttempts", "mod_auth.c", cx::servers, 1, 1, "MaxLoginAttempts count",
                       each(number_check(1, kMaxCount))));
    out.push_back(seconds("TimeoutLogin", "mod_auth.c", cx::servers));
    out.push_back(make("DisplayLogin", "mod_auth.c", cx::servers_anon, 1, 1, "DisplayLogin path",
                       each(relative_or_absolute_path)));

    // mod_ls.c
    out.push_back(flag("ShowSymlinks", "mod_ls.c", cx::servers_anon_dir));
    out.push_back(make("DirFakeUser", "mod_ls.c", cx::servers_anon_dir, 1, 2, "DirFakeUser on|off [name|~]",
                       positional({boolean_check()}, ValueCheck{})));
    out.push_back(make("DirFakeGroup", "mod_ls.c", cx::servers_anon_dir, 1, 2, "DirFakeGroup on|off [name|~]",
                       positional({boolean_check()}, ValueCheck{})));
    out.push_back(make("DirFakeMode", "mod_ls.c", cx::servers_anon_dir, 1, 1, "DirFakeMode octal",
                       each([](std::string_view v) { return octal_mode(v); })));
    out.push_back(make("ListOptions", "mod_ls.c", cx::servers_anon_dir, 1, kAnyNumber,
                       "ListOptions \"-options\" [strict] [maxdepth N] [maxfiles N] [maxdirs N]", list_options_args));

    // mod_log.c
    out.push_back(log_path("SystemLog", "mod_log.c", cx::server));

    // mod_ctrls.c
    out.push_back(flag("ControlsEngine", "mod_ctrls.c", cx::server));
    out.push_back(path("ControlsSocket", "mod_ctrls.c", cx::server));
    out.push_back(no_effect(path("ControlsLog", "mod_ctrls.c", cx::server),
                           "control requests are logged to SystemLog (or syslog), not to a file of their own"));
    out.push_back(no_effect(make("ControlsMaxClients", "mod_ctrls.c", cx::server, 1, 1, "ControlsMaxClients count",
                                each(number_check(1, kMaxCount))),
                           "the control socket serves one request at a time"));
    out.push_back(no_effect(make("ControlsInterval", "mod_ctrls.c", cx::server, 1, 1, "ControlsInterval seconds",
                                each(duration_check())),
                           "control requests are answered as they arrive, not polled"));
    out.push_back(no_effect(make("ControlsACLs", "mod_ctrls.c", cx::server, 4, 4, "ControlsACLs actions|all allow|deny user|group list",
                       positional({controls_actions, words_check({"allow", "deny"}), words_check({"user", "group"}),
                                   name_list}),
                                true),
                           "the control socket serves none of mod_ctrls' own actions (help, insctrl, lsctrl, rmctrl); "
                           "who may use insmod, lsmod and rmmod is ModuleControlsACLs"));
}

}  // namespace ward::config::tables
