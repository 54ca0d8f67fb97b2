#include "sandbox/capabilities.hpp"

#include <linux/securebits.h>
#include <sys/prctl.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <memory>
#include <type_traits>

#include "base/strings.hpp"
#include "base/sys.hpp"

namespace ward::sandbox {

static_assert(kLockedSecurebits == (SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                                    SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                    SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED));

namespace {

constexpr cap_value_t kMaxBits = 64;

bool in_range(cap_value_t cap) noexcept { return cap >= 0 && cap < kMaxBits; }

std::uint64_t bit(cap_value_t cap) noexcept { return std::uint64_t{1} << static_cast<unsigned>(cap); }

// How many capabilities the running kernel knows. libcap works it out once per program image (a fork inherits
// it), where CAP_IS_SUPPORTED costs a prctl for every bit asked about.
cap_value_t supported_bits() noexcept { return std::min(::cap_max_bits(), kMaxBits); }

struct CapFree {
    void operator()(void* p) const noexcept { (void)::cap_free(p); }
};
using CapState = std::unique_ptr<std::remove_pointer_t<cap_t>, CapFree>;

}  // namespace

// ---- CapabilitySet ----

CapabilitySet CapabilitySet::of(std::initializer_list<cap_value_t> caps) noexcept {
    CapabilitySet set;
    for (const cap_value_t cap : caps) {
        set.add(cap);
    }
    return set;
}

CapabilitySet CapabilitySet::all_supported() noexcept {
    CapabilitySet set;
    for (cap_value_t cap = 0; cap < supported_bits(); ++cap) {
        set.add(cap);
    }
    return set;
}

bool CapabilitySet::contains(cap_value_t cap) const noexcept { return in_range(cap) && (bits_ & bit(cap)) != 0; }

CapabilitySet& CapabilitySet::add(cap_value_t cap) noexcept {
    if (in_range(cap)) {
        bits_ |= bit(cap);
    }
    return *this;
}

CapabilitySet& CapabilitySet::remove(cap_value_t cap) noexcept {
    if (in_range(cap)) {
        bits_ &= ~bit(cap);
    }
    return *this;
}

std::string CapabilitySet::names() const {
    std::string out;
    for (cap_value_t cap = 0; cap < kMaxBits; ++cap) {
        if (contains(cap)) {
            out += out.empty() ? "" : " ";
            out += capability_name(cap);
        }
    }
    return out.empty() ? "(none)" : out;
}

std::string CapabilitySet::hex() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[out.size() - 1 - i] = kHex[(bits_ >> (4 * i)) & 0xfU];
    }
    return out;
}

std::string capability_name(cap_value_t cap) {
    const std::unique_ptr<char, CapFree> name(::cap_to_name(cap));
    return name ? to_upper(name.get()) : str_cat("CAP_", cap);
}

Result<cap_value_t> parse_capability_name(std::string_view name) {
    const std::string lower = to_lower(name);
    cap_value_t cap = 0;
    // The prefix check keeps libcap from reading a bare number as a capability.
    if (!istarts_with(name, "CAP_") || ::cap_from_name(lower.c_str(), &cap) != 0 || !in_range(cap)) {
        return Error{str_cat("unknown capability: '", name, "'")};
    }
    return cap;
}

// ---- mod_cap ----

CapabilitySet mod_cap_defaults() noexcept {
    return CapabilitySet::of({CAP_NET_BIND_SERVICE, CAP_CHOWN, CAP_SETUID, CAP_SETGID});
}

Result<CapabilitySet> parse_capabilities_set(std::span<const std::string_view> args) {
    if (args.empty()) {
        return Error{"CapabilitiesSet: need at least one parameter"};
    }
    CapabilitySet set = mod_cap_defaults();
    for (const std::string_view arg : args) {
        if (arg.empty() || (arg.front() != '+' && arg.front() != '-')) {
            return Error{str_cat("CapabilitiesSet: bad option: '", arg, "' (expected +CAP_X or -CAP_X)")};
        }
        const bool add = arg.front() == '+';
        const std::string_view name = arg.substr(1);
        // As in mod_cap: '-' acts only on the defaults (CHOWN, SETUID), '+' only on the optional ones.
        if (iequals(name, "CAP_CHOWN")) {
            if (!add) {
                set.remove(CAP_CHOWN);
            }
        } else if (iequals(name, "CAP_SETUID")) {
            if (!add) {
                set.remove(CAP_SETUID).remove(CAP_SETGID);
            }
        } else if (iequals(name, "CAP_DAC_OVERRIDE") || iequals(name, "CAP_DAC_READ_SEARCH") ||
                   iequals(name, "CAP_FOWNER") || iequals(name, "CAP_FSETID")) {
            if (add) {
                set.add(*parse_capability_name(name));
            }
        } else if (parse_capability_name(name)) {
            return Error{str_cat("CapabilitiesSet: unknown capability: '", name,
                                 "' (mod_cap accepts CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, "
                                 "CAP_FOWNER, CAP_FSETID, CAP_SETUID)")};
        } else {
            return Error{str_cat("CapabilitiesSet: unknown capability: '", name, "'")};
        }
    }
    return set;
}

