#pragma once
// The checks -t and start-up share, so that -t says exactly what start-up will say: every error that would stop
// the daemon fails -t with the same message, and every warning start-up prints, -t prints. Start-up goes on
// to open files and bind sockets only after these pass.
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "daemon/master/proxy_settings.hpp"
#include "sandbox/capabilities.hpp"

namespace ward::sql {
struct Settings;
}

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
    // Which confinement each role gets on this kernel (master::confinement_plan): -t prints these lines and
    // start-up logs them; the plan's warnings (Landlock missing) are among `warnings`.
    std::vector<std::string> confinement;
    std::size_t files_checked = 0;  // AuthUserFile/AuthGroupFile opened, for -t's summary
    std::size_t hooks_checked = 0;  // hook programs checked for the identity each runs as
    std::vector<std::string> tls_files;  // mod_tls certificates, keys, chain and CA files checked (master/tls_files.hpp)
    std::vector<std::string> runtime_dirs;  // ControlsSocket/PidFile directories start-up creates (mode 0755)
    std::vector<std::shared_ptr<const sql::Settings>> sql;  // mod_sql, parallel to ServerSet::servers(); nullptr: none
};

// The pre-auth account's name when the configuration names none, or names root.
inline constexpr const char* kPreauthFallbackUser = "nobody";

// Start-up only, after check_configuration: mkdir each of CheckedConfig::runtime_dirs, mode 0755.
[[nodiscard]] Result<void> create_runtime_dirs(const std::vector<std::string>& dirs);

// made_at_start: a directory whose files start-up itself creates (the embedded default's demo state), so -t,
// which creates nothing, does not require them yet; empty for a configuration file.
[[nodiscard]] Result<CheckedConfig> check_configuration(const config::ServerSet& servers,
                                                        std::string_view made_at_start = {});

}  // namespace ward::daemon
