#pragma once
// ExecLog: the file mod_exec writes what it runs to, in ProFTPD's wording (scripts parse these lines).
// Opened by the master as root when the configuration is loaded; sessions inherit the descriptor.
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/unique_fd.hpp"

namespace ward::exec {

// Opens (creating, 0640) an ExecLog path as ProFTPD does: never through a symlink, and never in a
// world-writable directory, where another user could swap the file. Errors name the path and the reason.
[[nodiscard]] Result<UniqueFd> open_exec_log(const std::string& path);

class ExecLog {
public:
    ExecLog() = default;
    explicit ExecLog(int fd) : fd_(fd) {}  // borrowed; -1: no log

    // One line: "YYYY-MM-DD HH:MM:SS,mmm mod_exec[pid]: text". Control bytes in text are escaped.
    void write(std::string_view text) const;
    [[nodiscard]] bool enabled() const noexcept { return fd_ >= 0; }

private:
    int fd_ = -1;
};

}  // namespace ward::exec
