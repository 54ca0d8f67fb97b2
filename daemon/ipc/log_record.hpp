#pragma once
// A worker's log line or TransferLog (xferlog) line, sent to its session monitor: workers hold no log
// descriptor (OpenSSH's privsep child logs through its monitor the same way). The monitor escapes, stamps and
// writes the text; a record can never become more than one line of a log, whatever bytes it carries.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/log.hpp"

namespace ward::ipc {

struct LogRecord {
    enum class Kind : std::uint8_t {
        system = 0,    // a SystemLog / syslog / stderr line at `level`
        transfer = 1,  // one finished transfer's xferlog line (post-auth workers only); `level` is info
    };
    Kind kind = Kind::system;
    log::Level level = log::Level::info;
    std::string text;  // without its line end; at most Limits::log_text bytes
    bool operator==(const LogRecord&) const = default;
};

// Worker side: from now on this process's log lines go to its monitor over `channel_fd` (a connected
// SOCK_SEQPACKET socket it keeps for its life), cut to the record limit. Used before the worker closes the
// log descriptors it inherited, so even its set-up errors reach the log.
void forward_logs_to(int channel_fd) noexcept;

// Worker side: sends one TransferLog line the same way; false if the monitor is gone.
bool forward_transfer_line(std::string_view line) noexcept;

}  // namespace ward::ipc
