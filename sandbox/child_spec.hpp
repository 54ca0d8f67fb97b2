#pragma once
// The privilege drop: one description of a child process (ChildSpec) and one function that applies it in a
// fixed order, then checks the result (the nsjail/minijail pattern). The order:
//
//   1 close fds       every descriptor but keep_fds (close_range)
//   2 rlimits
//   3 setgroups       supplementary groups
//   4 setresgid
//   5 chroot, chdir
//   6 setresuid       capabilities survive it only through PR_SET_KEEPCAPS or the NO_SETUID_FIXUP securebit
//   7 capabilities    clear ambient, cut bounding, lock securebits, then permitted = effective = keep
//   8 no_new_privs, and the parent-death signal (after every id change, which would clear it)
//   9 verify          ids, setuid(0)/setgid(0) refused, capability sets, no_new_privs (from /proc)
//   9b load code     ChildSpec::load_code, unprivileged and before the sandbox (the worker's modules)
//  10 Landlock
//  11 seccomp         last: everything above needs system calls the policy may refuse
//  12 verify seccomp  Seccomp: 2 in /proc/self/status, read through a descriptor opened before step 5
//
// Run without capabilities (an ordinary user), steps 3-7 do what they can without privilege (nothing, when
// the ids already match) and the report names each protection skipped; 8-12 always run.
#include <sys/resource.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "sandbox/capabilities.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/seccomp_policy.hpp"

namespace ward::sandbox {

struct ResourceLimit {
    int resource = 0;  // RLIMIT_*
    rlim_t soft = 0;
    rlim_t hard = 0;
};

struct ChildSpec {
    std::string role;                          // names the child in errors and the report
    std::vector<int> keep_fds;                 // every other descriptor is closed
    std::vector<ResourceLimit> rlimits;
    std::optional<std::vector<gid_t>> groups;  // required with uid: a uid change never keeps root's groups
    std::optional<gid_t> gid;                  // required with uid
    std::optional<uid_t> uid;
    std::string chroot_dir;                    // empty: no chroot
    std::string chdir_dir;                     // empty: "/" after a chroot, else unchanged
    CapabilitySet capabilities;                // kept: permitted = effective = bounding
    bool no_new_privs = true;                  // required by Landlock and seccomp
    int parent_death_signal = 0;               // sent to the child when its parent ends (0: none)
    std::optional<LandlockRules> landlock;
    std::optional<CompiledPolicy> seccomp;
    // Step 9b: runs once the ids, capabilities and no_new_privs are in force and verified, before Landlock
    // and seccomp (the worker dlopens its verified modules here, through /proc/self/fd).
    std::function<Result<void>()> load_code;
};

struct DropReport {
    std::vector<std::string> skipped;  // protections not applied, each with its reason
    std::optional<LandlockStatus> landlock;

    // One line for the log: what is in force and what is not.
    [[nodiscard]] std::string summary() const;
};

// Applies `spec` to the calling (single-threaded, freshly forked) process. On error the process is in an
// unknown, partly dropped state: the caller must _exit. Errors name the role and the step.
[[nodiscard]] Result<DropReport> apply(const ChildSpec& spec);

}  // namespace ward::sandbox
