#pragma once
// ServerType inetd (ProFTPD's meaning): inetd, or a systemd socket unit with Accept=yes, has accepted the
// connection and starts wardftpd with it on standard input and output. There is no master: this process
// becomes the session process of that one connection (the privileged monitor, which starts the workers as
// with a standalone master) and exits when the session ends. The per-connection limits the master would
// count are the socket unit's (MaxConnections=, MaxConnectionsPerSource=); the start-up warnings say which
// directives this leaves without effect.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/server.hpp"
#include "daemon/daemon_context.hpp"

namespace ward::daemon {

[[nodiscard]] bool inetd_mode(const config::ServerSet& servers);

// The warnings -t and start-up add for ServerType inetd: each directive set here that only a standalone
// master can apply, with its file:line and why.
[[nodiscard]] std::vector<std::string> inetd_warnings(const config::ServerSet& servers);

// Runs the session of the connection on standard input; returns the exit status when it could not start
// (standard input is not a TCP connection), else never returns. `open_syslog` gives the syslog descriptor
// for when there is no SystemLog (stderr may be the connection itself under inetd).
[[nodiscard]] int serve_inetd(const std::shared_ptr<DaemonContext>& context, const std::function<int()>& open_syslog);

}  // namespace ward::daemon
