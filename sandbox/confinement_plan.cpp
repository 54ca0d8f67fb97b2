#include "sandbox/confinement_plan.hpp"

#include "base/strings.hpp"

namespace ward::sandbox {
namespace {

// Landlock ABI 4 added TCP bind/connect rules.
constexpr int kLandlockNetAbi = 4;

std::string caps_text(CapabilitySet set) { return str_cat("CapEff ", set.hex(), " (", set.names(), ")"); }

}  // namespace

ConfinementPlan confinement_plan(const ConfinementFacts& facts) {
    ConfinementPlan plan;
    const bool landlock = facts.landlock_abi > 0;
    const std::string landlock_name = str_cat("Landlock ABI ", facts.landlock_abi);
    const std::string kept = facts.privileged ? caps_text(facts.master) : std::string("no capabilities");
    plan.roles.push_back(str_cat("master: ", facts.privileged ? "root" : "the launching user", ", ", kept,
                                 " after start-up; no_new_privs; seccomp master deny-list"));
    plan.roles.push_back("mod_exec helper (ExecOnEvent, ExecOnRestart): " +
                         (facts.privileged ? caps_text(exec_helper_capabilities()) : std::string("no capabilities")) +
                         "; no_new_privs; seccomp master deny-list");
    for (const auto& monitor : facts.monitors) {
        plan.roles.push_back(str_cat("session monitor (", monitor.server, "): ",
                                     facts.privileged ? caps_text(monitor.caps) : kept,
                                     "; no_new_privs; seccomp monitor deny-list"));
    }
    const std::string fence = landlock ? str_cat(landlock_name, " with no file system",
                                                 facts.landlock_abi >= kLandlockNetAbi ? " and no TCP bind/connect" : "")
                                       : std::string("no Landlock");
    plan.roles.push_back(str_cat("pre-auth worker: ", facts.privileged ? "User's uid, empty chroot" : "the launching uid, no chroot",
                                 ", ", fence, "; no capabilities; no_new_privs; seccomp worker_preauth allow-list; "
                                 "no log descriptor"));
    plan.roles.push_back(str_cat(
        "post-auth worker: ", facts.privileged ? "the user's uid and groups, chroot to DefaultRoot" : "the launching uid, no chroot",
        landlock ? str_cat(", ", landlock_name, " on DefaultRoot (without DefaultRoot: a fence keeping /proc, /sys and "
                           "the daemon's own files out of reach)")
                 : std::string(", no Landlock"),
        "; no capabilities; no_new_privs; seccomp worker_postauth allow-list; no log descriptor"));
    plan.roles.push_back("hooks: the configured uid; no capabilities; no_new_privs; seccomp hook deny-list");
    plan.roles.push_back(str_cat("PAM helper (mod_auth_pam.c, one per login attempt): ",
                                 facts.privileged ? "root's uid" : "the launching uid",
                                 ", no capabilities; no_new_privs; one descriptor (its socket to the monitor); "
                                 "seccomp pam_helper deny-list on the monitor's; killed after AuthPAMTimeout"));

    if (!landlock && !facts.privileged) {
        plan.warnings.push_back(
            "Landlock is not available on this kernel and the daemon runs without root: workers get no "
            "file-system fence (no chroot either). DefaultRoot is held only by RESOLVE_IN_ROOT path resolution, "
            "and a compromised worker can open any file the launching user can. Run as root, or on a kernel with "
            "Landlock (5.13 or later, enabled in the lsm= list)");
    } else if (!landlock) {
        plan.warnings.push_back(
            "Landlock is not available on this kernel: workers are fenced by chroot alone (DefaultRoot and the "
            "empty pre-auth root), without the second layer");
    } else if (facts.landlock_abi < kLandlockNetAbi) {
        plan.warnings.push_back(str_cat(landlock_name, " cannot restrict TCP bind/connect (ABI ", kLandlockNetAbi,
                                        " can): the pre-auth worker's network fence is seccomp alone"));
    }
    return plan;
}

}  // namespace ward::sandbox
