#pragma once
// The master's control socket (mod_ctrls: ControlsEngine, ControlsSocket): wardctl sends one request line
// of at most 1 KiB; the master checks the peer's credentials (SO_PEERCRED) against ModuleControlsACLs
// (default: everyone denied), runs lsmod, insmod or rmmod on the current context's module set, answers
// with "ok: ..." or "error: ..." lines and closes. Changes apply to sessions started afterwards.
// who and kick (ProFTPD's ftpwho and ftpdctl kick) answer from the master's SessionRegistry, under
// ControlsACLs (default: everyone denied); kick sends the matched session processes SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <functional>
#include <memory>
#include <string>

#include "base/result.hpp"
#include "config/model.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/master/session_registry.hpp"

namespace ward::master {

class ControlSocket {
public:
    using CurrentContext = std::function<daemon::DaemonContext&()>;
    // Told of each shared module an insmod verified and added (the metrics' module loads); may be empty.
    using ModuleLoaded = std::function<void()>;

    // nullptr when ControlsEngine is off (the default). The socket's directory must be owned by root or
    // the daemon's user and writable by no one else; a stale socket there is replaced, anything else is an
    // error. Mode 0600 unless ModuleControlsACLs let in someone but root and the daemon's user (then 0666).
    // `sessions` (the master's, may be null) answers who and kick.
    [[nodiscard]] static Result<std::unique_ptr<ControlSocket>> open(boost::asio::io_context& io,
                                                                     const config::Config& config,
                                                                     CurrentContext current,
                                                                     SessionRegistry* sessions = nullptr,
                                                                     ModuleLoaded loaded = {});
    ControlSocket(const ControlSocket&) = delete;
    ControlSocket& operator=(const ControlSocket&) = delete;
    ~ControlSocket();

    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    ControlSocket(boost::asio::io_context& io, std::string path, CurrentContext current, SessionRegistry* sessions,
                  ModuleLoaded loaded);
    void accept_next();

    boost::asio::local::stream_protocol::acceptor acceptor_;
    std::string path_;
    CurrentContext current_;
    SessionRegistry* sessions_;
    ModuleLoaded loaded_;
};

// One request from a peer, answered: the part of the control socket that needs no socket (tests).
// who and kick (ControlsACLs) need `sessions`; without it they answer an error. `loaded` is called when an
// insmod added a shared module to the set.
[[nodiscard]] std::string answer_control_request(daemon::DaemonContext& context, const modules::Peer& peer,
                                                 std::string_view line, SessionRegistry* sessions = nullptr,
                                                 const ControlSocket::ModuleLoaded& loaded = {});

}  // namespace ward::master
