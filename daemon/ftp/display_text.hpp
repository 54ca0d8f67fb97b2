#pragma once
// ProFTPD's %-variables in text the administrator wrote (Display* files, ServerIdent), and the reply lines a
// display file becomes. Expansion is one pass: a value put into the output is never scanned again, so a user
// name holding "%C" stays "%C". A sequence with no value here stays as written, as ProFTPD leaves unknown ones.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ward::ftp {

// `lookup` gets a variable's name: one letter ("C") or the text between "%{" and "}" ("version",
// "env:HOME"); nullopt keeps the sequence as written. "%%" is a literal '%'.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;
[[nodiscard]] std::string expand_percent(std::string_view text, const VariableLookup& lookup);

// AccessGrantMsg/AccessDenyMsg text with "%u" as the name sent with USER.
[[nodiscard]] std::string login_message(std::string_view text, std::string_view login_name);

// What a display file's variables stand for (ProFTPD's DisplayFiles table); unset values stay unexpanded.
struct DisplayValues {
    std::string cwd;                          // %C
    std::string server_admin;                 // %E
    std::optional<std::uint64_t> free_bytes;  // %F (bytes, as ProFTPD 1.3.8 prints it), %f (with units)
    std::string local_host;                   // %L
    std::string remote_host;                  // %R
    std::string login_name;                   // %U
    std::string server_name;                  // %V
    std::uint64_t files_in = 0;               // %i
    std::uint64_t files_out = 0;              // %o
    std::uint64_t bytes_in = 0;               // %{total_bytes_in}
    std::uint64_t bytes_out = 0;              // %{total_bytes_out}
};

[[nodiscard]] std::string expand_display(std::string_view text, const DisplayValues& values);

// A display file's text as reply lines in ProFTPD's form: the first line after the reply code, each further
// line indented by one space (RFC 959's continuation form), variables expanded. The caller adds the closing
// line. An empty text (or one holding only a newline) gives no lines.
[[nodiscard]] std::vector<std::string> display_reply_lines(std::string_view text, const DisplayValues& values);

// A display file already opened (by the worker inside its root, or before confinement for DisplayConnect):
// its text, capped at 64 KiB, and with `free_space` the free space of the file system that holds it (%F,
// %f; fstatfs(2), which the confined workers' seccomp filter does not allow, so only DisplayConnect's
// reader, before confinement, asks). nullopt when it is not a regular file or cannot be read; ProFTPD is
// silent then, and so are we (a debug line is logged).
struct DisplayFile {
    std::string text;
    std::optional<std::uint64_t> free_bytes;
};
[[nodiscard]] std::optional<DisplayFile> read_display_file(int fd, std::string_view name, bool free_space);

// Bytes with units for %f/%k, one word as ProFTPD prints them ("512B", "1.5KB", "20.0GB").
[[nodiscard]] std::string with_units(std::uint64_t bytes);

}  // namespace ward::ftp
