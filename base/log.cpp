#include "base/log.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <span>
#include <string>

namespace ward::log {
namespace {

struct State {
    Sink sink;
    int debug_level = 0;
    std::array<char, 64> role{"wardftpd"};
    std::array<char, 64> client{};
    std::array<char, 256> host{"localhost"};
    bool stderr_is_journal = false;
};

void copy_into(std::span<char> buf, std::string_view text) noexcept {
    const std::size_t n = std::min(text.size(), buf.size() - 1);
    text.copy(buf.data(), n);
    buf[n] = '\0';
}

// systemd sets JOURNAL_STREAM=DEV:INODE when stderr is connected to the journal.
bool stderr_is_journal() noexcept {
    const char* stream = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (stream == nullptr || ::fstat(2, &st) != 0) {
        return false;
    }
    const std::string expected = str_cat(static_cast<unsigned long>(st.st_dev), ':',
                                         static_cast<unsigned long>(st.st_ino));
    return expected == stream;
}

// Errors, warnings and debug lines say so, with the process's role ("error (master): ..."); notice and info
// lines are ProFTPD's bare messages, which is what log parsers match.
std::string level_prefix(Level level, std::string_view role) {
    const std::string_view kind = role.substr(0, role.find(' '));
    switch (level) {
        case Level::error: return str_cat("error (", kind, "): ");
        case Level::warning: return str_cat("warning (", kind, "): ");
        case Level::debug: return str_cat("debug (", kind, "): ");
        case Level::notice:
        case Level::info: return {};
    }
    return {};
}

State& state() noexcept {
    static State s;
    return s;
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

void set_role(std::string_view role) noexcept { copy_into(state().role, role); }
void set_client(std::string_view address) noexcept { copy_into(state().client, address); }

void prepare_for_confinement() noexcept {
    ::tzset();
    State& s = state();
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) == 0 && host[0] != '\0') {
        copy_into(s.host, std::string_view(host.data()));
    }
    s.stderr_is_journal = stderr_is_journal();
}

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
        const std::string escaped = escape_for_log(message);
        const std::string_view client(s.client.data());
        const std::string_view host(s.host.data());
        const std::string prefix = level_prefix(level, origin.role);
        if (s.sink.kind == Sink::Kind::syslog) {
            const std::string line =
                client.empty()
                    ? str_cat('<', syslog_priority(level), ">wardftpd[", origin.pid, "]: ", prefix, escaped)
                    : str_cat('<', syslog_priority(level), ">wardftpd[", origin.pid, "]: (", client, '[', client,
                              "]) - ", prefix, escaped);
            (void)::send(s.sink.fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            return;
        }
        if (s.sink.kind == Sink::Kind::stderr_stream && s.stderr_is_journal) {
            // The journal stamps time, host and pid itself; "<N>" carries the priority.
            write_whole(s.sink.fd, client.empty() ? str_cat('<', syslog_priority(level) & 7, '>', prefix, escaped, '\n')
                                                  : str_cat('<', syslog_priority(level) & 7, ">(", client, '[', client,
                                                            "]): ", prefix, escaped, '\n'));
            return;
        }
        timeval now{};
        ::gettimeofday(&now, nullptr);
        tm local{};
        ::localtime_r(&now.tv_sec, &local);
        std::array<char, 32> stamp{};
        const std::size_t len = std::strftime(stamp.data(), stamp.size(), "%Y-%m-%d %H:%M:%S", &local);
        const long ms = now.tv_usec / 1000;
        const std::array<char, 5> millis{',', static_cast<char>('0' + ms / 100), static_cast<char>('0' + (ms / 10) % 10),
                                         static_cast<char>('0' + ms % 10), '\0'};
        const std::string head = str_cat(std::string_view(stamp.data(), len), std::string_view(millis.data()), ' ', host,
                                         " wardftpd[", origin.pid, ']');
        write_whole(s.sink.fd, client.empty() ? str_cat(head, ": ", prefix, escaped, '\n')
                                              : str_cat(head, " (", client, '[', client, "]): ", prefix, escaped, '\n'));
    } catch (...) {
        // Out of memory while logging: drop the line rather than fail the caller.
    }
}

}  // namespace ward::log
