#pragma once
// Splits one FTP control line into a verb and its argument (RFC 959 §5.3), and knows which verbs exist.
// Pure: no I/O, fuzzed by fuzz/ftp_command.
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

struct CommandSpec {
    std::string_view verb;
    std::string_view canonical;  // XMKD -> MKD: what <Limit> and handlers see
    bool before_login;           // allowed before USER/PASS succeed
    ArgRule argument;
    std::string_view help;       // HELP's syntax text
};

// The spec of a known verb (upper case), or nullptr.
[[nodiscard]] const CommandSpec* find_command(std::string_view verb) noexcept;
// Every known verb, in HELP order.
[[nodiscard]] std::span<const CommandSpec> command_table() noexcept;

}  // namespace ward::ftp
