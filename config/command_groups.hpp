#pragma once
// ProFTPD's FTP command groups (doc/howto/Limit.html) and the command lists that <Limit> and mod_exec share.
#include <string_view>

namespace ward::config {

// The group a command belongs to for <Limit> ("READ", "WRITE", "DIRS"), or empty when it has none.
[[nodiscard]] std::string_view command_group(std::string_view command) noexcept;
// <Limit> semantics: a command is in its own name, its group, and ALL; ALL leaves out LOGIN and the
// data-channel set-up commands EPRT, EPSV, PASV, PORT, PROT and OPTS, as ProFTPD's dir_check_full does.
// CDUP/XCUP, MKD/XMKD, PWD/XPWD and RMD/XRMD name each other (ProFTPD adds the missing twin).
[[nodiscard]] bool command_in_group(std::string_view command, std::string_view group) noexcept;
// mod_exec semantics for a comma-separated list ("STOR,RETR", "WRITE", "ALL"): an entry matches the
// command itself, the command's group, or ALL, which there matches every command.
[[nodiscard]] bool command_list_matches(std::string_view list, std::string_view command) noexcept;
// The X-variant twin of a command ("XMKD" for "MKD"), or empty.
[[nodiscard]] std::string_view command_twin(std::string_view command) noexcept;

}  // namespace ward::config
