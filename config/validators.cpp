#include "config/validators.hpp"

#include <arpa/inet.h>
#include <regex.h>
#include <sys/capability.h>

#include <algorithm>
#include <array>
#include <span>

#include "base/strings.hpp"
#include "config/values.hpp"

namespace ward::config::check {
namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

}  // namespace

Problem boolean(std::string_view v) {
    if (parse_bool(v)) {
        return std::nullopt;
    }
    return str_cat("expected on or off, not '", v, "'");
}

Problem number(std::string_view v, std::uint64_t min, std::uint64_t max) {
    const auto n = parse_unsigned<std::uint64_t>(v);
    if (!n || *n < min || *n > max) {
        return str_cat("'", v, "' is not a number from ", min, " to ", max);
    }
    return std::nullopt;
}

Problem duration(std::string_view v) {
    if (parse_duration(v)) {
        return std::nullopt;
    }
    return str_cat("'", v, "' is not a duration (seconds, or a number with s, m or h, or hh:mm:ss)");
}

Problem port(std::string_view v) {
    const auto n = parse_unsigned<std::uint32_t>(v);
    if (!n || *n > 65535) {
        return str_cat("'", v, "' is not a port number (0-65535)");
    }
    return std::nullopt;
}

Problem absolute_path(std::string_view v) {
    if (v.empty() || v.front() != '/') {
        return str_cat("'", v, "' must be an absolute path");
    }
    if (v.find('\0') != std::string_view::npos) {
        return std::string("a path cannot contain a NUL byte");
    }
    return std::nullopt;
}

Problem absolute_path_or_none(std::string_view v) {
    if (iequals(v, "none")) {
        return std::nullopt;
    }
    if (absolute_path(v)) {
        return str_cat("'", v, "' must be an absolute path or none");
    }
    return std::nullopt;
}

Problem octal_mode(std::string_view v) {
    const auto n = parse_unsigned<unsigned>(v, 8);
    if (!n || *n > 0777) {
        return str_cat("'", v, "' is not an octal mode from 000 to 777");
    }
    return std::nullopt;
}

Problem regex(std::string_view v) {
    const std::string pattern(v);
    regex_t compiled{};
    const int rc = ::regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        std::array<char, 256> text{};
        ::regerror(rc, &compiled, text.data(), text.size());
        ::regfree(&compiled);
        return str_cat("'", v, "' is not a valid regular expression: ", text.data());
    }
    ::regfree(&compiled);
    return std::nullopt;
}

Problem capability(std::string_view v) {
    if (v.size() < 2 || (v.front() != '+' && v.front() != '-')) {
        return str_cat("'", v, "' must start with + or - (e.g. +CAP_CHOWN)");
    }
    const std::string name = to_lower(v.substr(1));
    cap_value_t value{};
    if (!name.starts_with("cap_") || ::cap_from_name(name.c_str(), &value) != 0) {
        return str_cat("unknown capability '", v.substr(1), "'");
    }
    return std::nullopt;
}

Problem module_name(std::string_view v) {
    constexpr std::string_view kPrefix = "mod_";
    constexpr std::string_view kSuffix = ".c";
    bool good = v.size() > kPrefix.size() + kSuffix.size() && v.starts_with(kPrefix) && v.ends_with(kSuffix);
    if (good) {
        const auto body = v.substr(kPrefix.size(), v.size() - kPrefix.size() - kSuffix.size());
        good = std::all_of(body.begin(), body.end(),
                           [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
    }
    if (!good) {
        return str_cat("'", v, "' is not a module name (mod_[a-z0-9_]+.c)");
    }
    return std::nullopt;
}

Problem ip_address(std::string_view v) {
    const std::string text(v);
    std::array<unsigned char, 16> buf{};
    if (::inet_pton(AF_INET, text.c_str(), buf.data()) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf.data()) == 1) {
        return std::nullopt;
    }
    return str_cat("'", v, "' is not an IP address");
}

Problem address_or_host(std::string_view v) {
    if (!ip_address(v)) {
        return std::nullopt;
    }
    const bool host_like = !v.empty() && v.size() <= 253 && v.front() != '-' && v.front() != '.' &&
                           std::all_of(v.begin(), v.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                                      c == '-' || c == '.';
                           });
    if (!host_like) {
        return str_cat("'", v, "' is neither an IP address nor a host name");
    }
    return std::nullopt;
}

