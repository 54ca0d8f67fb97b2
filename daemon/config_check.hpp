#pragma once
// The checks -t and start-up share, so that -t says exactly what start-up will say: every error that would stop
// the daemon fails -t with the same message, and every warning start-up prints, -t prints. Start-up goes on
// to open files and bind sockets only after these pass.
#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "daemon/master/proxy_settings.hpp"
#include "sandbox/capabilities.hpp"

namespace ward::daemon {

struct PreauthIdentity {  // User/Group: the unprivileged identity of a server's pre-auth workers
    uid_t uid = 0;
    gid_t gid = 0;
};

struct CheckedConfig {
    std::vector<std::string> warnings;              // "file:line:column: ...", the parse's first
    std::vector<PreauthIdentity> identities;        // parallel to ServerSet::servers()
    std::vector<sandbox::CapabilitySet> session_caps;  // mod_cap, parallel to ServerSet::servers()
    std::vector<master::proxy::Settings> proxy;        // mod_proxy_protocol, parallel to ServerSet::servers()
};

// The pre-auth account's name when the configuration names none, or names root.
inline constexpr const char* kPreauthFallbackUser = "nobody";

[[nodiscard]] Result<CheckedConfig> check_configuration(const config::ServerSet& servers);

}  // namespace ward::daemon
