#pragma once
// The state and the handlers of one FTP session (session.hpp is the public face). The handlers are split
// by concern: session.cpp (control connection, dispatch, replies, hooks), session_lifetime.cpp (timeouts,
// ending), session_auth.cpp (login),
// session_files.cpp (file and directory commands), session_info.cpp (TYPE, FEAT, HELP, STAT, ...),
// session_data.cpp (PASV/EPSV/PORT/EPRT and the data-command driver), session_transfer.cpp (RETR, STOR,
// APPE, STOU, REST, ABOR), session_listing.cpp (LIST, NLST, MLSD, MLST, STAT path).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "daemon/tls/control_relay.hpp"
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/ftp/command.hpp"
#include "daemon/ftp/command_line.hpp"
#include "daemon/ftp/data_channel.hpp"
#include "daemon/ftp/data_transfer.hpp"
#include "daemon/ftp/display_text.hpp"
#include "daemon/ftp/posix_regex.hpp"
#include "daemon/ftp/rooted_fs.hpp"
#include "daemon/ftp/session_host.hpp"
#include "exec/hook_event.hpp"

namespace ward::ftp {

namespace asio = boost::asio;

// One command from its arrival to its final reply.
struct CommandContext {
    std::string verb;       // upper case, as sent (%m)
    std::string canonical;  // XMKD -> MKD, for <Limit> and dispatch
    std::string argument;
    const CommandSpec* spec = nullptr;  // its row in the verb table
    std::chrono::steady_clock::time_point started;
    exec::CommandEvent event;
};

class SessionImpl {
public:
    SessionImpl(asio::io_context& io, UniqueFd control, SessionHost& host, SessionSettings settings);
    SessionImpl(asio::io_context& io, UniqueFd control, SessionHost& host, PostAuthSession post,
                HandoverState state);
    SessionImpl(const SessionImpl&) = delete;
    SessionImpl& operator=(const SessionImpl&) = delete;
    ~SessionImpl();

    void start();
    [[nodiscard]] bool finished() const noexcept { return ended_; }

private:
    using tcp = asio::ip::tcp;
    using Clock = std::chrono::steady_clock;
    // progress is not a timeout: during a transfer it reports the bytes so far to the host once a second.
    enum class Timeout : std::uint8_t { idle = 0, login = 1, no_transfer = 2, stalled = 3, linger = 4, progress = 5 };
    static constexpr std::size_t kTimers = 6;

    // What a data command does when its transfer ends (replies, logs, cleans up).
    using TransferEnd = std::function<void(CommandContext&, const TransferResult&)>;
    struct ActiveTransfer {
        CommandContext ctx;
        DataTransfer::Spec spec;
        std::string opening;  // the 150 text
        TransferEnd on_end;
        std::shared_ptr<DataTransfer> transfer;
        Clock::time_point started;
        bool connected = false;
        bool incoming = false;
    };

    // session.cpp: control connection, dispatch, replies, hooks
    bool open_control(UniqueFd fd);
    void read_control();
    void on_control_data(boost::system::error_code ec, std::size_t n);
    void take_lines_while_busy();
    void process_lines();
    void schedule_processing();
    void handle_line(const CommandLine& line);
    void dispatch(CommandContext& ctx);
    bool limit_allows(CommandContext& ctx);
    void send_raw(std::string_view wire);
    void write_next();
    void reply(int code, std::string_view text);
    void finish(CommandContext& ctx, int code, std::vector<std::string> lines);
    void finish(CommandContext& ctx, int code, std::string text);
    std::vector<std::string> run_hooks(exec::HookPoint point, CommandContext& ctx);
    void fill_event(CommandContext& ctx);
    // session_lifetime.cpp: timeouts and the end of the session
    void arm(Timeout which);
    void on_timer(Timeout which, boost::system::error_code ec);
    [[nodiscard]] std::chrono::seconds limit(Timeout which) const noexcept;
    void timeout_expired(Timeout which);
    void end_session(std::string_view reason);
    void close_control() noexcept;
    [[nodiscard]] bool control_peer_gone() noexcept;
    // An ABOR (or Telnet IP, ABOR's urgent signal) waits unread on the control connection.
    [[nodiscard]] bool abort_pending() noexcept;

