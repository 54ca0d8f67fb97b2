#pragma once
// What the configuration needs to know about FTP verbs, read from the one verb table
// (config/command_groups.def): ProFTPD's <Limit> groups (doc/howto/Limit.html), the command lists that
// <Limit> and mod_exec share, and which module serves a verb.
#include <span>
#include <string_view>
#include <vector>

namespace ward::config {

struct VerbFacts {
    std::string_view name;        // "MKD", or "SITE_CHMOD" for a SITE subcommand
    std::string_view limit_name;  // "MKD" for XMKD
    std::string_view group;       // "READ", "WRITE", "DIRS" or empty
    bool in_all;                  // covered by <Limit ALL>
    bool names_directory;         // %d/%D name the directory it works on
    std::string_view module;      // "mod_core.c"
};

// Every verb and SITE_ subcommand of the table.
[[nodiscard]] std::span<const VerbFacts> verb_facts() noexcept;
// The facts of one command (case-insensitive; "SITE_CHMOD" for SITE CHMOD), or nullptr.
[[nodiscard]] const VerbFacts* find_verb_facts(std::string_view command) noexcept;
// The verbs (not SITE subcommands) a module serves, in table order.
[[nodiscard]] std::vector<std::string_view> module_verbs(std::string_view module);

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
