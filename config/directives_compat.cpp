// The rest of the directives of the modules wardftpd lists (ProFTPD 1.3.8's conftables, doc/modules/*.html):
// each is accepted with ProFTPD's grammar and contexts, and is either of no effect here (a warning at -t and
// start-up says why, unless the arguments ask for what wardftpd does anyway) or refused, where ProFTPD's
// meaning would leave a restriction unenforced or weaken a security property.
#include "base/strings.hpp"
#include "config/directive_tables.hpp"
#include "config/validators.hpp"
#include "config/values.hpp"

namespace ward::config::tables {
namespace {

using namespace ward::config::check;  // NOLINT(google-build-using-namespace): the table reads as prose
namespace cx = contexts;

constexpr ContextMask kAll = cx::servers_anon_dir;
constexpr std::uint64_t kMaxCount = 4'294'967'295;

ArgValidator flags() { return each(boolean_check()); }
ArgValidator durations() { return each(duration_check()); }
ArgValidator any() { return {}; }

DirectiveSpec flag(const char* name, const char* module, ContextMask ctx) {
    return make(name, module, ctx, 1, 1, str_cat(name, " on|off"), flags());
}
DirectiveSpec words(const char* name, const char* module, ContextMask ctx, std::size_t min, std::size_t max,
                    const char* syntax, bool repeat = false) {
    return make(name, module, ctx, min, max, syntax, any(), repeat);
}

// Protocols: wardftpd serves ftp only; a list without ftp would refuse every session in ProFTPD.
std::optional<ArgProblem> protocols(std::span<const std::string> args) {
    for (const auto& arg : args) {
        for (const auto word : split(arg, ',')) {
            if (iequals(word, "ftp")) {
                return std::nullopt;
            }
        }
    }
    return ArgProblem{0, "wardftpd serves only ftp; a Protocols list without ftp would refuse every session here"};
}

// A flag where only one value is what wardftpd does; the other would leave a restriction unenforced.
ArgValidator only(bool allowed, std::string why) {
    return [allowed, why = std::move(why)](std::span<const std::string> args) -> std::optional<ArgProblem> {
        const auto value = parse_bool(args[0]);
        if (!value) {
            return ArgProblem{0, str_cat("expected on or off, not '", args[0], "'")};
        }
        if (*value != allowed) {
            return ArgProblem{0, str_cat(args[0], " is refused: ", why)};
        }
        return std::nullopt;
    };
}

// RLimitCPU|RLimitMemory|RLimitOpenFiles [daemon|session] soft|max [hard|max]
std::optional<ArgProblem> rlimit(std::span<const std::string> args) {
    std::size_t i = 0;
    if (iequals(args[0], "daemon") || iequals(args[0], "session")) {
        i = 1;
    }
    if (i >= args.size()) {
        return ArgProblem{args.size(), "a limit is required"};
    }
    for (; i < args.size(); ++i) {
        const std::string_view v = args[i];
        std::string_view digits = v;
        if (!digits.empty() && (digits.back() == 'K' || digits.back() == 'M' || digits.back() == 'G' ||
                                digits.back() == 'k' || digits.back() == 'm' || digits.back() == 'g')) {
            digits.remove_suffix(1);
        }
        if (!iequals(v, "max") && !parse_unsigned<std::uint64_t>(digits)) {
            return ArgProblem{i, str_cat("'", v, "' is not a limit (a number, optionally with K, M or G, or max)")};
        }
    }
    return std::nullopt;
}

// HideFiles [!]regex|none [user|group expression]: one argument, or three (ProFTPD's set_hidefiles).
std::optional<ArgProblem> hide_files(std::span<const std::string> args) {
    if (args.size() == 2) {
        return ArgProblem{1, "HideFiles takes a pattern, optionally followed by user|group and an expression"};
    }
    const std::string_view pattern = args[0];
    if (!iequals(pattern, "none")) {
        if (auto problem = regex(pattern.starts_with('!') ? pattern.substr(1) : pattern)) {
            return ArgProblem{0, std::move(*problem)};
        }
    }
    if (args.size() == 3) {
        if (iequals(args[1], "class")) {
            return ArgProblem{1, "a class qualifier is refused: wardftpd cannot tell a session's class here, so the "
                                 "rule could not be applied as written"};
        }
        if (!iequals(args[1], "user") && !iequals(args[1], "group")) {
            return ArgProblem{1, str_cat("unknown classifier '", args[1], "' (user or group)")};
        }
        if (auto problem = name_list(args[2])) {
            return ArgProblem{2, std::move(*problem)};
        }
    }
    return std::nullopt;
}

void add_core_rest(std::vector<DirectiveSpec>& out) {
    const char* core = "mod_core.c";
    out.push_back(no_effect(flag("AllowOverride", core, kAll),
                            "wardftpd never reads .ftpaccess files; put those rules in the configuration",
                            when_flag(false)));
    out.push_back(no_effect(words("CDPath", core, cx::servers_anon, 1, 1, "CDPath /path", true),
                            "CWD does not search other directories"));
    out.push_back(no_effect(make("CommandBufferSize", core, cx::servers, 1, 1, "CommandBufferSize bytes",
                                 each(number_check(1, kMaxCount))),
                            "a command line is at most 512 bytes plus its end, as RFC 959 allows"));
    out.push_back(no_effect(make("DebugLevel", core, cx::server, 1, 1, "DebugLevel 0-10", each(number_check(0, 10))),
                            "the debug level is set with -d N"));
    out.push_back(words("Define", core, kAll, 1, 1, "Define NAME", true));
    out.push_back(no_effect(words("FSCachePolicy", core, cx::servers, 1, kAnyNumber, "FSCachePolicy on|off [...]"),
                            "wardftpd keeps no stat cache"));
    out.push_back(no_effect(words("FSOptions", core, cx::servers, 1, kAnyNumber, "FSOptions option [...]"),
                            "filesystem behaviour is fixed"));
    out.push_back(no_effect(words("GroupOwner", core, cx::anonymous | cx::directory, 1, 1, "GroupOwner group"),
                            "new files keep the session's group: the post-login worker holds no CAP_CHOWN"));
    out.push_back(no_effect(words("UserOwner", core, cx::anonymous | cx::directory, 1, 1, "UserOwner user"),
                            "new files keep the session's owner: the post-login worker holds no CAP_CHOWN"));
    // Implemented: listings leave hidden entries out, and IgnoreHidden in a <Limit> makes them look absent.
    out.push_back(make("HideFiles", core, cx::directory, 1, 3, "HideFiles [!]regex|none [user|group expression]",
                       hide_files, true));
    out.push_back(words("HideGroup", core, cx::anonymous | cx::directory, 1, 1, "HideGroup [!]group|~", true));
    out.push_back(words("HideUser", core, cx::anonymous | cx::directory, 1, 1, "HideUser [!]user|~", true));
    out.push_back(flag("HideNoAccess", core, cx::anonymous | cx::directory));
    out.push_back(no_effect(words("IncludeOptions", core, cx::server, 1, kAnyNumber, "IncludeOptions option [...]"),
                            "Include always reads every file it names, in name order"));
    out.push_back(no_effect(words("MaxCommandRate", core, cx::servers, 1, 2, "MaxCommandRate count [secs]"),
                            "commands are not rate-limited; the session's timeouts and limits apply"));
    out.push_back(no_effect(words("ProcessTitles", core, cx::server, 1, 1, "ProcessTitles terse|verbose"),
                            "process titles are fixed (wardftpd: master, monitor, worker)"));
    out.push_back(no_effect(make("Protocols", core, cx::servers, 1, kAnyNumber, "Protocols ftp [...]", protocols),
                            "wardftpd serves ftp only", always()));
    out.push_back(no_effect(words("RegexOptions", core, cx::servers, 1, kAnyNumber, "RegexOptions option [...]"),
                            "regular expressions are POSIX extended with fixed limits"));
    out.push_back(no_effect(words("ScoreboardMutex", core, cx::server, 1, 1, "ScoreboardMutex /path"),
                            "wardftpd keeps no scoreboard; see wardctl who"));
    out.push_back(no_effect(words("ScoreboardScrub", core, cx::server, 1, 2, "ScoreboardScrub on|off [seconds]"),
                            "wardftpd keeps no scoreboard; see wardctl who"));
    out.push_back(words("ServerAdmin", core, cx::server | cx::virtual_host, 1, 1, "ServerAdmin address"));
    out.push_back(no_effect(words("ServerAlias", core, cx::virtual_host, 1, kAnyNumber, "ServerAlias name [...]", true),
                            "there is no HOST command yet: a <VirtualHost> is chosen by address and port only"));
    const char* environment = "wardftpd does not change its environment from the configuration; hook programs get "
                              "ExecEnviron's variables";
    out.push_back(no_effect(words("SetEnv", core, cx::servers, 2, 2, "SetEnv NAME value", true), environment));
    out.push_back(no_effect(words("UnsetEnv", core, cx::servers, 1, 1, "UnsetEnv NAME", true), environment));
    out.push_back(no_effect(words("SocketOptions", core, cx::server | cx::virtual_host, 1, kAnyNumber,
                                  "SocketOptions option value [...]"),
                            "socket buffer sizes and keepalive are the kernel's defaults"));
    out.push_back(no_effect(words("SyslogFacility", core, cx::server, 1, 1, "SyslogFacility facility"),
                            "syslog messages use the daemon facility"));
    out.push_back(no_effect(words("SyslogLevel", core, cx::servers, 1, 1, "SyslogLevel level"),
                            "every notice and above is logged; use -d N for more"));
    out.push_back(no_effect(make("TimeoutLinger", core, cx::servers, 1, 1, "TimeoutLinger seconds|20m|1h",
                                 durations()),
                            "a data connection is closed at once when its transfer ends or is aborted"));
    out.push_back(no_effect(flag("TimesGMT", core, cx::servers), "listings always show times in UTC",
                            when_flag(true)));
    out.push_back(no_effect(words("TraceOptions", core, cx::server, 1, kAnyNumber, "TraceOptions option [...]"),
                            "wardftpd has no trace channels; use -d N for debug logging"));
    out.push_back(no_effect(make("TCPBackLog", core, cx::server, 1, 1, "TCPBackLog count",
                                 each(number_check(1, kMaxCount))),
                            "the listen backlog is fixed"));
    out.push_back(no_effect(flag("TCPNoDelay", core, cx::servers), "TCP_NODELAY is set on control connections",
                            when_flag(true)));
}

void add_xfer_rest(std::vector<DirectiveSpec>& out) {
    const char* xfer = "mod_xfer.c";
    out.push_back(no_effect(words("DefaultTransferMode", xfer, cx::servers_anon, 1, 1, "DefaultTransferMode ascii|binary"),
                            "the transfer type is what the client's TYPE says (ASCII until it says otherwise)"));
    out.push_back(flag("DeleteAbortedStores", xfer, kAll));
    out.push_back(no_effect(words("DisplayFileTransfer", xfer, cx::servers_anon, 1, 1, "DisplayFileTransfer path"),
                            "wardftpd shows no message files"));
    const char* sizes = "file sizes are not limited by wardftpd; use a filesystem quota";
    out.push_back(no_effect(words("MaxRetrieveFileSize", xfer, kAll, 1, 4, "MaxRetrieveFileSize size [units] [expr]"),
                            sizes));
    out.push_back(no_effect(words("MaxStoreFileSize", xfer, kAll, 1, 4, "MaxStoreFileSize size [units] [expr]"), sizes));
    const char* transfers = "concurrent transfers are not counted per user or host; MaxClients limits sessions";
    out.push_back(no_effect(words("MaxTransfersPerHost", xfer, kAll, 2, 3, "MaxTransfersPerHost cmds count [msg]"),
                            transfers));
    out.push_back(no_effect(words("MaxTransfersPerUser", xfer, kAll, 2, 3, "MaxTransfersPerUser cmds count [msg]"),
                            transfers));
    out.push_back(no_effect(words("StoreUniquePrefix", xfer, kAll, 1, 1, "StoreUniquePrefix prefix"),
                            "STOU names are chosen by wardftpd"));
    out.push_back(no_effect(words("TransferOptions", xfer, cx::servers_anon, 1, kAnyNumber, "TransferOptions option [...]"),
                            "transfer behaviour is fixed"));
    out.push_back(no_effect(words("TransferRate", xfer, kAll, 2, 4, "TransferRate cmds kbps[:free-bytes] [expr]", true),
                            "wardftpd does not throttle transfers"));
    out.push_back(no_effect(flag("UseSendfile", xfer, kAll), "downloads use sendfile(2) where they can",
                            when_flag(true)));
}

void add_auth_rest(std::vector<DirectiveSpec>& out) {
    const char* auth = "mod_auth.c";
    out.push_back(no_effect(words("AuthUnixOptions", "mod_auth_unix.c", cx::servers, 1, kAnyNumber,
                                  "AuthUnixOptions option [...]"),
                            "system accounts are read through NSS with fixed options"));
    out.push_back(no_effect(flag("PersistentPasswd", "mod_auth_unix.c", cx::server),
                            "account files are read through NSS (or AuthUserFile) when needed"));
    out.push_back(no_effect(words("AuthFileOptions", "mod_auth_file.c", cx::servers, 1, kAnyNumber,
                                  "AuthFileOptions option [...]"),
                            "AuthUserFile and AuthGroupFile are always checked strictly"));
    out.push_back(words("AccessDenyMsg", auth, cx::servers_anon, 1, 1, "AccessDenyMsg \"text\""));
    out.push_back(words("AccessGrantMsg", auth, cx::servers_anon, 1, 1, "AccessGrantMsg \"text\""));
    out.push_back(no_effect(flag("AllowChrootSymlinks", auth, cx::servers),
                            "DefaultRoot is entered through its real path", when_flag(true)));
    out.push_back(no_effect(flag("AllowEmptyPasswords", auth, cx::servers_anon),
                            "an account with an empty password hash never logs in", when_flag(false)));
    out.push_back(no_effect(flag("AnonAllowRobots", auth, cx::servers_anon),
                            "wardftpd serves no robots.txt of its own", when_flag(false)));
    out.push_back(no_effect(make("AnonRequirePassword", auth, cx::anonymous, 1, 1, "AnonRequirePassword off",
                                 only(false, "wardftpd does not check an <Anonymous> account's real password; an "
                                             "anonymous login would be let in without it")),
                            "an <Anonymous> login takes any password", always()));
    out.push_back(refused(words("AnonRejectPasswords", auth, cx::anonymous, 1, 2, "AnonRejectPasswords regex [flags]"),
                          "anonymous passwords are not matched against it yet, so the rejection would not be "
                          "enforced"));
    out.push_back(no_effect(make("AuthAliasOnly", auth, cx::servers_anon, 1, 1, "AuthAliasOnly off",
                                 only(false, "logins by real user name are not refused yet, so the restriction "
                                             "would not be enforced")),
                            "logins by real name and by UserAlias are both accepted", always()));
    out.push_back(no_effect(flag("AuthUsingAlias", auth, cx::anonymous),
                            "an aliased login authenticates as the real user", when_flag(false)));
    out.push_back(no_effect(words("CreateHome", auth, cx::servers, 1, kAnyNumber, "CreateHome on|off [mode] [...]"),
                            "home directories are never created (the monitor creates nothing for a login)",
                            when_flag(false)));
    out.push_back(no_effect(make("MaxPasswordSize", auth, cx::servers, 1, 1, "MaxPasswordSize bytes",
                                 each(number_check(1, kMaxCount))),
                            "a password is bounded by the command line limit (512 bytes)"));
    out.push_back(no_effect(flag("RewriteHome", auth, cx::servers), "home directories are used as the account gives them",
                            when_flag(false)));
    out.push_back(no_effect(flag("RootRevoke", auth, cx::servers_anon),
                            "no session process ever keeps root, so root is always revoked", when_flag(true)));
    out.push_back(no_effect(make("TimeoutSession", auth, cx::servers_anon, 1, 2, "TimeoutSession seconds [expr]",
                                 positional({duration_check()}, ValueCheck{})),
                            "sessions have no overall time limit; TimeoutIdle and the transfer timeouts apply"));
    out.push_back(no_effect(flag("UseLastlog", auth, cx::servers), "wardftpd writes no lastlog records",
                            when_flag(false)));
    out.push_back(no_effect(flag("UserDirRoot", auth, cx::anonymous), "an <Anonymous> session is rooted at its path",
                            when_flag(false)));
    out.push_back(no_effect(words("UserPassword", auth, cx::servers_anon, 2, 2, "UserPassword user hash", true),
                            "passwords come from the system or AuthUserFile only; this one is never accepted"));
    out.push_back(no_effect(flag("WtmpLog", auth, cx::servers_anon),
                            "wardftpd writes no wtmp records; logins are logged to SystemLog (or syslog)",
                            when_flag(false)));
}

void add_ls_log_ctrls_rest(std::vector<DirectiveSpec>& out) {
    const char* ls = "mod_ls.c";
    out.push_back(no_effect(words("ListStyle", ls, cx::servers_anon_dir, 1, 1, "ListStyle Unix|Windows"),
                            "listings are in the Unix style", [](std::span<const std::string> args) {
                                return iequals(args[0], "Unix");
                            }));
    out.push_back(no_effect(words("UseGlobbing", ls, cx::servers_anon, 1, 1, "UseGlobbing on|off"),
                            "LIST and NLST do not expand wildcards", when_flag(false)));

    const char* log = "mod_log.c";
    out.push_back(no_effect(make("AllowLogSymlinks", log, cx::servers, 1, 1, "AllowLogSymlinks off",
                                 only(false, "log files are opened with O_NOFOLLOW; a symlink could point a "
                                             "root-opened log at any file")),
                            "log files are never opened through a symlink", always()));
    const char* extended = "wardftpd writes SystemLog and TransferLog (xferlog format) only";
    out.push_back(no_effect(words("ExtendedLog", log, cx::servers_anon, 1, 3, "ExtendedLog /path [classes [format]]",
                                  true),
                            extended));
    out.push_back(no_effect(words("LogFormat", log, cx::server, 2, 2, "LogFormat name \"format\"", true), extended));
    out.push_back(no_effect(words("LogOptions", log, cx::servers, 1, kAnyNumber, "LogOptions option [...]"),
                            "the log line format is fixed"));
    out.push_back(no_effect(words("ServerLog", log, cx::server | cx::virtual_host, 1, 1, "ServerLog /path|none"),
                            "every server logs to SystemLog (or syslog)"));

    const char* ctrls = "mod_ctrls.c";
    out.push_back(no_effect(words("ControlsAuthFreshness", ctrls, cx::server, 1, 1, "ControlsAuthFreshness seconds"),
                            "control clients are identified by SO_PEERCRED, not by a credentials file"));
    out.push_back(no_effect(words("ControlsSocketACL", ctrls, cx::server, 2, 2, "ControlsSocketACL allow|deny list"),
                            "who may use the control socket is decided by ModuleControlsACLs on SO_PEERCRED, and "
                            "the socket's mode follows those rules"));
    out.push_back(no_effect(words("ControlsSocketOwner", ctrls, cx::server, 1, 2, "ControlsSocketOwner user [group]"),
                            "the control socket is owned by the daemon's user"));
}

void add_listed_modules(std::vector<DirectiveSpec>& out) {
    const char* rl = "mod_rlimit.c";
    const char* rlimits = "wardftpd does not apply these resource limits; each session's monitor bounds what its "
                          "worker may do";
    out.push_back(no_effect(flag("RLimitChroot", rl, cx::servers),
                            "a chrooted worker cannot write /etc or /lib at all, which is what this guards",
                            when_flag(true)));
    out.push_back(no_effect(make("RLimitCPU", rl, cx::servers, 1, 3, "RLimitCPU [daemon|session] soft [hard]",
                                 rlimit, true),
                            rlimits));
    out.push_back(no_effect(make("RLimitMemory", rl, cx::servers, 1, 3,
                                 "RLimitMemory [daemon|session] soft [hard]", rlimit, true),
                            rlimits));
    out.push_back(no_effect(make("RLimitOpenFiles", rl, cx::servers, 1, 3,
                                 "RLimitOpenFiles [daemon|session] soft [hard]", rlimit, true),
                            rlimits));

    const char* delay = "mod_delay.c";
    const char* no_delay = "wardftpd does not pad login replies to a fixed time";
    out.push_back(no_effect(flag("DelayEngine", delay, cx::servers), no_delay, when_flag(false)));
    out.push_back(no_effect(words("DelayControlsACLs", delay, cx::server, 4, 4,
                                  "DelayControlsACLs actions|all allow|deny user|group list", true),
                            no_delay));
    out.push_back(no_effect(words("DelayOnEvent", delay, cx::servers, 2, 2, "DelayOnEvent event ms", true), no_delay));
    out.push_back(no_effect(words("DelayTable", delay, cx::server, 1, 1, "DelayTable /path|none"), no_delay));

    const char* facts = "mod_facts.c";
    const char* fixed_facts = "MLSD and MLST give a fixed set of facts";
    out.push_back(no_effect(flag("FactsAdvertise", facts, cx::servers_anon), fixed_facts, when_flag(true)));
    out.push_back(no_effect(words("FactsDefault", facts, cx::servers_anon, 1, kAnyNumber, "FactsDefault fact [...]"),
                            fixed_facts));
    out.push_back(no_effect(words("FactsOptions", facts, cx::servers_anon, 1, kAnyNumber, "FactsOptions option [...]"),
                            fixed_facts));

    const char* lang = "mod_lang.c";
    const char* no_lang = "replies are in English only";
    out.push_back(no_effect(words("LangDefault", lang, cx::servers, 1, 1, "LangDefault language"), no_lang));
    out.push_back(no_effect(flag("LangEngine", lang, cx::servers), no_lang, when_flag(false)));
    out.push_back(no_effect(words("LangOptions", lang, cx::servers, 1, kAnyNumber, "LangOptions option [...]"),
                            no_lang));
    out.push_back(no_effect(words("LangPath", lang, cx::server, 1, 1, "LangPath /path"), no_lang));
    out.push_back(no_effect(words("UseEncoding", lang, cx::servers_anon, 1, 2, "UseEncoding on|off|local remote"),
                            "paths are passed through as bytes, without charset conversion", when_flag(false)));
}

}  // namespace

void add_compat(std::vector<DirectiveSpec>& out) {
    add_core_rest(out);
    add_xfer_rest(out);
    add_auth_rest(out);
    add_ls_log_ctrls_rest(out);
    add_listed_modules(out);
}

}  // namespace ward::config::tables
