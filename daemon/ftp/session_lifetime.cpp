// Timeouts (TimeoutIdle, TimeoutLogin, TimeoutNoTransfer, TimeoutStalled) and the end of a session.
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "base/log.hpp"
#include "base/strings.hpp"
#include "daemon/ftp/session_impl.hpp"

namespace ward::ftp {
namespace {

constexpr std::chrono::seconds kLinger{5};  // how long a closing session waits to flush its last replies

}  // namespace

// ---- timeouts ----

std::chrono::seconds SessionImpl::limit(Timeout which) const noexcept {
    switch (which) {
        case Timeout::idle: return settings_.timeouts.idle;
        case Timeout::login: return settings_.timeouts.login;
        case Timeout::no_transfer: return settings_.timeouts.no_transfer;
        case Timeout::stalled: return settings_.timeouts.stalled;
        case Timeout::linger: return kLinger;
        case Timeout::progress: return std::chrono::seconds{1};
    }
    return std::chrono::seconds{0};
}

// A timer is armed once and, when it fires early because its reference time moved, re-armed for the
// rest: commands and transfer progress only store a time, they never touch a timer.
void SessionImpl::arm(Timeout which) {
    const auto index = static_cast<std::size_t>(which);
    if (armed_[index] || ended_ != (which == Timeout::linger) || limit(which).count() <= 0) {
        return;
    }
    Clock::time_point since = Clock::now();
    switch (which) {
        case Timeout::idle: since = last_command_; break;
        case Timeout::login: since = session_start_; break;
        case Timeout::no_transfer: since = last_transfer_; break;
        case Timeout::stalled: since = last_progress_; break;
        case Timeout::linger:
        case Timeout::progress: break;
    }
    armed_[index] = true;
    timers_[index].expires_at(since + limit(which));
    timers_[index].async_wait([this, which](boost::system::error_code ec) { on_timer(which, ec); });
}

void SessionImpl::on_timer(Timeout which, boost::system::error_code ec) {
    armed_[static_cast<std::size_t>(which)] = false;
    if (ec || (ended_ && which != Timeout::linger)) {
        return;
    }
    const auto now = Clock::now();
    switch (which) {
        case Timeout::linger: close_control(); return;
        case Timeout::login:
            if (!logged_in_) {
                timeout_expired(which);
            }
            return;
        case Timeout::idle:
            if (busy_) {
                last_command_ = now;  // a running transfer is not idleness; TimeoutStalled watches it
            }
            if (now - last_command_ >= limit(which)) {
                timeout_expired(which);
            } else {
                arm(which);
            }
            return;
        case Timeout::no_transfer:
            if (busy_) {
                last_transfer_ = now;
            }
            if (now - last_transfer_ >= limit(which)) {
                timeout_expired(which);
            } else {
                arm(which);
            }
            return;
        case Timeout::progress:
            if (active_) {
                host_.report_activity(active_->ctx.event.command_line,
                                      active_->transfer ? active_->transfer->bytes() : 0, active_->ctx.event.file_size.value_or(0),
                                      true);
                arm(which);
            }
            return;
        case Timeout::stalled: {
            if (!active_) {
                return;
            }
            const std::uint64_t moved = active_->transfer ? active_->transfer->bytes() : 0;
            if (moved != stalled_seen_bytes_) {
                stalled_seen_bytes_ = moved;
                last_progress_ = now;
            }
            if (now - last_progress_ >= limit(which)) {
                timeout_expired(which);
            } else {
                arm(which);
            }
            return;
        }
    }
}

void SessionImpl::timeout_expired(Timeout which) {
    const auto seconds = limit(which).count();
    std::string text;
    std::string reason;
    switch (which) {
        case Timeout::idle:
            text = str_cat("Idle timeout (", seconds, " seconds): closing control connection");
            reason = "TimeoutIdle";
            break;
        case Timeout::login:
            text = str_cat("Login timeout (", seconds, " seconds): closing control connection");
            reason = "TimeoutLogin";
            break;
        case Timeout::no_transfer:
            text = str_cat("No transfer timeout (", seconds, " seconds): closing control connection");
            reason = "TimeoutNoTransfer";
            break;
        case Timeout::stalled:
            abort_transfer(TransferResult::Outcome::timeout);
            text = str_cat("Data transfer stall timeout: ", seconds, " seconds");
            reason = "TimeoutStalled";
            break;
        case Timeout::linger:
        case Timeout::progress: return;
    }
    log::notice(reason, " for ", peer_text_);
    reply(421, text);
    end_session(reason);
}

// ---- ending ----

bool SessionImpl::control_peer_gone() noexcept {
    if (control_eof_) {
        return true;
    }
    char byte = 0;
    const ssize_t n = ::recv(control_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

bool SessionImpl::abort_pending() noexcept {
    std::array<char, 256> peeked{};
    const ssize_t n = ::recv(control_.native_handle(), peeked.data(), peeked.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) {
        return false;
    }
    const std::string_view text(peeked.data(), static_cast<std::size_t>(n));
    if (text.find("\xff\xf4") != std::string_view::npos) {  // Telnet IAC IP
        return true;
    }
    for (std::string_view rest = text; !rest.empty();) {
        const auto end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        while (!line.empty() && static_cast<unsigned char>(line.front()) >= 0x80) {  // Telnet IAC DM before it
            line.remove_prefix(1);
        }
        if (istarts_with(line, "ABOR")) {
            return true;
        }
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    }
    return false;
}

void SessionImpl::end_session(std::string_view reason) {
    if (ended_) {
        return;
    }
    if (active_) {
        abort_transfer(TransferResult::Outcome::aborted);
    }
    ended_ = true;
    close_after_flush_ = true;
    data_.close();
    for (std::size_t i = 0; i < kTimers; ++i) {
        timers_[i].cancel();
    }
    log::info("session from ", peer_text_, " ended: ", reason);
    try {
        host_.session_ended(reason);
    } catch (const std::exception& e) {
        log::error("session_ended: ", e.what());
    }
    if (!writing_ && out_pending_.empty()) {
        close_control();
    } else {
        armed_[static_cast<std::size_t>(Timeout::linger)] = false;
        arm(Timeout::linger);
    }
}

void SessionImpl::close_control() noexcept {
    boost::system::error_code ignored;
    if (control_.is_open()) {
        control_.shutdown(tcp::socket::shutdown_both, ignored);
        control_.close(ignored);
    }
    timers_[static_cast<std::size_t>(Timeout::linger)].cancel();
    out_pending_.clear();
}

}  // namespace ward::ftp
