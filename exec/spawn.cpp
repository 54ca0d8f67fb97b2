#include "exec/spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstring>

#include "base/signals.hpp"
#include "base/strings.hpp"
#include "base/sys.hpp"
#include "base/unique_fd.hpp"

namespace ward::exec {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Result<Pipe> make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        return sys::errno_error("pipe2");
    }
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) {
        (void)::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

// In the child: report why it could not start, then leave. Only async-signal-safe calls from here on.
[[noreturn]] void child_fail(int status_fd, std::string_view why) {
    (void)!::write(status_fd, why.data(), why.size());
    ::_exit(127);
}

[[noreturn]] void run_child(SpawnSpec& spec, Pipe& in, Pipe& out, Pipe& err, int status_fd,
                            std::vector<char*>& argv, std::vector<char*>& envp) {
    signals::reset_changed();
    if (::dup2(in.read.get(), 0) < 0 || ::dup2(out.write.get(), 1) < 0 || ::dup2(err.write.get(), 2) < 0) {
        child_fail(status_fd, "dup2 failed");
    }
    spec.child.keep_fds = {0, 1, 2, status_fd};
    // Its own process group, so ExecTimeout reaches whatever the hook started too (the parent sets it as well,
    // whichever of the two runs first).
    if (::setpgid(0, 0) != 0) {
        child_fail(status_fd, "setpgid failed");
    }
    if (auto applied = sandbox::apply(spec.child); !applied) {
        child_fail(status_fd, applied.error().message);
    }
    ::execve(argv[0], argv.data(), envp.data());
    const int e = errno;
    child_fail(status_fd, std::strerror(e));  // NOLINT(concurrency-mt-unsafe): single-threaded child
}

// Reads what is there into `into` (up to the cap; the rest is drained and dropped). False at end of file.
bool drain(int fd, std::string& into) {
    std::array<char, 8192> buf{};
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n > 0) {
            const auto room = kOutputCap - std::min(kOutputCap, into.size());
            into.append(buf.data(), std::min(static_cast<std::size_t>(n), room));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
}

class Waiter {
public:
    Waiter(SpawnOutcome& outcome, pid_t pid, UniqueFd pidfd, const SpawnSpec& spec)
        : outcome_(outcome), pid_(pid), pidfd_(std::move(pidfd)), spec_(spec) {
        if (spec.timeout.count() > 0) {
            term_at_ = Clock::now() + spec.timeout;
        }
    }

    void run(UniqueFd out, UniqueFd err, UniqueFd in) {
        std::string_view pending = spec_.stdin_data ? std::string_view(*spec_.stdin_data) : std::string_view();
        if (pending.empty()) {
            in.reset();
        }
        while (!exited_) {
            std::array<pollfd, 4> fds{{{pidfd_.get(), POLLIN, 0},
                                       {out.get(), POLLIN, 0},
                                       {err.get(), POLLIN, 0},
                                       {in.get(), POLLOUT, 0}}};
            const int ready = ::poll(fds.data(), fds.size(), wait_millis());
            if (ready < 0 && errno != EINTR) {
                break;
            }
            if (fds[1].revents != 0 && !drain(out.get(), outcome_.out)) {
                out.reset();
            }
            if (fds[2].revents != 0 && !drain(err.get(), outcome_.err)) {
                err.reset();
            }
            if (fds[3].revents != 0) {
                const ssize_t n = ::write(in.get(), pending.data(), pending.size());
                if (n > 0) {
                    pending.remove_prefix(static_cast<std::size_t>(n));
                }
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || pending.empty()) {
                    in.reset();
                }
            }
            if (fds[0].revents != 0) {
                reap();
            }
            enforce_timeout();
        }
        in.reset();
        // What the program wrote before it ended; a descendant that keeps the pipe open is not waited for.
        if (out) {
            (void)drain(out.get(), outcome_.out);
        }
        if (err) {
            (void)drain(err.get(), outcome_.err);
        }
    }

private:
    [[nodiscard]] int wait_millis() const {
        const auto next = outcome_.timed_out ? kill_at_ : term_at_;
        if (next == Clock::time_point::max()) {
            return -1;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
        return static_cast<int>(std::clamp<long long>(left, 0, 60000));
    }

    void enforce_timeout() {
        const auto now = Clock::now();
        if (!outcome_.timed_out && now >= term_at_) {
            outcome_.timed_out = true;
            signal_group(SIGTERM);
            kill_at_ = now + spec_.kill_grace;
        } else if (outcome_.timed_out && !outcome_.killed && now >= kill_at_) {
            outcome_.killed = true;
            signal_group(SIGKILL);
            kill_at_ = Clock::time_point::max();
        }
    }

    // The hook and every process it started in its group (the hook is not reaped yet, so its pid still names
    // the group). A descendant that made itself a new session or group is out of reach; the hook seccomp
    // policy does not stop that.
    void signal_group(int sig) const {
        if (::kill(-pid_, sig) != 0) {
            (void)::kill(pid_, sig);
        }
    }

    void reap() {
        int status = 0;
        pid_t got = 0;
        while ((got = ::waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
        }
        if (got != pid_) {
            return;
        }
        exited_ = true;
        if (WIFSIGNALED(status)) {
            outcome_.kind = SpawnOutcome::Kind::signalled;
            outcome_.signal = WTERMSIG(status);
        } else {
            outcome_.kind = SpawnOutcome::Kind::exited;
            outcome_.exit_status = WEXITSTATUS(status);
        }
    }

    SpawnOutcome& outcome_;
    pid_t pid_;
    UniqueFd pidfd_;
    const SpawnSpec& spec_;
    Clock::time_point term_at_ = Clock::time_point::max();
    Clock::time_point kill_at_ = Clock::time_point::max();
    bool exited_ = false;
};

}  // namespace

Result<SpawnOutcome> spawn(SpawnSpec spec) {
    if (spec.argv.empty() || !spec.argv.front().starts_with('/')) {
        return Error{"a hook program needs an absolute path"};
    }
    std::vector<char*> argv;
    for (auto& arg : spec.argv) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : spec.environment) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);

    auto in = make_pipe();
    auto out = make_pipe();
    auto err = make_pipe();
    auto status = make_pipe();
    for (auto* p : {&in, &out, &err, &status}) {
        if (!*p) {
            return p->error();
        }
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        return sys::errno_error("fork");
    }
    if (pid == 0) {
        status->read.reset();
        run_child(spec, *in, *out, *err, status->write.get(), argv, envp);
    }
    (void)::setpgid(pid, pid);  // EACCES once the child has exec'd: it has set it itself by then
    SpawnOutcome outcome;
    outcome.pid = pid;
    in->read.reset();
    out->write.reset();
    err->write.reset();
    status->write.reset();
    auto pidfd = sys::pidfd_open(pid);
    if (!pidfd) {
        (void)::kill(pid, SIGKILL);
        (void)::waitpid(pid, nullptr, 0);
        return pidfd.error();
    }
    for (const int fd : {in->write.get(), out->read.get(), err->read.get()}) {
        set_nonblocking(fd);
    }
    // A program that exits without reading its stdin must not take the caller down with SIGPIPE.
    struct sigaction ignore {};
    struct sigaction previous {};
    ignore.sa_handler = SIG_IGN;
    (void)::sigaction(SIGPIPE, &ignore, &previous);
    Waiter waiter(outcome, pid, std::move(*pidfd), spec);
    waiter.run(std::move(out->read), std::move(err->read), std::move(in->write));
    (void)::sigaction(SIGPIPE, &previous, nullptr);
    // The status pipe is close-on-exec: bytes on it mean the program never started.
    auto why = sys::read_fd(status->read.get(), 4096, "hook status pipe");
    if (why && !why->empty()) {
        outcome.kind = SpawnOutcome::Kind::not_started;
        outcome.start_error = std::move(*why);
    }
    return outcome;
}

}  // namespace ward::exec
