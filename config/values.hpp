#pragma once
// Typed readings of a directive's arguments. The registry has already checked every argument, so these
// cannot fail on a directive from a loaded Config; given an argument the registry would have refused (or an
// index past the end), they return the zero value of their type.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/model.hpp"

namespace ward::config {

// on/off, yes/no, true/false, 1/0 (case-insensitive), as ProFTPD's get_boolean.
[[nodiscard]] std::optional<bool> parse_bool(std::string_view text) noexcept;
[[nodiscard]] bool is_none(std::string_view text) noexcept;  // "none", any case
// A duration as ProFTPD's pr_str_get_duration reads it: plain seconds ("30"), a number with a unit suffix
// ("30s", "20m", "1h"; also sec/secs/min/mins/hr/hrs/hour/hours, any case) or "hh:mm:ss".
[[nodiscard]] std::optional<std::uint64_t> parse_duration(std::string_view text) noexcept;

[[nodiscard]] bool as_bool(const Directive& d, std::size_t index = 0) noexcept;
[[nodiscard]] std::uint64_t as_unsigned(const Directive& d, std::size_t index = 0) noexcept;
[[nodiscard]] std::uint16_t as_port(const Directive& d, std::size_t index = 0) noexcept;
[[nodiscard]] std::chrono::seconds as_seconds(const Directive& d, std::size_t index = 0) noexcept;  // a duration
[[nodiscard]] mode_t as_mode(const Directive& d, std::size_t index = 0) noexcept;  // octal

struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};
[[nodiscard]] PortRange as_port_range(const Directive& d) noexcept;  // PassivePorts first last

struct UmaskValue {
    mode_t files = 022;
    mode_t directories = 022;  // the second argument, or the first when there is none
};
[[nodiscard]] UmaskValue as_umask(const Directive& d) noexcept;

// HiddenStores on|off|prefix [suffix], as ProFTPD's mod_xfer reads it: "on" is ".in." and ".", a lone prefix
// that does not start with '.' is wrapped as ".prefix." (given with a suffix, it is used as written); the suffix (default ".") may hold %P, the session's pid.
struct HiddenStoresValue {
    bool enabled = false;
    std::string prefix = ".in.";
    std::string suffix = ".";
};
[[nodiscard]] HiddenStoresValue as_hidden_stores(const Directive& d, pid_t session_pid);

// AllowFilter/DenyFilter/PathAllowFilter/PathDenyFilter regex [flags]: the registry lets only "[NC]" or
// "[nocase]" stand as flags (REG_ICASE), as ProFTPD's pr_filter_parse_flags.
struct FilterValue {
    std::string pattern;
    bool ignore_case = false;
};
[[nodiscard]] FilterValue as_filter(const Directive& d);

}  // namespace ward::config