CapabilitySet session_capabilities(const CapabilitiesDirectives& directives) {
    if (!directives.engine) {
        return CapabilitySet::all_supported();
    }
    return directives.set_lines.empty() ? mod_cap_defaults() : directives.set_lines.front();
}

// ---- sets per role ----

std::span<const KeptCapability> capability_reasons() noexcept {
    static constexpr std::array<KeptCapability, 11> kReasons{{
        {CAP_CHOWN, "mod_cap default, dropped here: the monitor never changes a file's owner and workers hold no "
                    "capability, so no role keeps it"},
        {CAP_DAC_OVERRIDE, "mod_cap, only with +CAP_DAC_OVERRIDE: ignore file permission bits"},
        {CAP_DAC_READ_SEARCH,
         "privilege separation: open the user's home (often mode 0700) and AuthUserFile before the worker "
         "drops to the user; mod_cap's +CAP_DAC_READ_SEARCH names the same capability"},
        {CAP_FOWNER, "mod_cap, only with +CAP_FOWNER: chmod/utime files the session does not own"},
        {CAP_FSETID, "mod_cap, only with +CAP_FSETID: keep set-id bits on files it changes"},
        {CAP_KILL, "privilege separation: ExecTimeout's SIGTERM/SIGKILL to hooks running as another user"},
        {CAP_SETGID, "privilege separation (and mod_cap default): setgroups/setresgid for workers and hooks"},
        {CAP_SETUID, "privilege separation (and mod_cap default): setresuid for workers and hooks"},
        {CAP_SETPCAP, "privilege separation: empty the bounding set of each worker and hook it forks"},
        {CAP_NET_BIND_SERVICE, "mod_cap, always: bind ports below 1024 (port 20 data connections, listeners)"},
        {CAP_SYS_CHROOT, "privilege separation: chroot the post-auth worker into DefaultRoot"},
    }};
    return kReasons;
}

CapabilitySet privilege_separation_needs() noexcept {
    return CapabilitySet::of({CAP_SETUID, CAP_SETGID, CAP_SYS_CHROOT, CAP_DAC_READ_SEARCH, CAP_KILL, CAP_SETPCAP});
}

CapabilitySet monitor_capabilities(CapabilitySet session) noexcept {
    return (session - never_used_by_the_monitor()) | privilege_separation_needs();
}

CapabilitySet never_used_by_the_monitor() noexcept { return CapabilitySet::of({CAP_CHOWN}); }

CapabilitySet master_capabilities(CapabilitySet session) noexcept { return monitor_capabilities(session); }

CapabilitySet exec_helper_capabilities() noexcept {
    return CapabilitySet::of({CAP_SETUID, CAP_SETGID, CAP_KILL, CAP_SETPCAP});
}

// ---- applying ----

