#include "sandbox/child_spec.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <linux/securebits.h>

#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"
#include "sandbox/proc_status.hpp"

namespace ward::sandbox {
namespace {

Result<void> set_rlimits(const std::vector<ResourceLimit>& limits) {
    for (const auto& limit : limits) {
        const rlimit value{limit.soft, limit.hard};
        if (::setrlimit(limit.resource, &value) != 0) {
            return sys::errno_error(str_cat("setrlimit(", limit.resource, ", ", limit.soft, ", ", limit.hard, ")"));
        }
    }
    return {};
}

std::vector<gid_t> current_groups() {
    const int n = ::getgroups(0, nullptr);
    std::vector<gid_t> groups(n > 0 ? static_cast<std::size_t>(n) : 0);
    if (n > 0 && ::getgroups(n, groups.data()) != n) {
        groups.clear();
    }
    return groups;
}

bool same_groups(std::vector<gid_t> a, std::vector<gid_t> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return a == b;
}

bool all_uids_are(uid_t uid) {
    uid_t r = 0;
    uid_t e = 0;
    uid_t s = 0;
    return ::getresuid(&r, &e, &s) == 0 && r == uid && e == uid && s == uid;
}

bool all_gids_are(gid_t gid) {
    gid_t r = 0;
    gid_t e = 0;
    gid_t s = 0;
    return ::getresgid(&r, &e, &s) == 0 && r == gid && e == gid && s == gid;
}

std::string groups_text(const std::vector<gid_t>& groups) {
    std::string out = "[";
    for (std::size_t i = 0; i < groups.size(); ++i) {
        out += str_cat(i == 0 ? "" : " ", groups[i]);
    }
    return out + "]";
}

// Without NO_SETUID_FIXUP, a change of every uid away from 0 clears the capability sets; step 7 still needs
// them (CAP_SETPCAP to cut the bounding set, and whatever the child keeps), so they are kept across it.
Result<void> keep_caps_across_setuid() {
    const unsigned bits = ::cap_get_secbits();
    if ((bits & SECBIT_NO_SETUID_FIXUP) != 0) {
        return {};
    }
    if ((bits & SECBIT_KEEP_CAPS_LOCKED) != 0) {
        return Error{"securebits lock KEEP_CAPS without NO_SETUID_FIXUP: capabilities cannot survive setresuid"};
    }
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
        return sys::errno_error("prctl(PR_SET_KEEPCAPS)");
    }
    return {};
}

// One change of ids: nothing when already in force; skipped, and reported, without privilege. Returns whether
// the requested ids are in force.
template <class Change>
Result<bool> change_ids(bool in_force, bool privileged, std::string what, DropReport& report, Change change) {
    if (in_force) {
        return true;
    }
    if (!privileged) {
        report.skipped.push_back(std::move(what) + ": no capabilities");
        return false;
    }
    if (auto ok = change(); !ok) {
        return std::move(ok).error();
    }
    return true;
}

struct Expected {
    std::optional<uid_t> uid;  // only when changed or already right
    std::optional<gid_t> gid;
    std::optional<std::vector<gid_t>> groups;
    CapabilitySet caps;
    bool bounding_cut = false;
    bool no_new_privs = false;
};

// Returns the number of seccomp filters in force, for step 12.
Result<int> verify(int status_fd, const Expected& want) {
    auto st = read_proc_status_fd(status_fd);
    if (!st) {
        return std::move(st).error();
    }
    const auto all_equal = [](const auto& ids, auto id) {
        return std::all_of(ids.begin(), ids.end(), [id](auto x) { return x == id; });
    };
    if (want.uid && !all_equal(st->uid, *want.uid)) {
        return Error{str_cat("uids are ", st->uid[0], "/", st->uid[1], "/", st->uid[2], ", not ", *want.uid)};
    }
    if (want.gid && !all_equal(st->gid, *want.gid)) {
        return Error{str_cat("gids are ", st->gid[0], "/", st->gid[1], "/", st->gid[2], ", not ", *want.gid)};
    }
    if (want.groups && !same_groups(st->groups, *want.groups)) {
        return Error{str_cat("groups are ", groups_text(st->groups), ", not ", groups_text(*want.groups))};
    }
    if (!(st->cap_effective == want.caps) || !(st->cap_permitted == want.caps) || !st->cap_inheritable.empty() ||
        !st->cap_ambient.empty()) {
        return Error{str_cat("capabilities are CapEff ", st->cap_effective.hex(), " CapPrm ", st->cap_permitted.hex(),
                             " CapInh ", st->cap_inheritable.hex(), " CapAmb ", st->cap_ambient.hex(), ", not ",
                             want.caps.hex())};
    }
    if (want.bounding_cut && !want.caps.includes(st->cap_bounding)) {
        return Error{str_cat("bounding set is ", st->cap_bounding.hex(), ", not within ", want.caps.hex())};
    }
    if (want.no_new_privs && st->no_new_privs != 1) {
        return Error{"no_new_privs is not set"};
    }
    // Regaining root must fail. (A child keeping CAP_SETUID/CAP_SETGID may change ids by design.)
    if (all_equal(st->uid, st->uid[0]) && st->uid[0] != 0 && !want.caps.contains(CAP_SETUID) && ::setuid(0) == 0) {
        return Error{"setuid(0) succeeded"};
    }
    if (all_equal(st->gid, st->gid[0]) && st->gid[0] != 0 && !want.caps.contains(CAP_SETGID) && ::setgid(0) == 0) {
        return Error{"setgid(0) succeeded"};
    }
    return st->seccomp_filters;
}

Result<UniqueFd> open_status() { return sys::open("/proc/self/status", O_RDONLY); }

}  // namespace

