#include "daemon/ftp/session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <csignal>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/args.hpp"
#include "daemon/ftp/reply.hpp"
#include "daemon/ftp/vpath.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {
namespace {

constexpr std::size_t kMaxQueuedLines = 64;          // stop reading the control connection beyond this
constexpr std::size_t kMaxOutputBacklog = std::size_t{256} * 1024; // ... or when the client does not read replies

std::array<asio::steady_timer, 6> make_timers(asio::io_context& io) {
    return {asio::steady_timer(io), asio::steady_timer(io), asio::steady_timer(io), asio::steady_timer(io),
            asio::steady_timer(io), asio::steady_timer(io)};
}

}  // namespace

// ---- Session (public face) ----

Session::Session(asio::io_context& io, UniqueFd control, SessionHost& host, SessionSettings settings)
    : impl_(std::make_unique<SessionImpl>(io, std::move(control), host, std::move(settings))) {}

Session::Session(asio::io_context& io, UniqueFd control, SessionHost& host, PostAuthSession post,
                 HandoverState state)
    : impl_(std::make_unique<SessionImpl>(io, std::move(control), host, std::move(post), std::move(state))) {}

Session::~Session() = default;
void Session::start() { impl_->start(); }
bool Session::finished() const noexcept { return impl_->finished(); }

// ---- construction and start ----

SessionImpl::SessionImpl(asio::io_context& io, UniqueFd control, SessionHost& host, SessionSettings settings)
    : io_(io),
      host_(host),
      settings_(std::move(settings)),
      control_(io),
      mlst_facts_(kDefaultMlstFacts),
      data_(io),
      timers_(make_timers(io)) {
    control_failed_ = !open_control(std::move(control));
}

SessionImpl::SessionImpl(asio::io_context& io, UniqueFd control, SessionHost& host, PostAuthSession post,
                         HandoverState state)
    : io_(io),
      host_(host),
      settings_(post.settings),
      control_(io),
      pending_post_(std::move(post)),
      pending_state_(std::move(state)),
      mlst_facts_(kDefaultMlstFacts),
      data_(io),
      timers_(make_timers(io)) {
    control_failed_ = !open_control(std::move(control));
}

SessionImpl::~SessionImpl() {
    if (active_ && active_->transfer) {
        active_->transfer->abort();
    }
    data_.close();
}