namespace {

Result<CapabilitySet> read_flag(cap_t state, cap_flag_t flag) {
    CapabilitySet set;
    for (cap_value_t cap = 0; cap < supported_bits(); ++cap) {
        cap_flag_value_t value = CAP_CLEAR;
        if (::cap_get_flag(state, cap, flag, &value) != 0) {
            return sys::errno_error("cap_get_flag");
        }
        if (value == CAP_SET) {
            set.add(cap);
        }
    }
    return set;
}

// permitted = p, effective = e, inheritable empty.
Result<void> set_process_caps(CapabilitySet p, CapabilitySet e) {
    const CapState state(::cap_init());
    if (!state) {
        return sys::errno_error("cap_init");
    }
    for (cap_value_t cap = 0; cap < kMaxBits; ++cap) {
        if (p.contains(cap) && ::cap_set_flag(state.get(), CAP_PERMITTED, 1, &cap, CAP_SET) != 0) {
            return sys::errno_error("cap_set_flag");
        }
        if (e.contains(cap) && ::cap_set_flag(state.get(), CAP_EFFECTIVE, 1, &cap, CAP_SET) != 0) {
            return sys::errno_error("cap_set_flag");
        }
    }
    if (::cap_set_proc(state.get()) != 0) {
        return sys::errno_error(str_cat("capset (permitted ", p.names(), ")"));
    }
    return {};
}

// The bounding set as this process last saw it. Only PR_CAPBSET_DROP changes it, only cut_bounding_set calls
// that, and a fork inherits both the set and this record, so a child of a process that has cut its set drops a
// handful of bits instead of asking the kernel about each of them. Read from the kernel on first use.
std::uint64_t& known_bounding_set() {
    static std::uint64_t known = [] {
        std::uint64_t bits = 0;
        for (cap_value_t cap = 0; cap < supported_bits(); ++cap) {
            if (::cap_get_bound(cap) == 1) {
                bits |= bit(cap);
            }
        }
        return bits;
    }();
    return known;
}

Result<bool> cut_bounding_set(CapabilitySet keep, bool can_setpcap, bool unprivileged) {
    std::uint64_t& bounding = known_bounding_set();
    bool clean = true;
    for (cap_value_t cap = 0; cap < supported_bits(); ++cap) {
        if (keep.contains(cap) || (bounding & bit(cap)) == 0) {
            continue;
        }
        if (!can_setpcap) {
            if (unprivileged) {
                clean = false;
                continue;
            }
            return Error{str_cat("bounding set: cutting ", capability_name(cap), " needs CAP_SETPCAP")};
        }
        if (::cap_drop_bound(cap) != 0) {
            return sys::errno_error(str_cat("bounding set: drop ", capability_name(cap)));
        }
        bounding &= ~bit(cap);
    }
    return clean;
}

// One prctl, where libcap's cap_reset_ambient asks about every bit first. EINVAL: a kernel without ambient
// capabilities (before 4.3), where there is nothing to clear.
Result<void> clear_ambient_set() {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
        return sys::errno_error("ambient set: clear");
    }
    return {};
}

Result<bool> lock_securebits(bool can_setpcap, bool unprivileged) {
    if (::cap_get_secbits() == kLockedSecurebits) {
        return true;
    }
    if (!can_setpcap) {
        if (unprivileged) {
            return false;
        }
        return Error{"securebits: locking them needs CAP_SETPCAP"};
    }
    if (::cap_set_secbits(kLockedSecurebits) != 0) {
        return sys::errno_error("securebits: set");
    }
    return true;
}

}  // namespace

Result<CapabilitySet> permitted_capabilities() {
    const CapState current(::cap_get_proc());
    if (!current) {
        return sys::errno_error("capget");
    }
    return read_flag(current.get(), CAP_PERMITTED);
}

Result<CapabilityOutcome> apply_capabilities(CapabilitySet keep) {
    auto permitted = permitted_capabilities();
    if (!permitted) {
        return std::move(permitted).error();
    }
    if (!permitted->includes(keep)) {
        return Error{str_cat("capabilities: cannot keep ", (keep - *permitted).names(), ": not held")};
    }
    const bool unprivileged = permitted->empty();
    const bool can_setpcap = permitted->contains(CAP_SETPCAP);
    // Effective = permitted first: after a uid change with PR_SET_KEEPCAPS the effective set is empty, and
    // cutting the bounding set needs CAP_SETPCAP effective.
    if (auto ok = set_process_caps(*permitted, *permitted); !ok) {
        return std::move(ok).error();
    }
    if (auto cleared = clear_ambient_set(); !cleared) {
        return std::move(cleared).error();
    }
    CapabilityOutcome outcome;
    auto bounding = cut_bounding_set(keep, can_setpcap, unprivileged);
    if (!bounding) {
        return std::move(bounding).error();
    }
    outcome.bounding_cut = *bounding;
    auto locked = lock_securebits(can_setpcap, unprivileged);
    if (!locked) {
        return std::move(locked).error();
    }
    outcome.securebits_locked = *locked;
    if (auto ok = set_process_caps(keep, keep); !ok) {
        return std::move(ok).error();
    }
    return outcome;
}

}  // namespace ward::sandbox
