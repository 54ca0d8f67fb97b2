#pragma once
// What the configuration decides for one FTP session, as plain data the protocol layer reads. The daemon
// fills it from the config model (daemon/session_config.cpp); tests fill it by hand.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace ward::ftp {

class SessionExtensions;

struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};

struct Timeouts {  // zero means no limit, as in ProFTPD
    std::chrono::seconds idle{600};         // TimeoutIdle
    std::chrono::seconds login{300};        // TimeoutLogin
    std::chrono::seconds no_transfer{300};  // TimeoutNoTransfer
    std::chrono::seconds stalled{3600};     // TimeoutStalled
};

// FTPS after login: the post-auth worker's control connection is the plain end of the pre-auth worker's
// TLS relay (daemon/tls/control_relay.hpp), an AF_UNIX socket; these are the endpoints of the TCP connection
// it stands for (PASV's address, the PORT/EPRT checks).
struct RelayedControl {
    std::string local_address;
    std::string peer_address;
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;
};

// A regex filter as configured (AllowFilter, DenyFilter, PathAllowFilter, PathDenyFilter outside <Limit>):
// a POSIX extended regex and its "[NC]" flag. An empty pattern: no filter.
struct TextFilter {
    std::string pattern;
    bool ignore_case = false;
};

struct SessionSettings {
    std::string server_name = "wardftpd";  // ServerName (%v)
    std::string banner = "wardftpd Server ready.";  // the 220 text, from ServerIdent
    Timeouts timeouts;
    std::optional<PortRange> passive_ports;         // PassivePorts; none = any ephemeral port
    std::optional<std::string> masquerade_address;  // MasqueradeAddress, an IPv4 literal for PASV
    // AllowFilter/DenyFilter of the server (or <Anonymous>) for commands before login; after it, PathRules'.
    TextFilter allow_filter;
    TextFilter deny_filter;
    std::string display_login;     // DisplayLogin file, read after login as the user; empty = none
    std::string server_admin;      // ServerAdmin (%E in display files); ProFTPD's default: root@ the server
    std::string access_grant_msg;  // AccessGrantMsg: the 230 text ("%u" the login name); empty = ours
    std::string default_chdir;     // DefaultChdir, as the session sees it; empty = start in the home
    std::string display_quit;      // DisplayQuit file, read at QUIT after login; empty = none
    std::string display_chdir;     // DisplayChdir file, relative to the directory entered; empty = none
    // DisplayConnect's lines, read and expanded before the pre-auth worker is confined (it cannot open files).
    std::vector<std::string> connect_lines;
    std::vector<std::string> disabled_commands;      // verbs of built-in modules removed by rmmod/ModuleOrder
    std::shared_ptr<SessionExtensions> extensions;   // loaded modules (post-auth workers only); may be null
    // The client as the monitor names it, when that is not the control socket's peer: the one a trusted
    // proxy's PROXY header named (ProxyProtocolEngine). Empty = the peer.
    std::string client_address;
    // FTPS (mod_tls): the worker's TLS context (its key signs through the monitor; daemon/tls/). Null: AUTH,
    // PBSZ, PROT and CCC are not understood and FEAT does not offer them, as ProFTPD with TLSEngine off.
    std::shared_ptr<boost::asio::ssl::context> tls;
    // Set in a post-auth worker whose control connection is under TLS: the relay holds the TLS.
    std::optional<RelayedControl> relayed_control;
    // Numbers and flags last: fewer padding bytes.
    unsigned max_login_attempts = 3;  // MaxLoginAttempts (enforced by the host; the worker words replies)
    std::uint16_t client_port = 0;    // with client_address; 0 = the peer's
    bool sole_server = true;  // no <VirtualHost>: HOST accepts any name (RFC 7151 section 3.2)
    bool display_chdir_once = false;  // DisplayChdir's second argument: once per directory and session
    bool transfer_log = false;     // TransferLog (xferlog format): SessionHost::log_transfer gets each line
    bool show_symlinks = true;     // ShowSymlinks
    bool tls_engine = false;         // TLSEngine on: PBSZ, PROT and CCC are understood (also after login)
    bool tls_required_ctrl = false;  // TLSRequired on|ctrl|auth...: USER/PASS refused before AUTH TLS
};

