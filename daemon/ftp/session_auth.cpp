// Login: USER, PASS, QUIT, and the switch to the post-auth session.
#include <fcntl.h>

#include <cstring>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "daemon/ftp/reply.hpp"
#include "daemon/ftp/session_impl.hpp"
#include "daemon/ftp/vpath.hpp"

namespace ward::ftp {
namespace {

constexpr std::size_t kMaxDisplayBytes = std::size_t{64} * 1024;

void wipe(std::string& secret) noexcept {
    if (!secret.empty()) {
        ::explicit_bzero(secret.data(), secret.size());
    }
    secret.clear();
}

}  // namespace

void SessionImpl::cmd_user(CommandContext& ctx) {
    if (logged_in_) {
        finish(ctx, 503, "You are already logged in");
        return;
    }
    user_ = ctx.argument;
    finish(ctx, 331, str_cat("Password required for ", user_));
}

void SessionImpl::cmd_pass(CommandContext& ctx) {
    if (logged_in_) {
        wipe(ctx.argument);
        finish(ctx, 503, "You are already logged in");
        return;
    }
    if (user_.empty()) {
        wipe(ctx.argument);
        finish(ctx, 503, "Login with USER first");
        return;
    }
    LoginResult result;
    try {
        result = host_.authenticate(user_, ctx.argument);
    } catch (const std::exception& e) {
        log::error("authenticate: ", e.what());
        result.status = LoginResult::Status::closing;
    }
    wipe(ctx.argument);
    const std::string user = std::exchange(user_, std::string());
    if (result.status == LoginResult::Status::denied) {
        log::notice("login refused for '", user, "' from ", peer_text_);
        finish(ctx, 530, result.reply_text.empty() ? std::string("Login incorrect.") : result.reply_text);
        return;
    }
    if (result.status == LoginResult::Status::closing) {
        log::notice("login refused for '", user, "' from ", peer_text_, "; closing");
        finish(ctx, 421,
               result.reply_text.empty() ? std::string("Login incorrect. Closing control connection")
                                         : result.reply_text);
        end_session("login refused");
        return;
    }
    HandoverState state;
    // ExecOnCommand for PASS runs here, before the hand-over; its lines travel with the state.
    ctx.event.reply_code = 230;
    ctx.event.reply_text = str_cat("User ", user, " logged in");
    if (host_.wants_hook(exec::HookPoint::on_command, ctx.verb)) {
        state.login_reply_lines = run_hooks(exec::HookPoint::on_command, ctx);
    }
    state.pending_input = reader_.drain_as_wire();
    state.binary_type = binary_;
    state.utf8 = utf8_;
    state.bytes_in = bytes_in_;
    state.bytes_out = bytes_out_;
    std::optional<PostAuthSession> post;
    try {
        post = host_.hand_over(state);
    } catch (const std::exception& e) {
        log::error("hand_over: ", e.what());
    }
    if (!post) {
        reply(421, "Service not available, closing control connection");
        end_session("hand-over failed");
        return;
    }
    (void)enter_post_auth(std::move(*post), state);
}

bool SessionImpl::enter_post_auth(PostAuthSession post, const HandoverState& state) {
    identity_ = std::move(post.identity);
    settings_ = std::move(post.settings);
    policy_ = std::move(post.policy);
    names_ = std::move(post.names);
    bytes_in_ = std::max(bytes_in_, state.bytes_in);
    bytes_out_ = std::max(bytes_out_, state.bytes_out);
    binary_ = state.binary_type;
    utf8_ = state.utf8;
    auto root = RootedFs::open_root(identity_.root.empty() || identity_.chrooted ? std::string("/") : identity_.root);
    if (!root || !policy_ || !compile_filters()) {
        log::error("post-auth session for ", identity_.user, ": ",
                   !root ? root.error().message : std::string("no access policy or a bad filter"));
        reply(421, "Service not available, closing control connection");
        end_session("post-auth set-up failed");
        return false;
    }
    fs_ = std::move(*root);
    logged_in_ = true;
    home_ = resolve_virtual("/", identity_.initial_cwd);
    cwd_ = home_;
    struct stat st {};
    if (fs_.stat(cwd_, st) != 0 || !S_ISDIR(st.st_mode)) {
        log::warning("home directory ", real(cwd_), " of ", identity_.user, " is missing; using /");
        cwd_ = home_ = "/";
    }
    last_transfer_ = last_command_ = Clock::now();
    arm(Timeout::idle);
    arm(Timeout::no_transfer);
    log::notice(identity_.anonymous ? "anonymous login" : "login", " as '", identity_.user, "' from ", peer_text_);

    std::vector<std::string> lines = display_login_lines();
    lines.insert(lines.end(), state.login_reply_lines.begin(), state.login_reply_lines.end());
    lines.push_back(identity_.anonymous ? std::string("Anonymous access granted, restrictions apply")
                                        : str_cat("User ", identity_.login_name.empty() ? identity_.user
                                                                                        : identity_.login_name,
                                                  " logged in"));
    std::string wire;
    append_reply(wire, 230, lines);
    send_raw(wire);
    reader_ = CommandLineReader();
    reader_.feed(state.pending_input);
    read_control();
    return true;
}

std::vector<std::string> SessionImpl::display_login_lines() {
    std::vector<std::string> lines;
    if (settings_.display_login.empty()) {
        return lines;
    }
    UniqueFd fd;
    const std::string vpath = resolve_virtual(cwd_, settings_.display_login, home_);
    if (fs_.open(vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, fd) != 0) {
        return lines;  // ProFTPD is silent about a missing DisplayLogin file
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return lines;
    }
    auto text = sys::read_fd(fd.get(), kMaxDisplayBytes, "DisplayLogin");
    if (!text) {
        log::warning(text.error().message);
        return lines;
    }
    for (auto line : split(*text, '\n')) {
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.emplace_back(line);
    }
    if (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
    return lines;
}

void SessionImpl::cmd_quit(CommandContext& ctx) {
    finish(ctx, 221, "Goodbye.");
    end_session("QUIT");
}

}  // namespace ward::ftp
