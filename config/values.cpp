#include "config/values.hpp"

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
    const auto n = parse_unsigned<std::uint32_t>(arg(d, index)).value_or(0);
    return std::chrono::seconds(n);
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

}  // namespace ward::config
