#pragma once
// What a worker reports to its monitor when a hook point is reached (mod_exec's PRE_CMD, POST_CMD,
// POST_CMD_ERR, session start and end). Every field is client-influenced: the monitor treats each one as
// opaque bytes, expands variables in a single pass and passes values as whole argv elements. The monitor
// alone knows the session's identity (%u %g %{uid} %a %p ...) and decides what runs, as whom, and how.
#include <cstdint>
#include <optional>
#include <string>

namespace ward::exec {

enum class HookPoint : std::uint8_t {
    before_command = 1,  // ExecBeforeCommand: after parsing, before the command runs
    on_command = 2,      // ExecOnCommand: the command succeeded; runs before its final reply is sent
    on_error = 3,        // ExecOnError: the command failed; runs before its final reply is sent
    on_connect = 4,      // ExecOnConnect: before the banner
    on_exit = 5,         // ExecOnExit: the session ended (run by the monitor itself)
};

enum class TransferStatus : std::uint8_t { none, success, failed, cancelled, timeout };

struct CommandEvent {
    std::string command;       // %m: the verb, upper case ("RETR"; "SITE" for SITE subcommands)
    std::string arguments;     // %J: the arguments as sent
    std::string command_line;  // %r: the whole line; for PASS always "PASS (hidden)"
    std::string path;          // %F: the file or directory acted on, as the client sees it (absolute)
    std::string rename_from;   // %w source: RNFR's path as the client sees it (absolute)
    std::string cwd;           // %C: the working directory as the client sees it
    int reply_code = 0;        // %s
    std::string reply_text;    // %S
    std::uint64_t bytes = 0;   // %b: bytes of file data sent or received by this command
    std::uint64_t file_offset = 0;          // %{file-offset}: REST position
    std::optional<std::uint64_t> file_size;  // %{file-size}: after the transfer
    bool file_existed = false;               // %{file-modified}
    std::uint64_t transfer_millis = 0;       // %T, %{transfer-millisecs}
    TransferStatus transfer_status = TransferStatus::none;  // %{transfer-status}
    std::string transfer_failure;            // %{transfer-failure}
    bool transfer_binary = true;             // %{transfer-type}
    std::uint16_t transfer_port = 0;         // %{transfer-port}: remote port of the data connection
    std::uint64_t session_bytes_in = 0;      // %I
    std::uint64_t session_bytes_out = 0;     // %O
    std::uint64_t response_millis = 0;       // %R
};

}  // namespace ward::exec
