#pragma once
// Readers for ProFTPD's AuthUserFile and AuthGroupFile: /etc/passwd and /etc/group formats.
// The monitor reads them as root on every login, so they are parsed with bounds and fuzzed
// (fuzz/auth_file). Blank lines and lines starting with '#' are skipped, as glibc's fgetpwent does;
// a malformed line is skipped with a warning naming file:line, never half-used.
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::auth {

inline constexpr std::size_t kMaxAuthFileBytes = std::size_t{16} * 1024 * 1024;
inline constexpr std::size_t kMaxAuthLineBytes = 4096;

struct PasswdEntry {
    std::string name;
    std::string hash;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string gecos;
    std::string home;
    std::string shell;
};

struct GroupEntry {
    std::string name;
    gid_t gid = 0;
    std::vector<std::string> members;
};

// One line (without its newline). nullopt for a blank or comment line; an error for a malformed one.
[[nodiscard]] Result<std::optional<PasswdEntry>> parse_passwd_line(std::string_view line);
[[nodiscard]] Result<std::optional<GroupEntry>> parse_group_line(std::string_view line);

struct Warning {
    std::size_t line = 0;
    std::string message;
};

// Finds a user by name in a passwd-format text; the first match wins, as with getpwnam.
[[nodiscard]] std::optional<PasswdEntry> find_passwd(std::string_view text, std::string_view name,
                                                     std::vector<Warning>* warnings = nullptr);
// Every group in a group-format text.
[[nodiscard]] std::vector<GroupEntry> read_groups(std::string_view text, std::vector<Warning>* warnings = nullptr);

// Reads an auth file as root with the checks ProFTPD leaves out: a regular file, not a symlink, not
// writable by group or others, at most kMaxAuthFileBytes.
[[nodiscard]] Result<std::string> read_auth_file(const std::string& path);

}  // namespace ward::auth
