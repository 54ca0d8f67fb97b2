#include "bench/client/workloads.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <numeric>
#include <thread>

#include "bench/client/ftp_control.hpp"

namespace ward::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

bool preliminary(int code) { return code == 125 || code == 150; }
bool unsupported(int code) { return code == 500 || code == 502 || code == 504; }

FtpControl logged_in(const Target& target) {
    FtpControl control(target.port);
    control.login(target.user, target.password);
    return control;
}

// One RETR on a fresh passive connection: the bytes read and the wall time from RETR to the 226.
std::pair<std::uint64_t, double> retr_once(FtpControl& control, const std::string& remote) {
    UniqueFd data = control.open_passive();
    const auto start = Clock::now();
    control.send("RETR " + remote);
    const Reply opening = control.read_reply();
    if (!preliminary(opening.code)) {
        throw BenchError("RETR " + remote + ": " + opening.text);
    }
    const std::uint64_t bytes = drain(data.get());
    data.reset();  // close at EOF, as real clients do: ProFTPD waits for it (lingering close) before its 226
    const Reply done = control.read_reply();
    if (done.code != 226 && done.code != 250) {
        throw BenchError("RETR " + remote + " (end): " + done.text);
    }
    return {bytes, ms_between(start, Clock::now())};
}

std::string numbered(const std::string& dir, unsigned i) {
    char name[16];
    std::snprintf(name, sizeof name, "f%05u", i);
    return dir + "/" + name;
}

}  // namespace

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

LoginFigures run_logins(const Target& target, unsigned concurrency, double seconds, std::uint64_t max_logins) {
    std::atomic<std::uint64_t> logins{0};
    std::atomic<std::uint64_t> errors{0};
    std::mutex mutex;
    std::vector<double> times;
    std::string first_error;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto worker = [&] {
        std::vector<double> mine;
        while (Clock::now() < deadline && logins.load() < max_logins) {
            const auto begin = Clock::now();
            try {
                FtpControl control = logged_in(target);
                control.quit();
                mine.push_back(ms_between(begin, Clock::now()));
                logins.fetch_add(1);
            } catch (const BenchError& e) {
                const std::lock_guard lock(mutex);
                if (first_error.empty()) {
                    first_error = e.what();
                }
                // A server that refuses everything must not turn into a busy loop, nor hide behind one.
                if (errors.fetch_add(1) > 1000 && logins.load() == 0) {
                    return;
                }
            }
        }
        const std::lock_guard lock(mutex);
        times.insert(times.end(), mine.begin(), mine.end());
    };
    std::vector<std::thread> threads;
    threads.reserve(concurrency);
    for (unsigned i = 0; i < concurrency; ++i) {
        threads.emplace_back(worker);
    }
    for (auto& thread : threads) {
        thread.join();
    }
    LoginFigures figures;
    figures.seconds = ms_between(start, Clock::now()) / 1000.0;
    figures.logins = logins.load();
    figures.errors = errors.load();
    figures.median_ms = median(times);
    figures.p99_ms = percentile(times, 0.99);
    figures.first_error = first_error;
    return figures;
}

TransferFigures run_retr(const Target& target, const std::string& remote) {
    FtpControl control = logged_in(target);
    control.expect("TYPE I", 200);
    const auto [bytes, ms] = retr_once(control, remote);
    control.quit();
    return {bytes, ms / 1000.0};
}

