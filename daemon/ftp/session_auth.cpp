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
    if (settings_.tls_required_ctrl && !tls_active_) {
        finish(ctx, 550, "SSL/TLS required on the control channel");
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
    if (settings_.tls_required_ctrl && !tls_active_) {
        wipe(ctx.argument);
        finish(ctx, 550, "SSL/TLS required on the control channel");
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
        // The monitor's verdict (MaxLoginAttempts reached) is answered as ProFTPD does: 530 and the
        // connection closed; a failure to ask at all is the service's, 421.
        if (result.reply_text.empty()) {
            finish(ctx, 421, "Service not available, closing control connection");
        } else {
            finish(ctx, 530, result.reply_text);
        }
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
    if (tls_active_ && tls_) {
        relay_control(state);
        return;
    }
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
    if (!root || !policy_) {
        log::error("post-auth session for ", identity_.user, ": ",
                   !root ? root.error().message : std::string("no access policy"));
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
    if (!settings_.default_chdir.empty()) {
        const std::string target = resolve_virtual(home_, settings_.default_chdir, home_);
        if (fs_.stat(target, st) == 0 && S_ISDIR(st.st_mode)) {
            cwd_ = target;
        } else {
            log::warning("DefaultChdir ", settings_.default_chdir, " of ", identity_.user,
                         " is not a directory; starting in ", cwd_);
        }
    }
    last_transfer_ = last_command_ = Clock::now();
    arm(Timeout::idle);
    arm(Timeout::no_transfer);
    log::notice(identity_.anonymous ? "anonymous login" : "login", " as '", identity_.user, "' from ", peer_text_);

    std::vector<std::string> lines = display_lines(settings_.display_login, cwd_, "DisplayLogin");
    lines.insert(lines.end(), state.login_reply_lines.begin(), state.login_reply_lines.end());
    const std::string& login_name = identity_.login_name.empty() ? identity_.user : identity_.login_name;
    if (!settings_.access_grant_msg.empty()) {
        lines.push_back(login_message(settings_.access_grant_msg, login_name));
    } else {
        lines.push_back(identity_.anonymous ? std::string("Anonymous access granted, restrictions apply")
                                            : str_cat("User ", login_name, " logged in"));
    }
    std::string wire;
    append_reply(wire, 230, lines);
    send_raw(wire);
    reader_ = CommandLineReader();
    reader_.feed(state.pending_input);
    read_control();
    return true;
}

DisplayValues SessionImpl::display_values() const {
    DisplayValues v;
    v.cwd = cwd_;
    v.local_host = unmapped(local_.address()).to_string();
    v.remote_host = peer_text_;
    v.login_name = identity_.login_name.empty() ? identity_.user : identity_.login_name;
    v.server_name = settings_.server_name;
    v.server_admin = settings_.server_admin;
    v.bytes_in = bytes_in_;
    v.bytes_out = bytes_out_;
    return v;
}

std::vector<std::string> SessionImpl::display_lines(const std::string& configured, const std::string& dir,
                                                    std::string_view what) {
    if (configured.empty() || !logged_in_) {
        return {};
    }
    UniqueFd fd;
    const std::string vpath = resolve_virtual(dir, configured, home_);
    if (fs_.open(vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, fd) != 0) {
        return {};  // ProFTPD is silent about a missing display file
    }
    const auto file = read_display_file(fd.get(), what, false);
    return file ? display_reply_lines(file->text, display_values()) : std::vector<std::string>{};
}

void SessionImpl::cmd_quit(CommandContext& ctx) {
    // ProFTPD sends every DisplayQuit line with the code ("221-"), not in the indented continuation form.
    std::vector<std::string> lines = display_lines(settings_.display_quit, cwd_, "DisplayQuit");
    for (auto& line : lines) {
        if (line.starts_with(' ')) {
            line.erase(0, 1);
        }
    }
    lines.emplace_back("Goodbye.");
    finish(ctx, 221, std::move(lines));
    end_session("QUIT");
}

}  // namespace ward::ftp