    // session_auth.cpp
    void cmd_user(CommandContext& ctx);
    void cmd_pass(CommandContext& ctx);
    void cmd_quit(CommandContext& ctx);
    void cmd_acct(CommandContext& ctx);
    void cmd_rein(CommandContext& ctx);
    bool enter_post_auth(PostAuthSession post, const HandoverState& state);
    // A Display* file as reply lines (display_text.hpp), the path resolved against `dir`; none when unset or
    // unreadable.
    std::vector<std::string> display_lines(const std::string& configured, const std::string& dir,
                                           std::string_view what);
    DisplayValues display_values() const;

    // session_files.cpp
    [[nodiscard]] std::string to_vpath(std::string_view client_path) const;
    [[nodiscard]] std::string real(std::string_view vpath) const;
    // <Limit> for `verb` on vpath; on refusal a 550 naming `shown` (the command's argument when empty).
    bool permitted(CommandContext& ctx, std::string_view verb, const std::string& vpath, std::string_view shown = {});
    // PathAllowFilter/PathDenyFilter of the path's context; on refusal "550 <client_path>: <refusal>".
    bool name_allowed(CommandContext& ctx, std::string_view client_path,
                      std::string_view refusal = "Forbidden filename");
    // Whether text matches `allow` (when set) and not `deny` (when set); a filter that does not compile refuses.
    bool passes_filters(const TextFilter& allow, const TextFilter& deny, const std::string& text);
    void fail_errno(CommandContext& ctx, int code, std::string_view shown, int err);
    [[nodiscard]] PathRules rules_for(const std::string& vpath) const;
    // HideFiles and friends for one entry of a directory whose rules are given; st null when it does not exist.
    bool hidden(const HideRules& rules, std::string_view name, const struct stat* st);
    // The same for a path, under its parent directory's rules ("/" is never hidden).
    bool hidden_path(const std::string& vpath);
    void cmd_pwd(CommandContext& ctx);
    void cmd_cwd(CommandContext& ctx);
    void cmd_cdup(CommandContext& ctx);
    void change_dir(CommandContext& ctx, std::string_view client_path);
    void cmd_mkd(CommandContext& ctx);
    void cmd_rmd(CommandContext& ctx);
    void cmd_dele(CommandContext& ctx);
    void cmd_rnfr(CommandContext& ctx);
    void cmd_rnto(CommandContext& ctx);
    void cmd_size(CommandContext& ctx);
    void cmd_mdtm(CommandContext& ctx);
    void cmd_mfmt(CommandContext& ctx);
    void cmd_mff(CommandContext& ctx);
    void set_mtime(CommandContext& ctx, std::string_view timestamp, std::string_view client_path, int code,
                   std::string_view done);
    void cmd_site(CommandContext& ctx);
    using SiteHandler = void (SessionImpl::*)(CommandContext&, const ParsedCommand&);
    struct SiteEntry {
        std::string_view verb;
        SiteHandler handler;
    };
    static std::span<const SiteEntry> site_handlers() noexcept;
    void site_help(CommandContext& ctx, const ParsedCommand& sub);
    void site_chmod(CommandContext& ctx, const ParsedCommand& sub);
    void site_chgrp(CommandContext& ctx, const ParsedCommand& sub);
    void site_module(CommandContext& ctx, const ParsedCommand& sub);
    // session_copy.cpp: SITE CPFR/CPTO (mod_copy)
    void site_cpfr(CommandContext& ctx, const ParsedCommand& sub);
    void site_cpto(CommandContext& ctx, const ParsedCommand& sub);

    // session_extensions.cpp: commands of removed built-in modules, and loaded modules' SITE commands/events
    friend class ModuleCallContext;
    bool refuse_disabled(CommandContext& ctx);
    bool run_site_extension(CommandContext& ctx, const ParsedCommand& sub);
    [[nodiscard]] std::vector<std::string> extension_site_help() const;
    void notify_session_start();
    void notify_command_done(const CommandContext& ctx, int code);

