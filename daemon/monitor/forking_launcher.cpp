#include "daemon/monitor/forking_launcher.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

#include "base/sys.hpp"

namespace ward::monitor {
namespace {

Result<StartedWorker> parent_side(pid_t pid) {
    if (pid < 0) {
        return sys::errno_error("fork");
    }
    auto pidfd = sys::pidfd_open(pid);
    if (!pidfd) {
        (void)::kill(pid, SIGKILL);
        return std::move(pidfd).error();
    }
    StartedWorker worker;
    worker.pid = pid;
    worker.pidfd = std::move(*pidfd);
    return worker;
}

}  // namespace

Result<StartedWorker> ForkingLauncher::start_preauth(ipc::Channel worker_end) {
    UniqueFd relay_end;
    if (child_.tls_engine()) {
        std::array<int, 2> pair{-1, -1};
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair.data()) != 0) {
            return sys::errno_error("socketpair");
        }
        relay_end = UniqueFd(pair[0]);
        relay_postauth_end_ = UniqueFd(pair[1]);
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        relay_postauth_end_.reset();  // the post-auth worker's end is not the pre-auth worker's to hold
        child_.run_preauth(std::move(worker_end), std::move(relay_end));
    }
    return parent_side(pid);
}

Result<StartedWorker> ForkingLauncher::start_postauth(ipc::Channel worker_end, const PostAuthPlan& plan,
                                                      const ftp::HandoverState& state) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        child_.run_postauth(std::move(worker_end), plan, state, std::move(relay_postauth_end_));
    }
    relay_postauth_end_.reset();  // the post-auth worker has it (or, without TLS, nobody needs it)
    return parent_side(pid);
}

}  // namespace ward::monitor
