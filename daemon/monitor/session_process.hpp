#pragma once
// The session monitor's entry point: what a master's child becomes for one connection. It keeps only the connection
// and the log files, drops to the monitor's capability set, installs the monitor's seccomp policy, and
// runs SessionMonitor until the session ends.
#include <cstdint>
#include <string>

#include "base/unique_fd.hpp"
#include "daemon/daemon_context.hpp"
#include "daemon/ipc/channel.hpp"

namespace ward::monitor {

struct AcceptedConnection {
    UniqueFd socket;
    std::string client_address;
    std::uint16_t client_port = 0;
    std::string local_address;
    std::uint16_t local_port = 0;
    // The monitor's link to the master, which counts logins (MaxClients, MaxClientsPerUser, MaxHostsPerUser);
    // not valid when the master serves one session itself (-X). No worker inherits it.
    ipc::Channel master_link;
    // From a trusted proxy (ProxyProtocolEngine): the session reads the PROXY header before anything else and
    // the client it names replaces client_address/client_port (daemon/monitor/proxied_client.*).
    bool proxy_header = false;
    // TLSEngine on: this session's signing channel to the key process (daemon/master/key_process.hpp); the
    // monitor forwards the worker's handshake signature requests over it. No worker inherits it.
    ipc::Channel key_channel;
};

[[noreturn]] void run_session_process(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime,
                                      AcceptedConnection connection);

}  // namespace ward::monitor