    // session_info.cpp
    void cmd_noop(CommandContext& ctx);
    void cmd_syst(CommandContext& ctx);
    void cmd_allo(CommandContext& ctx);
    void cmd_clnt(CommandContext& ctx);
    void cmd_lang(CommandContext& ctx);
    void cmd_host(CommandContext& ctx);
    void cmd_type(CommandContext& ctx);
    void cmd_mode(CommandContext& ctx);
    void cmd_stru(CommandContext& ctx);
    void cmd_feat(CommandContext& ctx);
    // FTPS (session_tls.cpp)
    void cmd_auth(CommandContext& ctx);
    void cmd_pbsz(CommandContext& ctx);
    void cmd_prot(CommandContext& ctx);
    void cmd_ccc(CommandContext& ctx);
    [[nodiscard]] bool tls_served(std::string_view verb) const;
    [[nodiscard]] bool refuse_without_tls(CommandContext& ctx);
    void start_tls_handshake();
    void relay_control(const HandoverState& state);
    void on_control_written(boost::system::error_code ec);
    void cmd_opts(CommandContext& ctx);
    void cmd_help(CommandContext& ctx);
    void cmd_stat(CommandContext& ctx);
    std::vector<std::string> status_lines() const;
    std::vector<std::string> transfer_status_lines() const;

    // session_data.cpp
    void cmd_pasv(CommandContext& ctx);
    void cmd_epsv(CommandContext& ctx);
    void cmd_port(CommandContext& ctx);
    void cmd_eprt(CommandContext& ctx);
    bool set_active_target(CommandContext& ctx, const tcp::endpoint& target, std::string_view verb);
    bool require_data_connection(CommandContext& ctx);
    void begin_transfer(CommandContext& ctx, std::string opening, DataTransfer::Spec spec, TransferEnd on_end);
    void on_data_open(boost::system::error_code ec, tcp::socket socket);
    void end_transfer(TransferResult result);
    void abort_transfer(TransferResult::Outcome outcome);

    // session_transfer.cpp
    void cmd_rest(CommandContext& ctx);
    void cmd_retr(CommandContext& ctx);
    enum class StoreMode : std::uint8_t { stor, appe, stou };
    void cmd_store(CommandContext& ctx, StoreMode mode);
    void cmd_stor(CommandContext& ctx) { cmd_store(ctx, StoreMode::stor); }
    void cmd_appe(CommandContext& ctx) { cmd_store(ctx, StoreMode::appe); }
    void cmd_stou(CommandContext& ctx) { cmd_store(ctx, StoreMode::stou); }
    void remove_aborted_store(const std::string& written_vpath, bool hidden, std::optional<bool> setting);
    void cmd_abor(CommandContext& ctx);
    // A finished file transfer: reported to the host (metrics), and its TransferLog line when configured.
    void log_transfer(const std::string& vpath, const TransferResult& result, bool incoming,
                      Clock::time_point started);
    void fill_transfer_event(CommandContext& ctx, const TransferResult& result, Clock::time_point started) const;
    // 226 Transfer complete, 425 (no connection), 426 (connection lost or aborted), 451 (local file error).
    void finish_transfer(CommandContext& ctx, const TransferResult& result, std::string_view shown);

    // session_listing.cpp
    enum class ListKind : std::uint8_t { list, nlst, mlsd, stat };
    void list_command(CommandContext& ctx, ListKind kind);
    void cmd_list(CommandContext& ctx) { list_command(ctx, ListKind::list); }
    void cmd_nlst(CommandContext& ctx) { list_command(ctx, ListKind::nlst); }
    void cmd_mlsd(CommandContext& ctx) { list_command(ctx, ListKind::mlsd); }
    void cmd_mlst(CommandContext& ctx);
    int build_listing(ListKind kind, std::string_view argument, std::string& out, std::string& shown,
                      std::string& vpath);
    struct ListWalk {
        ListKind kind;
        bool all;
        const std::string& pattern;
        const std::string& nlst_prefix;
        std::int64_t now;
        unsigned files_left;
        unsigned dirs_left;
        std::string argument;  // the command's, for a <Limit>'s AllowFilter/DenyFilter on each subdirectory
    };
    int append_directory(ListWalk& walk, std::string& out, const std::string& vpath, int dir_fd, const struct stat& st,
                         std::vector<std::string>* subdirs);
    void append_subdirectories(ListWalk& walk, std::string& out, const std::string& vpath, const std::string& prefix,
                               const std::vector<std::string>& subdirs, unsigned depth_left);
    void append_entry(ListKind kind, std::string& out, const std::string& parent_vpath, int dir_fd,
                      const char* name, const struct stat& st, bool parent_writable, std::int64_t now,
                      const PathRules& rules, std::string_view type_override = {});
    void append_mlsx_entry(std::string& out, const struct stat& st, bool parent_writable, const PathRules& rules,
                           std::string_view type_override = {});
    std::string_view user_name(std::uint32_t uid);
    std::string_view group_name(std::uint32_t gid);

