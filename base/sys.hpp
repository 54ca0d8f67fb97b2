#pragma once
// The thin layer over raw system calls that the rest of the code shares: each wrapper retries EINTR,
// checks the result and reports failure as an Error naming what was attempted.
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::sys {

// "what: strerror(err)"
[[nodiscard]] Error errno_error(std::string_view what, int err = errno);
[[nodiscard]] std::string errno_name(int err);

[[nodiscard]] Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0);
[[nodiscard]] Result<void> write_all(int fd, std::string_view data);
// Reads at most max_bytes of a regular file; larger files are an error that names the limit.
[[nodiscard]] Result<std::string> read_file(const std::string& path, std::size_t max_bytes);
[[nodiscard]] Result<std::string> read_fd(int fd, std::size_t max_bytes, std::string_view name);

// Closes every descriptor but `keep` (close_range between the kept ones).
[[nodiscard]] Result<void> close_all_except(std::vector<int> keep);

// A pidfd for a child (glibc 2.36's <sys/pidfd.h> has no C++ linkage, so this calls the syscall).
[[nodiscard]] Result<UniqueFd> pidfd_open(pid_t pid);

}  // namespace ward::sys
