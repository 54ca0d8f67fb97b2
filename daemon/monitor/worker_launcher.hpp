#pragma once
// Starting workers is the one thing the monitor delegates: the real launcher (daemon/worker/launcher.cpp)
// forks and confines a child with sandbox/ and runs the FTP session in it; tests script a fake worker.
#include <sys/types.h>

#include <string>

#include "base/result.hpp"
#include "base/unique_fd.hpp"
#include "daemon/auth/account.hpp"
#include "daemon/ftp/session_host.hpp"
#include "daemon/ipc/channel.hpp"

namespace ward::monitor {

// What a post-auth worker is started as, decided by the monitor.
struct PostAuthPlan {
    auth::Account account;     // uid, gid, groups the worker runs as
    ftp::SessionIdentity identity;
    bool anonymous = false;
    std::string chroot;        // empty: not confined to a directory tree
    // FTPS: the control connection is under TLS (the monitor signed its handshake), so the pre-auth worker
    // stays as its relay and the post-auth worker's control connection is the relay's plain end.
    bool tls_relay = false;
};

struct StartedWorker {
    pid_t pid = -1;
    UniqueFd pidfd;  // for poll(); closes with the struct
};

class WorkerLauncher {
public:
    virtual ~WorkerLauncher() = default;
    // `worker_end` goes to the child; the parent must not keep it.
    virtual Result<StartedWorker> start_preauth(ipc::Channel worker_end) = 0;
    virtual Result<StartedWorker> start_postauth(ipc::Channel worker_end, const PostAuthPlan& plan,
                                                 const ftp::HandoverState& state) = 0;
};

}  // namespace ward::monitor
