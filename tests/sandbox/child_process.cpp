#include "tests/sandbox/child_process.hpp"

#include <fcntl.h>
#include <cerrno>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "base/strings.hpp"

namespace ward::sandbox::testing {

bool ChildResult::exited_with(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

bool ChildResult::killed_by(int signal) const { return WIFSIGNALED(status) && WTERMSIG(status) == signal; }

std::string ChildResult::describe() const {
    std::string out;
    if (WIFEXITED(status)) {
        out = str_cat("exited ", WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        const char* name = ::sigabbrev_np(WTERMSIG(status));
        out = str_cat("killed by SIG", name != nullptr ? name : "?");
    } else {
        out = str_cat("wait status ", status);
    }
    return output.empty() ? out : str_cat(out, ": ", output);
}

void report(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

ChildResult run_in_child(const std::function<int(int report_fd)>& body) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        return {-1, "pipe2 failed"};
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        ::alarm(30);
        ::_exit(body(fds[1]));
    }
    ::close(fds[1]);
    ChildResult result;
    char buf[4096];
    while (true) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        result.output.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    while (::waitpid(pid, &result.status, 0) < 0 && errno == EINTR) {
    }
    return result;
}

}  // namespace ward::sandbox::testing
