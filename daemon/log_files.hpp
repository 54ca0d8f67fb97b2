#pragma once
// Opening the daemon's log files (SystemLog, TransferLog, ExecLog) as root, with ProFTPD's refusals made
// strict: never through a symlink, never in a directory others can write to.
#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::daemon {

// What open_log_file refuses, checked without creating anything (-t and start-up run it before opening).
[[nodiscard]] Result<void> check_log_file(const std::string& path);
// Opens `path` for appending (created 0640). "none" (any case) is not a path: callers check for it first.
[[nodiscard]] Result<UniqueFd> open_log_file(const std::string& path);

}  // namespace ward::daemon
