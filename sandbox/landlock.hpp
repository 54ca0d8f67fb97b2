#pragma once
// Landlock: confine the calling process's filesystem view to given trees and, on kernels with Landlock ABI 4
// or later, its TCP bind/connect ports. The kernel's ABI decides what can be enforced; the returned status
// says exactly what was and what was not, and the caller logs it. Nothing here succeeds silently.
//
// A ruleset that handles filesystem access but names no tree leaves no filesystem access at all: that is the
// pre-auth worker's view.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace ward::sandbox {

struct LandlockRules {
    bool restrict_filesystem = true;
    std::vector<std::string> read_only{};   // read files, list directories, execute
    std::vector<std::string> read_write{};  // everything but creating device nodes
    // A listed path that is gone by the time the rules are added, or that this process cannot reach, is
    // skipped, and a symbolic link is not followed (less access, never more): for lists made from a directory
    // listing (everything_but), whose entries may disappear meanwhile.
    bool skip_missing = false;
    // nullopt: not restricted; a list (possibly empty): only these ports. Needs ABI 4.
    std::optional<std::vector<std::uint16_t>> tcp_bind{};
    std::optional<std::vector<std::uint16_t>> tcp_connect{};
    // ABI 6: no signals to, and no connections to abstract unix sockets of, processes outside this domain.
    bool isolate_ipc = false;
};

struct LandlockStatus {
    enum class Level { enforced, partial, unsupported };
    Level level = Level::unsupported;
    int abi = 0;
    std::vector<std::string> not_enforced;  // each part the kernel could not enforce, and why

    [[nodiscard]] std::string describe() const;
};

// Landlock grants, it cannot subtract: the paths that together cover the whole file system except `excluded`
// (absolute, normalised paths) and what lies beneath them. Each directory on the way from "/" to an excluded
// path is listed and its other entries granted; a directory that cannot be listed contributes nothing
// (less access, never more). Pair it with skip_missing.
[[nodiscard]] std::vector<std::string> everything_but(const std::vector<std::string>& excluded);

// The kernel's Landlock ABI version; 0 when Landlock is missing or disabled.
[[nodiscard]] int landlock_abi() noexcept;

// Opens every tree first (a missing tree is an error naming it), then restricts the calling thread.
// no_new_privs must be set (or the caller hold CAP_SYS_ADMIN).
[[nodiscard]] Result<LandlockStatus> landlock_restrict_self(const LandlockRules& rules);

}  // namespace ward::sandbox
