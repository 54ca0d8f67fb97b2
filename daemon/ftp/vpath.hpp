#pragma once
// Virtual paths: the names a client sees, always absolute and normalized ("/", "/a/b"), never holding
// "." or ".." components or empty ones. The session keeps its working directory this way and turns every
// client path into one before resolving it below the session root (rooted_fs.hpp).
// Pure: no I/O, fuzzed by fuzz/ftp_path.
#include <string>
#include <string_view>

namespace ward::ftp {

// Joins a client path onto the working directory (itself a virtual path) and normalizes: "." is dropped,
// ".." removes the previous component and stops at "/", repeated slashes collapse. An absolute client
// path starts from "/". "~" alone or as the first component means `home` (a virtual path), as in ProFTPD.
[[nodiscard]] std::string resolve_virtual(std::string_view cwd, std::string_view client_path,
                                          std::string_view home = "/");

// True for a path resolve_virtual can return.
[[nodiscard]] bool is_normalized_virtual(std::string_view path) noexcept;

// "/a/b" -> "a/b"; "/" -> "." (a path relative to the root directory fd).
[[nodiscard]] std::string relative_to_root(std::string_view vpath);
// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
[[nodiscard]] std::string_view virtual_parent(std::string_view vpath) noexcept;
// "/a/b" -> "b"; "/" -> "".
[[nodiscard]] std::string_view virtual_basename(std::string_view vpath) noexcept;
// Real path for AccessPolicy and hooks: root + vpath, without a doubled slash.
[[nodiscard]] std::string real_path(std::string_view root, std::string_view vpath);
// A path inside "..." of a 257 reply: every '"' doubled (RFC 959 Appendix II).
[[nodiscard]] std::string quote_for_257(std::string_view path);

}  // namespace ward::ftp
