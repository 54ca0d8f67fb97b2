#pragma once
// Linux capabilities with ProFTPD mod_cap's semantics (libcap underneath).
//
// mod_cap: after login the session keeps CAP_NET_BIND_SERVICE always, CAP_CHOWN and CAP_SETUID+CAP_SETGID
// unless a `CapabilitiesSet` line removes them (-CAP_CHOWN, -CAP_SETUID), and CAP_DAC_OVERRIDE,
// CAP_DAC_READ_SEARCH, CAP_FOWNER, CAP_FSETID only when added with `+`. Each line starts again from those
// defaults; the first line of the server context is the one applied (mod_cap's find_config()).
// wardftpd: the session monitor holds that set plus what privilege separation needs; workers and hooks hold
// none. Applying a set also cuts the bounding set to it, clears the ambient set and locks the securebits.
#include <sys/capability.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::sandbox {

// A set of capabilities as a bit mask: bit n is capability n, the form /proc/<pid>/status shows.
class CapabilitySet {
public:
    constexpr CapabilitySet() noexcept = default;
    constexpr explicit CapabilitySet(std::uint64_t bits) noexcept : bits_(bits) {}
    [[nodiscard]] static CapabilitySet of(std::initializer_list<cap_value_t> caps) noexcept;
    // Every capability the running kernel knows (0 .. cap_last_cap).
    [[nodiscard]] static CapabilitySet all_supported() noexcept;

    [[nodiscard]] constexpr std::uint64_t bits() const noexcept { return bits_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    [[nodiscard]] bool contains(cap_value_t cap) const noexcept;
    [[nodiscard]] constexpr bool includes(CapabilitySet other) const noexcept {
        return (bits_ & other.bits_) == other.bits_;
    }
    CapabilitySet& add(cap_value_t cap) noexcept;
    CapabilitySet& remove(cap_value_t cap) noexcept;
    [[nodiscard]] constexpr CapabilitySet operator|(CapabilitySet other) const noexcept {
        return CapabilitySet(bits_ | other.bits_);
    }
    [[nodiscard]] constexpr CapabilitySet operator-(CapabilitySet other) const noexcept {
        return CapabilitySet(bits_ & ~other.bits_);
    }
    friend constexpr bool operator==(CapabilitySet, CapabilitySet) = default;

    // "CAP_CHOWN CAP_NET_BIND_SERVICE" in capability order, or "(none)".
    [[nodiscard]] std::string names() const;
    // 16 hex digits, as /proc/<pid>/status prints CapEff.
    [[nodiscard]] std::string hex() const;

private:
    std::uint64_t bits_ = 0;
};

// "CAP_CHOWN", case-insensitive, any name libcap knows. Unknown names are errors.
[[nodiscard]] Result<cap_value_t> parse_capability_name(std::string_view name);
// "CAP_CHOWN"
[[nodiscard]] std::string capability_name(cap_value_t cap);

// ---- mod_cap ----

// The defaults every CapabilitiesSet line starts from (and the set without any line).
[[nodiscard]] CapabilitySet mod_cap_defaults() noexcept;
// One `CapabilitiesSet [+|-]CAP_X ...` line (its arguments) -> the session set it gives, exactly as mod_cap's
// set_caps(): a name without +/- is "bad option", a name mod_cap does not know is "unknown capability".
[[nodiscard]] Result<CapabilitySet> parse_capabilities_set(std::span<const std::string_view> args);

struct CapabilitiesDirectives {
    bool engine = true;                    // CapabilitiesEngine
    std::vector<CapabilitySet> set_lines;  // each parsed CapabilitiesSet line, in file order
};
// The session set. Engine off: mod_cap leaves the session as root, so every capability.
[[nodiscard]] CapabilitySet session_capabilities(const CapabilitiesDirectives& directives);

// ---- sets per role ----

struct KeptCapability {
    cap_value_t cap;
    std::string_view reason;
};
// Why each capability a role may hold is there; SECURITY.md prints this table.
[[nodiscard]] std::span<const KeptCapability> capability_reasons() noexcept;
// What the monitor holds beyond mod_cap's session set, because privilege separation needs it.
[[nodiscard]] CapabilitySet privilege_separation_needs() noexcept;
// mod_cap's session set minus what the monitor never uses, plus privilege_separation_needs().
[[nodiscard]] CapabilitySet monitor_capabilities(CapabilitySet session) noexcept;
// In mod_cap's set but of no use in the monitor: CAP_CHOWN (ProFTPD's session process chowns uploads for
// UserOwner/GroupOwner; wardftpd's monitor touches no upload, and a worker holds no capability).
[[nodiscard]] CapabilitySet never_used_by_the_monitor() noexcept;
// The master forks every monitor, so it holds what they hold; nothing more.
[[nodiscard]] CapabilitySet master_capabilities(CapabilitySet session) noexcept;
// The process the master forks to run ExecOnEvent/ExecOnRestart hooks: it sets each hook's ids (CAP_SETUID,
// CAP_SETGID), empties its bounding set (CAP_SETPCAP) and ends it on ExecTimeout (CAP_KILL); nothing else.
[[nodiscard]] CapabilitySet exec_helper_capabilities() noexcept;

// ---- applying ----

// NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE set, KEEP_CAPS clear, all four locked: uid 0 gains nothing
// on execve, a uid change neither clears nor restores capabilities (only capset does), ambient stays empty.
inline constexpr unsigned kLockedSecurebits = 0xef;

struct CapabilityOutcome {
    bool bounding_cut = false;       // false only when unprivileged (no capability to cut it with)
    bool securebits_locked = false;  // likewise
};

// The calling process's permitted set.
[[nodiscard]] Result<CapabilitySet> permitted_capabilities();

// permitted = effective = keep, inheritable and ambient empty, bounding set cut to keep, securebits locked.
// Cutting the bounding set and setting securebits need CAP_SETPCAP; a process holding no capability at all
// skips them (reported), one holding some but not CAP_SETPCAP fails.
[[nodiscard]] Result<CapabilityOutcome> apply_capabilities(CapabilitySet keep);

}  // namespace ward::sandbox