// ListOptions (mod_ls): options every LIST/NLST gets ("-a"), options a client may not use ("+R"), and the
// bounds of a recursive listing.
struct ListRules {
    std::string options;           // "-a", "+R", "-aR": '-' turns letters on, '+' keeps them off
    bool strict = false;           // the client's own options are ignored
    unsigned max_depth = 128;      // maxdepth
    unsigned max_files = 100000;   // maxfiles: entries in one listing
    unsigned max_dirs = 4096;      // maxdirs: directories one recursive listing enters
    bool list_only = false;        // LISTOnly: the options apply to LIST (and STAT) only
    bool nlst_only = false;        // NLSTOnly: to NLST only
    bool no_error_if_absent = false;  // NoErrorIfAbsent: NLST of a missing path is an empty 226, not 450
};

class PosixRegex;

// HideFiles/HideUser/HideGroup/HideNoAccess for the entries of one directory (ProFTPD's dir_hide_file and
// OP_HIDE): which entries listings leave out, and which names IgnoreHidden makes look absent.
struct HideRules {
    std::shared_ptr<const PosixRegex> files;  // HideFiles regex in effect; null = none (or "HideFiles none")
    bool files_negated = false;               // "!regex": hide what does not match
    bool no_access = false;                   // HideNoAccess on
    // HideUser/HideGroup in ProFTPD's order: name ("~" already the session's own), inverted ("!name").
    std::vector<std::pair<std::string, bool>> users;
    std::vector<std::pair<std::string, bool>> groups;
    [[nodiscard]] bool any() const noexcept { return files || no_access || !users.empty() || !groups.empty(); }
};

// Per-path decisions that <Directory>, <Anonymous> and <Limit> make. ProFTPD's defaults.
struct PathRules {
    bool allow_overwrite = false;         // AllowOverwrite
    bool allow_store_restart = false;     // AllowStoreRestart
    bool allow_retrieve_restart = true;   // AllowRetrieveRestart
    bool hidden_stores = false;           // HiddenStores
    // DeleteAbortedStores: unset = ProFTPD's default (an aborted HiddenStores file is removed, a plain upload's
    // partial file kept); on = both removed; off = both kept.
    std::optional<bool> delete_aborted_stores;
    std::string hidden_stores_prefix = ".in.";
    std::string hidden_stores_suffix = ".";
    mode_t umask = 022;                   // Umask's first argument: files
    mode_t dir_umask = 022;               // Umask's second argument (the first when absent): directories
    TextFilter allow_filter;       // AllowFilter: a command argument that does not match is refused
    TextFilter deny_filter;        // DenyFilter: a command argument that matches is refused
    TextFilter path_allow_filter;  // PathAllowFilter: a path name that does not match is refused
    TextFilter path_deny_filter;   // PathDenyFilter: a path name that matches is refused
    ListRules list;                       // ListOptions
    // DirFakeUser/DirFakeGroup on [name]: the owner and group listings show (ProFTPD's default "ftp"; "~" is
    // already the session's user or primary group); none = the real ones.
    std::optional<std::string> fake_user;
    std::optional<std::string> fake_group;
    std::optional<mode_t> fake_mode;      // DirFakeMode: the permission bits listings show
    HideRules hide;                       // what this directory's listings leave out
};

class AccessPolicy {
public:
    virtual ~AccessPolicy() = default;
    // <Limit> for a command (upper-case verb, e.g. "STOR", "SITE_CHMOD") on a real absolute path; argument is the
    // client's argument ("" when none), which a <Limit>'s AllowFilter/DenyFilter match.
    [[nodiscard]] virtual bool allowed(std::string_view command, std::string_view real_path,
                                       const std::string& argument) const = 0;
    [[nodiscard]] virtual PathRules rules_for(std::string_view real_path) const = 0;
    // IgnoreHidden on in the <Limit> that speaks for the command (its name, group, then ALL) at that path:
    // a hidden name then answers as if it did not exist.
    [[nodiscard]] virtual bool ignore_hidden(std::string_view command, std::string_view real_path) const {
        (void)command;
        (void)real_path;
        return false;
    }
};

}  // namespace ward::ftp