std::string DropReport::summary() const {
    std::string out = skipped.empty() ? "every privilege-drop step applied" : "skipped: ";
    for (std::size_t i = 0; i < skipped.size(); ++i) {
        out += str_cat(i == 0 ? "" : "; ", skipped[i]);
    }
    if (landlock) {
        out += str_cat("; ", landlock->describe());
    }
    return out;
}

Result<DropReport> apply(const ChildSpec& spec) {
    const auto fail = [&spec](std::string_view step, const Error& error) {
        return Error{str_cat("privilege drop (", spec.role, "), ", step, ": ", error.message)};
    };
    if ((spec.seccomp || spec.landlock) && !spec.no_new_privs) {
        return fail("spec", Error{"seccomp and Landlock need no_new_privs"});
    }
    if (spec.uid && (!spec.gid || !spec.groups)) {
        return fail("spec", Error{"a uid change needs the gid and the supplementary groups stated"});
    }
    const pid_t parent = ::getppid();
    DropReport report;
    Expected want;
    want.caps = spec.capabilities;
    want.no_new_privs = spec.no_new_privs;

    if (auto ok = sys::close_all_except(spec.keep_fds); !ok) {  // 1
        return fail("close fds", ok.error());
    }
    auto verify_fd = open_status();  // read at steps 9 and 12; opened while /proc is reachable
    auto final_fd = open_status();
    if (!verify_fd || !final_fd) {
        return fail("open /proc/self/status", verify_fd ? final_fd.error() : verify_fd.error());
    }
    auto permitted = permitted_capabilities();
    if (!permitted) {
        return fail("capget", permitted.error());
    }
    const bool privileged = !permitted->empty();

    if (auto ok = set_rlimits(spec.rlimits); !ok) {  // 2
        return fail("rlimits", ok.error());
    }
    if (spec.groups) {  // 3
        auto done = change_ids(same_groups(current_groups(), *spec.groups), privileged,
                               str_cat("setgroups ", groups_text(*spec.groups)), report, [&]() -> Result<void> {
                                   if (::setgroups(spec.groups->size(), spec.groups->data()) != 0) {
                                       return sys::errno_error(groups_text(*spec.groups));
                                   }
                                   return {};
                               });
        if (!done) {
            return fail("setgroups", done.error());
        }
        want.groups = *done ? spec.groups : std::nullopt;
    }
    if (spec.gid) {  // 4
        const gid_t gid = *spec.gid;
        auto done = change_ids(all_gids_are(gid), privileged, str_cat("setresgid ", gid), report, [gid]() -> Result<void> {
            if (::setresgid(gid, gid, gid) != 0) {
                return sys::errno_error(str_cat(gid));
            }
            return {};
        });
        if (!done) {
            return fail("setresgid", done.error());
        }
        want.gid = *done ? spec.gid : std::nullopt;
    }
    if (!spec.chroot_dir.empty()) {  // 5
        if (!privileged) {
            report.skipped.push_back(str_cat("chroot ", spec.chroot_dir, ": no capabilities"));
        } else if (::chroot(spec.chroot_dir.c_str()) != 0) {
            return fail("chroot", sys::errno_error(spec.chroot_dir));
        } else if (::chdir(spec.chdir_dir.empty() ? "/" : spec.chdir_dir.c_str()) != 0) {
            return fail("chdir", sys::errno_error(spec.chdir_dir.empty() ? "/" : spec.chdir_dir));
        }
    } else if (!spec.chdir_dir.empty() && ::chdir(spec.chdir_dir.c_str()) != 0) {
        return fail("chdir", sys::errno_error(spec.chdir_dir));
    }
    if (spec.uid) {  // 6
        const uid_t uid = *spec.uid;
        auto done = change_ids(all_uids_are(uid), privileged, str_cat("setresuid ", uid), report, [uid]() -> Result<void> {
            if (auto kept = keep_caps_across_setuid(); !kept) {
                return kept;
            }
            if (::setresuid(uid, uid, uid) != 0) {
                return sys::errno_error(str_cat(uid));
            }
            return {};
        });
        if (!done) {
            return fail("setresuid", done.error());
        }
        want.uid = *done ? spec.uid : std::nullopt;
    }
    auto caps = apply_capabilities(spec.capabilities);  // 7
    if (!caps) {
        return fail("capabilities", caps.error());
    }
    want.bounding_cut = caps->bounding_cut;
    if (!caps->bounding_cut) {
        report.skipped.emplace_back("bounding set not cut: no CAP_SETPCAP");
    }
    if (!caps->securebits_locked) {
        report.skipped.emplace_back("securebits not locked: no CAP_SETPCAP");
    }
    if (spec.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {  // 8
        return fail("no_new_privs", sys::errno_error("prctl(PR_SET_NO_NEW_PRIVS)"));
    }
    if (spec.parent_death_signal != 0) {  // 8
        if (::prctl(PR_SET_PDEATHSIG, spec.parent_death_signal, 0, 0, 0) != 0) {
            return fail("parent-death signal", sys::errno_error("prctl(PR_SET_PDEATHSIG)"));
        }
        if (::getppid() != parent) {
            return fail("parent-death signal", Error{"the parent has already ended"});
        }
    }
    auto filters = verify(verify_fd->get(), want);  // 9
    if (!filters) {
        return fail("verify", filters.error());
    }
    if (spec.load_code) {  // 9b
        if (auto ok = spec.load_code(); !ok) {
            return fail("load code", ok.error());
        }
    }
    if (spec.landlock) {  // 10
        auto status = landlock_restrict_self(*spec.landlock);
        if (!status) {
            return fail("Landlock", status.error());
        }
        report.landlock = std::move(*status);
    }
    if (spec.seccomp) {
        if (auto ok = spec.seccomp->install(); !ok) {  // 11
            return fail("seccomp", ok.error());
        }
        auto st = read_proc_status_fd(final_fd->get());  // 12
        if (!st) {
            return fail("verify seccomp", st.error());
        }
        if (st->seccomp != 2 || st->seccomp_filters != *filters + 1) {
            return fail("verify seccomp", Error{str_cat("Seccomp ", st->seccomp, " with ", st->seccomp_filters,
                                                        " filters, expected 2 with ", *filters + 1)});
        }
    }
    return report;
}

}  // namespace ward::sandbox
