#include "config/values.hpp"

#include <algorithm>
#include <string>

#include "base/strings.hpp"

namespace ward::config {

std::optional<bool> parse_bool(std::string_view text) noexcept {
    for (const auto yes : {"on", "yes", "true", "1"}) {
        if (iequals(text, yes)) {
            return true;
        }
    }
    for (const auto no : {"off", "no", "false", "0"}) {
        if (iequals(text, no)) {
            return false;
        }
    }
    return std::nullopt;
}

bool is_none(std::string_view text) noexcept { return iequals(text, "none"); }

std::optional<std::uint64_t> parse_duration(std::string_view text) noexcept {
    constexpr std::uint64_t kMinute = 60;
    constexpr std::uint64_t kHour = 3600;
    constexpr std::uint64_t kMax = 2'147'483'647;  // ProFTPD keeps durations in an int
    const auto within = [](std::optional<std::uint64_t> n) -> std::optional<std::uint64_t> {
        return n && *n <= kMax ? n : std::nullopt;
    };
    if (std::count(text.begin(), text.end(), ':') == 2) {
        const auto parts = split(text, ':');
        const auto h = parse_unsigned<std::uint64_t>(parts[0]);
        const auto m = parse_unsigned<std::uint64_t>(parts[1]);
        const auto sec = parse_unsigned<std::uint64_t>(parts[2]);
        if (!h || !m || !sec || *m > 59 || *sec > 59 || *h > kMax / kHour) {
            return std::nullopt;
        }
        return within(*h * kHour + *m * kMinute + *sec);
    }
    const auto digits = text.find_first_not_of("0123456789");
    const auto number = parse_unsigned<std::uint64_t>(text.substr(0, digits));
    if (!number || *number > kMax) {
        return std::nullopt;
    }
    if (digits == std::string_view::npos) {
        return number;
    }
    const std::string_view unit = text.substr(digits);
    struct Unit {
        std::string_view name;
        std::uint64_t seconds;
    };
    for (const Unit u : {Unit{"s", 1}, Unit{"sec", 1}, Unit{"secs", 1}, Unit{"second", 1}, Unit{"seconds", 1},
                         Unit{"m", kMinute}, Unit{"min", kMinute}, Unit{"mins", kMinute}, Unit{"minute", kMinute},
                         Unit{"minutes", kMinute}, Unit{"h", kHour}, Unit{"hr", kHour}, Unit{"hrs", kHour},
                         Unit{"hour", kHour}, Unit{"hours", kHour}}) {
        if (iequals(unit, u.name)) {
            return within(*number * u.seconds);
        }
    }
    return std::nullopt;
}

namespace {
std::string_view arg(const Directive& d, std::size_t index) noexcept {
    return index < d.args.size() ? std::string_view(d.args[index]) : std::string_view();
}
}  // namespace

bool as_bool(const Directive& d, std::size_t index) noexcept { return parse_bool(arg(d, index)).value_or(false); }

std::uint64_t as_unsigned(const Directive& d, std::size_t index) noexcept {
    return parse_unsigned<std::uint64_t>(arg(d, index)).value_or(0);
}

std::uint16_t as_port(const Directive& d, std::size_t index) noexcept {
    return parse_unsigned<std::uint16_t>(arg(d, index)).value_or(0);
}

std::chrono::seconds as_seconds(const Directive& d, std::size_t index) noexcept {
    return std::chrono::seconds(static_cast<std::int64_t>(parse_duration(arg(d, index)).value_or(0)));
}

mode_t as_mode(const Directive& d, std::size_t index) noexcept {
    const auto n = parse_unsigned<unsigned>(arg(d, index), 8).value_or(0);
    return static_cast<mode_t>(n & 0777U);
}

PortRange as_port_range(const Directive& d) noexcept { return {as_port(d, 0), as_port(d, 1)}; }

UmaskValue as_umask(const Directive& d) noexcept {
    const mode_t files = as_mode(d, 0);
    return {files, d.args.size() > 1 ? as_mode(d, 1) : files};
}

HiddenStoresValue as_hidden_stores(const Directive& d, pid_t session_pid) {
    HiddenStoresValue value;
    if (d.args.empty()) {
        return value;
    }
    const std::string& first = d.args[0];
    if (const auto on = parse_bool(first)) {
        value.enabled = *on;
    } else {
        value.enabled = true;
        value.prefix = first.starts_with('.') || d.args.size() > 1 ? first : "." + first + ".";
    }
    if (d.args.size() > 1) {
        value.suffix.clear();
        const std::string& suffix = d.args[1];
        for (std::size_t i = 0; i < suffix.size(); ++i) {
            if (suffix.compare(i, 2, "%P") == 0) {
                value.suffix += std::to_string(session_pid);
                ++i;
            } else {
                value.suffix += suffix[i];
            }
        }
    }
    return value;
}

FilterValue as_filter(const Directive& d) {
    return FilterValue{d.args.at(0), d.args.size() > 1 && (iequals(d.args[1], "[NC]") || iequals(d.args[1], "[nocase]"))};
}

}  // namespace ward::config
