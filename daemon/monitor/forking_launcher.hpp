#pragma once
// The monitor's half of starting a worker (the WorkerLauncher the session monitor uses): the control relay's
// socketpair when TLS is on, fork, and a pidfd for the child. The child's half, confinement and the FTP
// session, is daemon/worker/launcher.hpp; nothing of it runs in the monitor.
#include "base/unique_fd.hpp"
#include "daemon/monitor/worker_launcher.hpp"
#include "daemon/worker/launcher.hpp"

namespace ward::monitor {

class ForkingLauncher final : public WorkerLauncher {
public:
    explicit ForkingLauncher(worker::WorkerProcess& child) : child_(child) {}

    Result<StartedWorker> start_preauth(ipc::Channel worker_end) override;
    Result<StartedWorker> start_postauth(ipc::Channel worker_end, const PostAuthPlan& plan,
                                         const ftp::HandoverState& state) override;

private:
    worker::WorkerProcess& child_;
    // TLSEngine on: the post-auth worker's end of the control relay's socketpair (start_preauth makes the
    // pair; the pre-auth worker keeps the other end), held here until the post-auth worker is forked.
    UniqueFd relay_postauth_end_;
};

}  // namespace ward::monitor
