#pragma once
// The daemon's log: one line per write(2), so lines from many processes sharing an O_APPEND file never
// interleave. Every message is escaped (escape_for_log), so client bytes cannot forge a line.
// Lines follow ProFTPD's SystemLog layout, so tools written for it (fail2ban's stock proftpd filter) read them:
//   file, stderr:  2026-12-03 06:10:00,123 HOST wardftpd[PID] (CLIENT[CLIENT]): USER alice (Login failed): ...
//   syslog:        <PRI>wardftpd[PID]: (CLIENT[CLIENT]) - USER alice (Login failed): ...   (syslog adds the host)
//   journal:       <PRI>(CLIENT[CLIENT]): USER alice ...   (stderr when it is systemd's journal stream)
// The "(CLIENT[CLIENT])" part is there in session processes (set_client); errors and warnings start
// "error: " / "warning: ".
#include <string_view>

#include "base/strings.hpp"

namespace ward::log {

enum class Level : int { error = 0, warning = 1, notice = 2, info = 3, debug = 4 };

// A worker holds no log descriptor: its lines go to `forward` (the session monitor's channel), and the monitor
// stamps, escapes and writes them with write_from().
using Forward = void (*)(Level level, std::string_view message) noexcept;

struct Sink {
    enum class Kind { stderr_stream, file, syslog, forward, none } kind = Kind::stderr_stream;
    int fd = 2;  // borrowed: the process that opened it keeps it open for the process's life
    Forward forward = nullptr;  // Kind::forward only
};

void set_sink(Sink sink) noexcept;
[[nodiscard]] Sink sink() noexcept;
// ProFTPD's -d: 0 logs errors to info; 1..10 add debug detail.
void set_debug_level(int level) noexcept;
[[nodiscard]] int debug_level() noexcept;
// The process's role in each line: "master", "monitor", "worker", "hook".
void set_role(std::string_view role) noexcept;
// The client address of this session process and its children (empty in the master).
void set_client(std::string_view address) noexcept;
// Reads the time zone and the host name now, while /etc/localtime and uname(2) are still reachable (before
// chroot or seccomp), and whether stderr is systemd's journal stream ($JOURNAL_STREAM).
void prepare_for_confinement() noexcept;

[[nodiscard]] bool enabled(Level level, int detail = 0) noexcept;
void write(Level level, std::string_view message) noexcept;
// A line another process sent this one (a worker's, received by its monitor): written with that process's
// role and pid, escaped and stamped here like any other line.
struct Origin {
    std::string_view role;
    int pid = 0;
};
void write_from(const Origin& origin, Level level, std::string_view message) noexcept;

template <class... Pieces>
void error(const Pieces&... pieces) {
    if (enabled(Level::error)) {
        write(Level::error, str_cat(pieces...));
    }
}
template <class... Pieces>
void warning(const Pieces&... pieces) {
    if (enabled(Level::warning)) {
        write(Level::warning, str_cat(pieces...));
    }
}
template <class... Pieces>
void notice(const Pieces&... pieces) {
    if (enabled(Level::notice)) {
        write(Level::notice, str_cat(pieces...));
    }
}
template <class... Pieces>
void info(const Pieces&... pieces) {
    if (enabled(Level::info)) {
        write(Level::info, str_cat(pieces...));
    }
}
// detail: 1 (a few lines per session) .. 10 (every byte-level step).
template <class... Pieces>
void debug(int detail, const Pieces&... pieces) {
    if (enabled(Level::debug, detail)) {
        write(Level::debug, str_cat(pieces...));
    }
}

}  // namespace ward::log