TransferFigures run_stor(const Target& target, const std::string& local, const std::string& remote) {
    const UniqueFd file(::open(local.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!file || ::fstat(file.get(), &st) != 0) {
        throw BenchError("open " + local + ": " + std::strerror(errno));
    }
    FtpControl control = logged_in(target);
    control.expect("TYPE I", 200);
    UniqueFd data = control.open_passive();
    const auto start = Clock::now();
    control.send("STOR " + remote);
    const Reply opening = control.read_reply();
    if (!preliminary(opening.code)) {
        throw BenchError("STOR " + remote + ": " + opening.text);
    }
    const auto bytes = static_cast<std::uint64_t>(st.st_size);
    send_file(data.get(), file.get(), bytes);
    data.reset();
    const Reply done = control.read_reply();
    if (done.code != 226 && done.code != 250) {
        throw BenchError("STOR " + remote + " (end): " + done.text);
    }
    const double ms = ms_between(start, Clock::now());
    control.quit();
    return {bytes, ms / 1000.0};
}

RepeatFigures run_small_retrs(const Target& target, const std::string& dir, unsigned count) {
    FtpControl control = logged_in(target);
    control.expect("TYPE I", 200);
    RepeatFigures figures;
    const auto start = Clock::now();
    for (unsigned i = 0; i < count; ++i) {
        const auto [bytes, ms] = retr_once(control, numbered(dir, i));
        figures.each_ms.push_back(ms);
        figures.bytes += bytes;
    }
    figures.seconds = ms_between(start, Clock::now()) / 1000.0;
    figures.count = count;
    control.quit();
    return figures;
}

RepeatFigures run_listing(const Target& target, const std::string& verb, const std::string& dir, unsigned repeat) {
    FtpControl control = logged_in(target);
    control.expect("CWD " + dir, 250);
    RepeatFigures figures;
    const auto start = Clock::now();
    for (unsigned i = 0; i < repeat; ++i) {
        UniqueFd data = control.open_passive();
        const auto begin = Clock::now();
        control.send(verb);
        const Reply opening = control.read_reply();
        if (unsupported(opening.code)) {
            figures.unsupported = true;
            figures.reply = opening.text;
            break;
        }
        if (!preliminary(opening.code)) {
            throw BenchError(verb + ": " + opening.text);
        }
        const std::string listing = read_all(data.get());
        data.reset();
        const Reply done = control.read_reply();
        if (done.code != 226 && done.code != 250) {
            throw BenchError(verb + " (end): " + done.text);
        }
        figures.each_ms.push_back(ms_between(begin, Clock::now()));
        figures.bytes = listing.size();
        figures.lines = static_cast<std::uint64_t>(std::count(listing.begin(), listing.end(), '\n'));
        ++figures.count;
    }
    figures.seconds = ms_between(start, Clock::now()) / 1000.0;
    control.quit();
    return figures;
}

RepeatFigures run_repeated_retr(const Target& target, const std::string& remote, unsigned count) {
    constexpr unsigned kWarmups = 10;
    FtpControl control = logged_in(target);
    control.expect("TYPE I", 200);
    for (unsigned i = 0; i < kWarmups; ++i) {
        (void)retr_once(control, remote);
    }
    RepeatFigures figures;
    const auto start = Clock::now();
    for (unsigned i = 0; i < count; ++i) {
        const auto [bytes, ms] = retr_once(control, remote);
        figures.each_ms.push_back(ms);
        figures.bytes = bytes;
    }
    figures.seconds = ms_between(start, Clock::now()) / 1000.0;
    figures.count = count;
    control.quit();
    return figures;
}

void run_idle(const Target& target, unsigned sessions, void (*on_ready)(std::uint64_t logged_in)) {
    constexpr unsigned kThreads = 8;
    std::vector<FtpControl> all;
    all.reserve(sessions);
    std::mutex mutex;
    std::atomic<unsigned> next{0};
    std::string first_error;
    auto worker = [&] {
        while (next.fetch_add(1) < sessions) {
            try {
                FtpControl control = logged_in(target);
                const std::lock_guard lock(mutex);
                all.push_back(std::move(control));
            } catch (const BenchError& e) {
                const std::lock_guard lock(mutex);
                if (first_error.empty()) {
                    first_error = e.what();
                }
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < kThreads; ++i) {
        threads.emplace_back(worker);
    }
    for (auto& thread : threads) {
        thread.join();
    }
    if (all.size() < sessions && !first_error.empty()) {
        std::fprintf(stderr, "idle: %zu of %u sessions logged in; first error: %s\n", all.size(), sessions,
                     first_error.c_str());
    }
    on_ready(all.size());
}

TransferFigures run_loopback(const std::string& file, const std::string& sink) {
    const UniqueFd source(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!source || ::fstat(source.get(), &st) != 0) {
        throw BenchError("open " + file + ": " + std::strerror(errno));
    }
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (!listener || ::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener.get(), 1) != 0 ||
        ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
        throw BenchError(std::string("loopback listener: ") + std::strerror(errno));
    }
    std::uint64_t received = 0;
    std::string receiver_error;
    const auto start = Clock::now();
    std::thread receiver([&] {
        try {
            const UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (!conn) {
                throw BenchError(std::string("accept: ") + std::strerror(errno));
            }
            if (sink.empty()) {
                received = drain(conn.get());
                return;
            }
            const UniqueFd out(::open(sink.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
            if (!out) {
                throw BenchError("open " + sink + ": " + std::strerror(errno));
            }
            std::vector<char> buffer(std::size_t{1} << 20);
            for (;;) {
                const ssize_t n = ::recv(conn.get(), buffer.data(), buffer.size(), 0);
                if (n <= 0) {
                    break;
                }
                std::size_t done = 0;
                while (done < static_cast<std::size_t>(n)) {
                    const ssize_t w = ::write(out.get(), buffer.data() + done, static_cast<std::size_t>(n) - done);
                    if (w <= 0) {
                        throw BenchError("write " + sink + ": " + std::strerror(errno));
                    }
                    done += static_cast<std::size_t>(w);
                }
                received += static_cast<std::uint64_t>(n);
            }
        } catch (const BenchError& e) {
            receiver_error = e.what();
        }
    });
    std::string sender_error;
    try {
        const UniqueFd conn = connect_loopback(ntohs(addr.sin_port));
        send_file(conn.get(), source.get(), static_cast<std::uint64_t>(st.st_size));
    } catch (const BenchError& e) {
        sender_error = e.what();
        ::shutdown(listener.get(), SHUT_RDWR);
    }
    receiver.join();
    if (!sender_error.empty() || !receiver_error.empty()) {
        throw BenchError(sender_error.empty() ? receiver_error : sender_error);
    }
    return {received, ms_between(start, Clock::now()) / 1000.0};
}

}  // namespace ward::bench
