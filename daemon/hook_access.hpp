#pragma once
// -t and start-up: each hook program checked for the identity it will run as (docs/hooks.md, "Who runs
// what"), not for root, so a program only root may execute fails here rather than on every upload.
#include <sys/types.h>

#include <cstddef>

#include "base/result.hpp"
#include "config/server.hpp"

namespace ward::daemon {

struct HookIdentity {
    uid_t uid = 0;
    gid_t gid = 0;
};

// Every hook of `server` (its own contexts and, with include_global, <Global>'s): connect, exit, restart and
// event hooks must be executable by `server_user`; command hooks, which run as the logged-in user, by some
// account other than root. Started without root every hook runs as the daemon's own uid, which the plain
// access check covers. Counts the hooks checked into `checked`.
[[nodiscard]] Result<void> check_hook_identities(const config::Server& server, const config::Context& root,
                                                 HookIdentity server_user, std::size_t& checked);

}  // namespace ward::daemon
