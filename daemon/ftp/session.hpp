#pragma once
// ward::ftp::Session: one FTP session (RFC 959 and extensions) on an already-connected control socket,
// run by the caller's single-threaded io_context. Pre-auth it greets and logs in through the host; at a
// successful PASS it calls SessionHost::hand_over, and continues in-process with what that returns (tests);
// in wardftpd that call never returns and a fresh post-auth worker builds a Session from the hand-over.
//
//   boost::asio::io_context io;
//   ftp::Session session(io, std::move(control_fd), host, settings);   // pre-auth
//   session.start();
//   io.run();   // returns when the session is over (QUIT, timeout, disconnect)
//
// The Session must stay alive until io.run() returns (its handlers refer to it). Host methods are called
// synchronously from inside handlers. The process ignores SIGPIPE from start() on.
#include <boost/asio/io_context.hpp>

#include <memory>

#include "base/unique_fd.hpp"
#include "daemon/ftp/session_host.hpp"

namespace ward::ftp {

class SessionImpl;

class Session {
public:
    // Pre-auth: start() sends the on_connect hook lines and the 220 banner.
    Session(boost::asio::io_context& io, UniqueFd control, SessionHost& host, SessionSettings settings);
    // Post-auth (a fresh worker after the hand-over): start() replies 230 (DisplayLogin text and
    // state.login_reply_lines first) and then runs state.pending_input.
    Session(boost::asio::io_context& io, UniqueFd control, SessionHost& host, PostAuthSession post,
            HandoverState state);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    void start();
    // True once the session has ended and host.session_ended() was called.
    [[nodiscard]] bool finished() const noexcept;

private:
    std::unique_ptr<SessionImpl> impl_;
};

}  // namespace ward::ftp
