#include "base/log.hpp"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <ctime>
#include <string>

namespace ward::log {
namespace {

struct State {
    Sink sink;
    int debug_level = 0;
    std::array<char, 64> role{"wardftpd"};
};

State& state() noexcept {
    static State s;
    return s;
}

const char* level_name(Level level) noexcept {
    switch (level) {
        case Level::error: return "error";
        case Level::warning: return "warning";
        case Level::notice: return "notice";
        case Level::info: return "info";
        case Level::debug: return "debug";
    }
    return "?";
}

int syslog_priority(Level level) noexcept {
    // LOG_DAEMON (3 << 3) with the RFC 5424 severity.
    constexpr int kDaemon = 3 << 3;
    switch (level) {
        case Level::error: return kDaemon | 3;
        case Level::warning: return kDaemon | 4;
        case Level::notice: return kDaemon | 5;
        case Level::info: return kDaemon | 6;
        case Level::debug: return kDaemon | 7;
    }
    return kDaemon | 6;
}

void write_whole(int fd, const std::string& line) noexcept {
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;  // a log that cannot be written must not take the process down
        }
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

void set_sink(Sink sink) noexcept { state().sink = sink; }
Sink sink() noexcept { return state().sink; }
void set_debug_level(int level) noexcept { state().debug_level = level; }
int debug_level() noexcept { return state().debug_level; }

void set_role(std::string_view role) noexcept {
    auto& buf = state().role;
    const std::size_t n = std::min(role.size(), buf.size() - 1);
    role.copy(buf.data(), n);
    buf[n] = '\0';
}

void prepare_for_confinement() noexcept { ::tzset(); }

bool enabled(Level level, int detail) noexcept {
    const State& s = state();
    if (s.sink.kind == Sink::Kind::none) {
        return false;
    }
    if (level == Level::debug) {
        return detail <= s.debug_level && s.debug_level > 0;
    }
    return true;
}

void write(Level level, std::string_view message) noexcept {
    const State& s = state();
    if (s.sink.kind == Sink::Kind::forward) {
        if (s.sink.forward != nullptr) {
            s.sink.forward(level, message);
        }
        return;
    }
    write_from(Origin{s.role.data(), static_cast<int>(::getpid())}, level, message);
}

void write_from(const Origin& origin, Level level, std::string_view message) noexcept {
    const State& s = state();
    if (s.sink.kind == Sink::Kind::none || s.sink.kind == Sink::Kind::forward || s.sink.fd < 0) {
        return;
    }
    try {
        std::string line;
        line.reserve(message.size() + 80);
        const std::string escaped = escape_for_log(message);
        if (s.sink.kind == Sink::Kind::syslog) {
            line = str_cat('<', syslog_priority(level), ">wardftpd[", origin.pid, "]: ", origin.role, ": ",
                           escaped);
            (void)::send(s.sink.fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            return;
        }
        timeval now{};
        ::gettimeofday(&now, nullptr);
        tm local{};
        ::localtime_r(&now.tv_sec, &local);
        std::array<char, 32> stamp{};
        const std::size_t len = std::strftime(stamp.data(), stamp.size(), "%Y-%m-%d %H:%M:%S", &local);
        char millis[8];
        const long ms = now.tv_usec / 1000;
        millis[0] = ',';
        millis[1] = static_cast<char>('0' + ms / 100);
        millis[2] = static_cast<char>('0' + (ms / 10) % 10);
        millis[3] = static_cast<char>('0' + ms % 10);
        millis[4] = '\0';
        line = str_cat(std::string_view(stamp.data(), len), std::string_view(millis), " wardftpd[", origin.pid, "] ",
                       origin.role, " ", level_name(level), ": ", escaped, '\n');
        write_whole(s.sink.fd, line);
    } catch (...) {
        // Out of memory while logging: drop the line rather than fail the caller.
    }
}

}  // namespace ward::log