Problem acl_entry(std::string_view v) {
    std::string_view body = v;
    if (body.starts_with('!')) {
        body.remove_prefix(1);
        if (iequals(body, "all") || iequals(body, "none")) {
            return std::string("the ! negation operator cannot be used with ALL/NONE");
        }
    }
    if (body.empty()) {
        return str_cat("empty address in '", v, "'");
    }
    if (iequals(body, "all") || iequals(body, "none")) {
        return std::nullopt;
    }
    if (const auto slash = body.find('/'); slash != std::string_view::npos) {
        const auto addr = body.substr(0, slash);
        if (ip_address(addr)) {
            return str_cat("'", v, "': '", addr, "' is not an IP address");
        }
        const unsigned max_bits = addr.find(':') == std::string_view::npos ? 32U : 128U;
        const auto bits = parse_unsigned<unsigned>(body.substr(slash + 1));
        if (!bits || *bits > max_bits) {
            return str_cat("'", v, "': the prefix length must be 0 to ", max_bits);
        }
        return std::nullopt;
    }
    if (!ip_address(body)) {
        return std::nullopt;
    }
    const bool pattern_like = std::all_of(body.begin(), body.end(), [](char c) {
        return is_name_char(c) || c == '*' || c == '?' || c == ':' || c == '[' || c == ']';
    });
    if (!pattern_like) {
        return str_cat("'", v, "' is not an address, network, host name or pattern");
    }
    return std::nullopt;
}

Problem name_list(std::string_view v) {
    for (auto item : split(v, ',')) {
        if (item.starts_with('!')) {
            item.remove_prefix(1);
        }
        if (item.empty()) {
            return str_cat("empty name in the list '", v, "'");
        }
        if (item.find_first_of(" \t") != std::string_view::npos) {
            return str_cat("'", item, "' is not a name");
        }
    }
    return std::nullopt;
}

Problem command_list(std::string_view v) {
    for (const auto item : split(v, ',')) {
        const bool good = !item.empty() && std::all_of(item.begin(), item.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!good) {
            return str_cat("'", item, "' is not an FTP command or command group");
        }
    }
    return std::nullopt;
}

Problem identifier(std::string_view v) {
    if (v.empty() || !std::all_of(v.begin(), v.end(), is_name_char)) {
        return str_cat("'", v, "' is not a valid name");
    }
    return std::nullopt;
}

namespace {

Problem one_of_words(std::string_view v, std::span<const std::string_view> words) {
    for (const auto w : words) {
        if (iequals(v, w)) {
            return std::nullopt;
        }
    }
    std::string list;
    for (const auto w : words) {
        list += list.empty() ? "" : "|";
        list += w;
    }
    return str_cat("expected ", list, ", not '", v, "'");
}

}  // namespace

Problem one_of(std::string_view v, std::initializer_list<std::string_view> words) {
    return one_of_words(v, std::span<const std::string_view>(words.begin(), words.size()));
}

ArgValidator each(ValueCheck check) {
    return [check = std::move(check)](std::span<const std::string> args) -> std::optional<ArgProblem> {
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (auto problem = check(args[i])) {
                return ArgProblem{i, std::move(*problem)};
            }
        }
        return std::nullopt;
    };
}

ArgValidator positional(std::vector<ValueCheck> checks, ValueCheck rest) {
    return [checks = std::move(checks), rest = std::move(rest)](
               std::span<const std::string> args) -> std::optional<ArgProblem> {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const ValueCheck* check = i < checks.size() ? &checks[i] : &rest;
            if (*check) {
                if (auto problem = (*check)(args[i])) {
                    return ArgProblem{i, std::move(*problem)};
                }
            }
        }
        return std::nullopt;
    };
}

ValueCheck duration_check() { return [](std::string_view v) { return duration(v); }; }

ValueCheck boolean_check() { return [](std::string_view v) { return boolean(v); }; }

ValueCheck number_check(std::uint64_t min, std::uint64_t max) {
    return [min, max](std::string_view v) { return number(v, min, max); };
}

ValueCheck words_check(std::vector<std::string_view> words) {
    return [words = std::move(words)](std::string_view v) -> Problem { return one_of_words(v, words); };
}

}  // namespace ward::config::check
