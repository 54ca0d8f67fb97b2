#include "daemon/ipc/log_record.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "daemon/ipc/messages.hpp"

namespace ward::ipc {
namespace {

int g_channel = -1;  // the worker's end of its monitor channel; the worker is single-threaded

// How long a worker waits for room on a full channel before it drops a line (its monitor is busy, e.g.
// running a hook, and reads again when it is done).
constexpr int kSendWaitMillis = 5000;

bool send_record(const LogRecord& record) noexcept {
    if (g_channel < 0) {
        return false;
    }
    try {
        auto bytes = encode(record);
        if (!bytes) {
            return false;
        }
        while (true) {
            if (::send(g_channel, bytes->data(), bytes->size(), MSG_NOSIGNAL) >= 0) {
                return true;
            }
            if (errno == EINTR) {
                continue;
            }
            pollfd pfd{g_channel, POLLOUT, 0};
            if (errno != EAGAIN || ::poll(&pfd, 1, kSendWaitMillis) <= 0) {
                return false;
            }
        }
    } catch (...) {
        return false;  // out of memory while logging: the line is dropped, the worker carries on
    }
}

std::string_view cut(std::string_view text) noexcept { return text.substr(0, Limits::log_text); }

void forward_system(log::Level level, std::string_view message) noexcept {
    try {
        (void)send_record(LogRecord{LogRecord::Kind::system, level, std::string(cut(message))});
    } catch (...) {
    }
}

}  // namespace

void forward_logs_to(int channel_fd) noexcept {
    g_channel = channel_fd;
    log::Sink sink;
    sink.kind = log::Sink::Kind::forward;
    sink.fd = -1;
    sink.forward = &forward_system;
    log::set_sink(sink);
}

bool forward_transfer_line(std::string_view line) noexcept {
    if (line.ends_with('\n')) {
        line.remove_suffix(1);
    }
    try {
        return send_record(LogRecord{LogRecord::Kind::transfer, log::Level::info, std::string(cut(line))});
    } catch (...) {
        return false;
    }
}

}  // namespace ward::ipc