bool SessionImpl::open_control(UniqueFd fd) {
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &len) != 0) {
        log::error("control connection: getsockname: ", sys::errno_name(errno));
        return false;
    }
    boost::system::error_code ec;
    if (settings_.relayed_control) {
        // The plain end of the TLS relay: an AF_UNIX stream read and written like the TCP connection it
        // stands for, whose endpoints the launcher read from that connection.
        if (local.ss_family != AF_UNIX) {
            log::error("control connection: the relayed control connection is not a local socket");
            return false;
        }
        const RelayedControl& relayed = *settings_.relayed_control;
        local_ = tcp::endpoint(asio::ip::make_address(relayed.local_address, ec), relayed.local_port);
        if (!ec) {
            peer_ = tcp::endpoint(asio::ip::make_address(relayed.peer_address, ec), relayed.peer_port);
        }
        if (!ec) {
            control_.assign(local_.protocol(), fd.release(), ec);
        }
        tls_active_ = !ec;
    } else {
        if (local.ss_family != AF_INET && local.ss_family != AF_INET6) {
            log::error("control connection: not an IPv4 or IPv6 socket");
            return false;
        }
        const tcp protocol = local.ss_family == AF_INET6 ? tcp::v6() : tcp::v4();
        control_.assign(protocol, fd.release(), ec);
        if (!ec) {
            local_ = control_.local_endpoint(ec);
        }
        if (!ec) {
            peer_ = control_.remote_endpoint(ec);
        }
    }
    if (ec) {
        log::error("control connection: ", ec.message());
        return false;
    }
    if (!settings_.client_address.empty()) {  // behind a proxy: the client its header named
        const auto named = asio::ip::make_address(settings_.client_address, ec);
        if (ec) {
            log::error("control connection: the client address '", settings_.client_address, "' is not an address");
            return false;
        }
        peer_ = tcp::endpoint(named, settings_.client_port);
    }
    peer_text_ = unmapped(peer_.address()).to_string();
    // Telnet Synch (IAC DM) travels as urgent data; inline, the line reader sees it and drops it, and a
    // client that sends a whole "ABOR\r\n" with MSG_OOB (Python's ftplib) still sends a whole line.
    const int on = 1;
    (void)::setsockopt(control_.native_handle(), SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
    (void)::setsockopt(control_.native_handle(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return true;
}

void SessionImpl::start() {
    if (ended_) {
        return;
    }
    if (control_failed_) {
        end_session("control connection unusable");
        return;
    }
    (void)std::signal(SIGPIPE, SIG_IGN);  // a data peer that goes away must not kill the worker
    session_start_ = last_command_ = last_transfer_ = Clock::now();
    if (pending_post_) {
        auto post = std::move(*pending_post_);
        pending_post_.reset();
        if (!enter_post_auth(std::move(post), pending_state_)) {
            return;
        }
        pending_state_ = HandoverState{};
        notify_session_start();
        process_lines();
        return;
    }
    log::info("session from ", peer_text_, ":", peer_.port());
    std::vector<std::string> lines;
    if (host_.wants_hook(exec::HookPoint::on_connect, "")) {
        CommandContext ctx;
        ctx.started = Clock::now();
        lines = run_hooks(exec::HookPoint::on_connect, ctx);
    }
    lines.insert(lines.end(), settings_.connect_lines.begin(), settings_.connect_lines.end());
    lines.push_back(settings_.banner);
    std::string wire;
    append_reply(wire, 220, lines);
    send_raw(wire);
    arm(Timeout::login);
    arm(Timeout::idle);
    read_control();
}

// ---- control connection ----

void SessionImpl::read_control() {
    if (reading_ || ended_ || control_eof_ || tls_pending_) {
        return;
    }
    if (lines_.size() + reader_.queued_lines() >= kMaxQueuedLines || out_pending_.size() >= kMaxOutputBacklog) {
        return;  // resumed by process_lines() or write_next()
    }
    reading_ = true;
    auto on_data = [this](boost::system::error_code ec, std::size_t n) { on_control_data(ec, n); };
    if (tls_) {
        tls_->async_read_some(asio::buffer(read_buffer_), std::move(on_data));
    } else {
        control_.async_read_some(asio::buffer(read_buffer_), std::move(on_data));
    }
}

void SessionImpl::on_control_data(boost::system::error_code ec, std::size_t n) {
    reading_ = false;
    if (ended_) {
        return;
    }
    if (ec) {
        control_eof_ = true;
        if (ec != asio::error::eof) {
            log::info("control connection from ", peer_text_, ": ", ec.message());
        }
        end_session("client disconnected");
        return;
    }
    bytes_in_ += n;
    reader_.feed(std::string_view(read_buffer_.data(), n));
    if (busy_) {
        take_lines_while_busy();
    } else {
        process_lines();
    }
    read_control();
}

// While a data command runs, ABOR and STAT are answered at once; everything else waits its turn.
void SessionImpl::take_lines_while_busy() {
    while (auto line = reader_.next()) {
        if (!line->overlong && !line->has_nul) {
            const ParsedCommand parsed = parse_command(line->text);
            if (parsed.valid_verb && logged_in_ && (parsed.verb == "ABOR" || (parsed.verb == "STAT" && !parsed.has_argument))) {
                handle_line(*line);
                if (ended_) {
                    return;
                }
                continue;
            }
        }
        lines_.push_back(std::move(*line));
    }
}

void SessionImpl::process_lines() {
    if (processing_) {
        return;  // the outer loop picks the lines up
    }
    processing_ = true;
    while (!busy_ && !ended_ && !tls_pending_) {
        std::optional<CommandLine> line;
        if (!lines_.empty()) {
            line = std::move(lines_.front());
            lines_.pop_front();
        } else {
            line = reader_.next();
        }
        if (!line) {
            break;
        }
        handle_line(*line);
    }
    processing_ = false;
    if (busy_) {
        take_lines_while_busy();
    }
    read_control();
}

void SessionImpl::schedule_processing() {
    if (processing_scheduled_) {
        return;
    }
    processing_scheduled_ = true;
    asio::post(io_, [this]() {
        processing_scheduled_ = false;
        process_lines();
    });
}

void SessionImpl::handle_line(const CommandLine& line) {
    last_command_ = Clock::now();
    if (line.overlong) {
        send_raw("500 Command line too long\r\n");
        return;
    }
    if (line.has_nul) {
        send_raw("500 Invalid command: NUL byte in command line\r\n");
        return;
    }
    if (line.text.empty()) {
        send_raw("500 Invalid command: try being more creative\r\n");
        return;
    }
    const ParsedCommand parsed = parse_command(line.text);
    const CommandSpec* spec = parsed.valid_verb ? find_command(parsed.verb) : nullptr;
    if (spec == nullptr) {
        std::string wire;
        append_reply(wire, 500, str_cat(parsed.verb, " not understood"));
        send_raw(wire);
        return;
    }
    CommandContext ctx;
    ctx.verb = parsed.verb;
    ctx.canonical = std::string(spec->canonical);
    ctx.argument = parsed.argument;
    ctx.spec = spec;
    ctx.started = last_command_;
    const bool is_pass = ctx.canonical == "PASS";
    ctx.event.command = ctx.verb;
    ctx.event.arguments = is_pass ? std::string("(hidden)") : ctx.argument;
    ctx.event.command_line = is_pass ? std::string("PASS (hidden)") : line.text;
    log::debug(3, "command from ", peer_text_, ": ", ctx.event.command_line);

    if (logged_in_) {
        host_.report_activity(ctx.event.command_line, 0, 0, false);
    }
    if (!logged_in_ && !spec->before_login) {
        finish(ctx, 530, "Please login with USER and PASS");
        return;
    }
    if (spec->argument == ArgRule::required && (!parsed.has_argument || parsed.argument.empty())) {
        finish(ctx, 501, "Invalid number of arguments");
        return;
    }
    // AllowFilter/DenyFilter (ProFTPD's regex_filters): the argument of every command but PASS, "" when none.
    if (!is_pass) {
        const PathRules here = logged_in_ ? rules_for(cwd_) : PathRules{};
        const TextFilter& allow = logged_in_ ? here.allow_filter : settings_.allow_filter;
        const TextFilter& deny = logged_in_ ? here.deny_filter : settings_.deny_filter;
        if (!passes_filters(allow, deny, ctx.argument)) {
            log::notice("AllowFilter/DenyFilter refused '", ctx.event.command_line, "' from ", peer_text_);
            finish(ctx, 550, str_cat(ctx.argument, ": Forbidden command argument"));
            return;
        }
    }
    if (ctx.canonical != "RNTO" && ctx.canonical != "RNFR") {
        rename_from_.reset();
    }
    if (host_.wants_hook(exec::HookPoint::before_command, ctx.verb)) {
        // %F before the command: the path its argument names (the handler sets the final one).
        if (const auto path = path_of_argument(*spec, ctx.argument); !path.empty()) {
            ctx.event.path = resolve_virtual(cwd_, path);
        }
        const auto ignored = run_hooks(exec::HookPoint::before_command, ctx);
        (void)ignored;  // ExecBeforeCommand's output is not sent (ProFTPD sends only ExecOnCommand/Connect)
    }
    dispatch(ctx);
}

void SessionImpl::dispatch(CommandContext& ctx) {
    using Handler = void (SessionImpl::*)(CommandContext&);
    struct Entry {
        std::string_view verb;
        Handler handler;
    };
    static constexpr Entry kHandlers[] = {
#define WARD_VERB(verb, limit_name, group, in_all, argument, path, names_dir, check, module, feat, before_login, \
                  handler, help)                                                                             \
    {#verb, &SessionImpl::handler},
#include "config/command_groups.def"
#undef WARD_VERB
    };
    if (refuse_disabled(ctx) || refuse_without_tls(ctx) || !limit_allows(ctx)) {
        return;
    }
    for (const auto& entry : kHandlers) {
        if (entry.verb == ctx.verb) {
            (this->*entry.handler)(ctx);
            return;
        }
    }
    finish(ctx, 502, str_cat(ctx.verb, " command not implemented"));
}

// <Limit> for the commands that name no path, on the current directory (ProFTPD's dir_check on
// session.cwd). Commands that name a path check it in their handler; before login no <Limit> applies yet
// (LOGIN is checked by the monitor).
bool SessionImpl::limit_allows(CommandContext& ctx) {
    const LimitCheck check = ctx.spec != nullptr ? ctx.spec->check : LimitCheck::never;
    if (!logged_in_ || !policy_ || (check != LimitCheck::cwd && check != LimitCheck::cwd_501)) {
        return true;
    }
    if (policy_->allowed(ctx.canonical, real(cwd_), ctx.argument)) {
        return true;
    }
    log::notice(ctx.verb, " in ", real(cwd_), " denied by <Limit> for ", identity_.user);
    if (check == LimitCheck::cwd_501) {
        finish(ctx, 501, str_cat(ctx.verb, ": Operation not permitted"));
    } else {
        finish(ctx, 550, str_cat(ctx.verb, ": Permission denied"));
    }
    return false;
}

void SessionImpl::cmd_acct(CommandContext& ctx) {
    finish(ctx, 202, "ACCT command not implemented, superfluous at this site");
}

void SessionImpl::cmd_rein(CommandContext& ctx) {
    // A post-auth worker runs as the user; it cannot become a pre-auth one again (ProFTPD lists REIN
    // as unimplemented too).
    finish(ctx, 502, "REIN command not implemented");
}

// ---- replies ----

void SessionImpl::send_raw(std::string_view wire) {
    if (!control_.is_open()) {
        return;
    }
    out_pending_.append(wire);
    bytes_out_ += wire.size();
    if (!writing_) {
        write_next();
    }
}

void SessionImpl::write_next() {
    if (out_pending_.empty()) {
        if (close_after_flush_) {
            close_control();
        } else if (tls_pending_ && !writing_ && !tls_) {
            start_tls_handshake();  // AUTH TLS's 234 has left in clear text
        }
        return;
    }
    out_inflight_.swap(out_pending_);
    out_pending_.clear();
    writing_ = true;
    auto on_written = [this](boost::system::error_code ec, std::size_t) { on_control_written(ec); };
    if (tls_) {
        asio::async_write(*tls_, asio::buffer(out_inflight_), std::move(on_written));
    } else {
        asio::async_write(control_, asio::buffer(out_inflight_), std::move(on_written));
    }
}

void SessionImpl::on_control_written(boost::system::error_code ec) {
    writing_ = false;
    out_inflight_.clear();
    if (ec) {
        out_pending_.clear();
        if (close_after_flush_) {
            close_control();
        } else {
            end_session("client disconnected");
        }
        return;
    }
    write_next();
    if (!writing_ && out_inflight_.capacity() > std::size_t{64} * 1024) {
        out_inflight_.shrink_to_fit();  // a big STAT reply must not stay with an idle session
    }
    read_control();
}

void SessionImpl::reply(int code, std::string_view text) {
    std::string wire;
    append_reply(wire, code, text);
    send_raw(wire);
}

void SessionImpl::finish(CommandContext& ctx, int code, std::string text) {
    std::vector<std::string> lines;
    lines.push_back(std::move(text));
    finish(ctx, code, std::move(lines));
}

void SessionImpl::finish(CommandContext& ctx, int code, std::vector<std::string> lines) {
    if (lines.empty()) {
        lines.emplace_back();
    }
    ctx.event.reply_code = code;
    ctx.event.reply_text = lines.back();
    // ExecOnCommand/ExecOnError run before the final reply, and their output joins it (ProFTPD's order).
    const auto point = code < 400 ? exec::HookPoint::on_command : exec::HookPoint::on_error;
    if (!ctx.verb.empty() && host_.wants_hook(point, ctx.verb)) {
        auto extra = run_hooks(point, ctx);
        lines.insert(lines.end() - 1, std::make_move_iterator(extra.begin()), std::make_move_iterator(extra.end()));
    }
    notify_command_done(ctx, code);  // before the reply leaves: a client that has the reply sees the event done
    std::string wire;
    append_reply(wire, code, lines);
    send_raw(wire);
}

void SessionImpl::fill_event(CommandContext& ctx) {
    ctx.event.cwd = cwd_;
    ctx.event.session_bytes_in = bytes_in_;
    ctx.event.session_bytes_out = bytes_out_;
    ctx.event.response_millis = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - ctx.started).count());
}

std::vector<std::string> SessionImpl::run_hooks(exec::HookPoint point, CommandContext& ctx) {
    fill_event(ctx);
    try {
        return host_.run_hooks(point, ctx.event);
    } catch (const std::exception& e) {
        log::error("hook at ", static_cast<int>(point), " for ", ctx.verb, ": ", e.what());
        return {};
    }
}

}  // namespace ward::ftp
