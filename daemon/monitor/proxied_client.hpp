#pragma once
// The first thing a session from a trusted proxy does, in the confined session process before any worker
// exists: read the PROXY header (at most 107/232 bytes, ProxyProtocolTimeout), make the client it names the
// session's client (what ACLs, limits, logs and hook variables see), and have the master count that client
// under MaxClientsPerHost/MaxConnectionsPerHost. Why the monitor reads it and not the worker: SECURITY.md,
// "PROXY protocol".
#include "daemon/master/proxy_settings.hpp"
#include "daemon/monitor/session_process.hpp"

namespace ward::monitor {

// false: the session ends (a bad or late header, or a refusal, whose 530 reply has been sent); logged.
[[nodiscard]] bool take_proxied_client(const master::proxy::Settings& settings, AcceptedConnection& connection);

}  // namespace ward::monitor
