#pragma once
// Splits one FTP control line into a verb and its argument (RFC 959 §5.3), and knows which verbs exist
// (the rows of config/command_groups.def, the one verb table). Pure: no I/O, fuzzed by fuzz/ftp_command.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ward::ftp {

inline constexpr std::size_t kMaxVerbBytes = 16;

struct ParsedCommand {
    std::string verb;      // upper case; empty when the line has no valid verb
    std::string argument;  // everything after the first space, as sent (file names may hold spaces)
    bool has_argument = false;
    bool valid_verb = false;  // 1..kMaxVerbBytes ASCII letters
};

// "RETR my file" -> {"RETR", "my file"}. A verb that is not letters only is reported as invalid, and the
// verb field then holds a printable rendering for the "not understood" reply.
[[nodiscard]] ParsedCommand parse_command(std::string_view line);

// SITE's argument "CHMOD 755 f" -> {"CHMOD", "755 f"}.
[[nodiscard]] ParsedCommand parse_site_command(std::string_view argument);

enum class ArgRule : std::uint8_t { none, optional, required };
// Where <Limit> is checked (config/command_groups.def explains each).
enum class LimitCheck : std::uint8_t { never, cwd, cwd_501, argument };
// Where the argument names a path for %F: the whole argument, or what follows its first word (MFMT).
enum class PathArg : std::uint8_t { no_path, whole_argument, after_first_word };

struct CommandSpec {
    std::string_view verb;
    std::string_view canonical;  // XMKD -> MKD: what <Limit> and handlers see
    bool before_login;           // allowed before USER/PASS succeed
    ArgRule argument;
    LimitCheck check;
    PathArg path;
    std::string_view feat;       // FEAT line without its leading space, or empty
    std::string_view help;       // HELP's syntax text
    std::string_view module;     // the ProFTPD module that serves it ("mod_tls.c": only with FTPS configured)
};

// A SITE subcommand served by the protocol layer or by a loaded module.
struct SiteSpec {
    std::string_view verb;        // "CHMOD"
    std::string_view limit_name;  // "SITE_CHMOD"
    LimitCheck check;
    std::string_view help;
};

// The spec of a known verb (upper case), or nullptr.
[[nodiscard]] const CommandSpec* find_command(std::string_view verb) noexcept;
// Every known verb, in HELP order.
[[nodiscard]] std::span<const CommandSpec> command_table() noexcept;
// The part of `argument` that names a path (%F before the command runs), or empty.
[[nodiscard]] std::string_view path_of_argument(const CommandSpec& spec, std::string_view argument) noexcept;
// The spec of a SITE subcommand (upper case), or nullptr.
[[nodiscard]] const SiteSpec* find_site_command(std::string_view verb) noexcept;
[[nodiscard]] std::span<const SiteSpec> site_table() noexcept;

}  // namespace ward::ftp
