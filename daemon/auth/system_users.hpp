#pragma once
// The system's accounts (NSS: getpwnam_r, getspnam_r, getgrouplist). Called only by the monitor and the
// master, never by a confined worker.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/auth/passwd_file.hpp"

namespace ward::auth {

// The passwd entry with the real hash (from the shadow file when the passwd field says so).
[[nodiscard]] std::optional<PasswdEntry> system_user(std::string_view name);
[[nodiscard]] std::optional<PasswdEntry> system_user_by_uid(uid_t uid);
[[nodiscard]] std::optional<gid_t> system_group_id(std::string_view name);
[[nodiscard]] std::optional<std::string> system_group_name(gid_t gid);
// Supplementary groups of `name`, the primary one included.
[[nodiscard]] std::vector<gid_t> system_groups_of(std::string_view name, gid_t primary);
// /etc/shells, as getusershell(3) reads it.
[[nodiscard]] bool shell_is_listed(std::string_view shell);
// /etc/ftpusers: names that may never log in over FTP (ProFTPD's UseFtpUsers, on by default).
[[nodiscard]] bool listed_in_ftpusers(std::string_view name);

}  // namespace ward::auth