    asio::io_context& io_;
    SessionHost& host_;
    SessionSettings settings_;
    tcp::socket control_;
    // FTPS: after AUTH TLS's 234 is written, the handshake runs and the control connection is TLS from then on.
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
    // After a login under TLS this process is the control connection's relay (declared after tls_, which it
    // uses, so it is destroyed first).
    std::unique_ptr<tls::ControlRelay> relay_;
    tcp::endpoint local_;
    tcp::endpoint peer_;
    std::string peer_text_;
    std::optional<PostAuthSession> pending_post_;  // the post-auth constructor's start() uses it
    HandoverState pending_state_;

    // control connection
    CommandLineReader reader_;
    std::deque<CommandLine> lines_;  // taken from reader_ while a data command runs (ABOR, STAT look-ahead)
    std::array<char, 2048> read_buffer_{};
    std::string out_pending_;
    std::string out_inflight_;
    bool reading_ = false;
    bool writing_ = false;
    bool tls_pending_ = false;  // AUTH TLS: 234 sent or queued; nothing is read or processed until the handshake
    bool tls_active_ = false;   // the handshake completed
    bool pbsz_ = false;         // PBSZ 0 accepted (required before PROT)
    bool busy_ = false;        // a data command is running; other commands wait
    bool processing_ = false;  // process_lines() is on the stack
    bool processing_scheduled_ = false;
    bool control_eof_ = false;
    bool control_failed_ = false;
    bool ended_ = false;
    bool close_after_flush_ = false;

    // login
    bool logged_in_ = false;
    bool host_seen_ = false;  // HOST accepted (RFC 7151: at most once, before USER)
    std::string user_;  // USER's argument, until PASS
    SessionIdentity identity_;
    std::shared_ptr<const AccessPolicy> policy_;
    std::shared_ptr<const NameCache> names_;
    RootedFs fs_;
    std::string cwd_ = "/";
    std::string home_ = "/";
    std::set<std::string> displayed_dirs_;  // DisplayChdir ... on: directories whose file was shown

    // filters, compiled once per session: (pattern, ignore case) -> regex
    std::map<std::pair<std::string, bool>, PosixRegex> filters_;

    // transfer parameters
    bool binary_ = false;
    bool utf8_ = true;
    bool epsv_all_ = false;
    std::uint64_t rest_ = 0;
    std::optional<std::string> rename_from_;
    std::optional<std::string> copy_from_;  // SITE CPFR
    unsigned mlst_facts_;
    DataChannel data_;
    std::optional<ActiveTransfer> active_;
    std::uint64_t stalled_seen_bytes_ = 0;

    // counters and clocks
    std::uint64_t bytes_in_ = 0;
    std::uint64_t bytes_out_ = 0;
    Clock::time_point session_start_;
    Clock::time_point last_command_;
    Clock::time_point last_transfer_;
    Clock::time_point last_progress_;
    std::array<asio::steady_timer, kTimers> timers_;
    std::array<bool, kTimers> armed_{};

    // LIST owner/group column cache: most entries share an owner
    std::uint32_t cached_uid_ = UINT32_MAX;
    std::string cached_user_;
    std::uint32_t cached_gid_ = UINT32_MAX;
    std::string cached_group_;
};

}  // namespace ward::ftp
