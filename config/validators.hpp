#pragma once
// Value checks used by the directive table. Each returns the problem in words, or nothing when the value is
// good; combinators turn them into a DirectiveSpec's ArgValidator.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/registry.hpp"

namespace ward::config::check {

using Problem = std::optional<std::string>;
using ValueCheck = std::function<Problem(std::string_view)>;

[[nodiscard]] Problem boolean(std::string_view v);
[[nodiscard]] Problem number(std::string_view v, std::uint64_t min, std::uint64_t max);
[[nodiscard]] Problem duration(std::string_view v);  // seconds, 20m, 1h, 30s, hh:mm:ss (ProFTPD's timeouts)
[[nodiscard]] Problem port(std::string_view v);  // 0..65535 (ProFTPD: Port 0 disables a server)
[[nodiscard]] Problem absolute_path(std::string_view v);
[[nodiscard]] Problem absolute_path_or_none(std::string_view v);
[[nodiscard]] Problem octal_mode(std::string_view v);
[[nodiscard]] Problem regex(std::string_view v);  // POSIX extended, as ProFTPD compiles it
[[nodiscard]] Problem capability(std::string_view v);  // "+CAP_X" or "-CAP_X"
[[nodiscard]] Problem module_name(std::string_view v);  // mod_[a-z0-9_]+.c
[[nodiscard]] Problem ip_address(std::string_view v);
[[nodiscard]] Problem address_or_host(std::string_view v);
[[nodiscard]] Problem acl_entry(std::string_view v);  // one entry of Allow/Deny from
[[nodiscard]] Problem name_list(std::string_view v);  // "a,!b,c" (users, groups)
[[nodiscard]] Problem command_list(std::string_view v);  // "STOR,RETR,WRITE"
[[nodiscard]] Problem identifier(std::string_view v);  // letters, digits, '_', '-', '.'
[[nodiscard]] Problem one_of(std::string_view v, std::initializer_list<std::string_view> words);

// Every argument passes check.
[[nodiscard]] ArgValidator each(ValueCheck check);
// Argument i passes checks[i]; arguments past the list pass rest (when given).
[[nodiscard]] ArgValidator positional(std::vector<ValueCheck> checks, ValueCheck rest = {});
// The words on/off (as a ValueCheck).
[[nodiscard]] ValueCheck boolean_check();
[[nodiscard]] ValueCheck number_check(std::uint64_t min, std::uint64_t max);
[[nodiscard]] ValueCheck duration_check();
[[nodiscard]] ValueCheck words_check(std::vector<std::string_view> words);

}  // namespace ward::config::check
