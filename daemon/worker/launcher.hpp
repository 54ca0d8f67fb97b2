#pragma once
// The real WorkerLauncher: forks a worker, confines it with sandbox::apply (one ChildSpec per phase), and
// runs the FTP session in it. Nothing in a worker runs before its confinement is complete.
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/daemon_context.hpp"
#include "daemon/monitor/worker_launcher.hpp"

namespace ward::worker {

struct Connection {
    int control_fd = -1;  // borrowed from the session process
    std::string client_address;
    std::uint16_t client_port = 0;
    std::string local_address;
    std::uint16_t local_port = 0;
    bool proxied = false;  // client_address came from a trusted proxy's header, not from the socket
};

class SandboxedLauncher final : public monitor::WorkerLauncher {
public:
    SandboxedLauncher(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime,
                      Connection connection, std::vector<std::string> connect_lines);

    Result<monitor::StartedWorker> start_preauth(ipc::Channel worker_end) override;
    Result<monitor::StartedWorker> start_postauth(ipc::Channel worker_end, const monitor::PostAuthPlan& plan,
                                                  const ftp::HandoverState& state) override;

private:
    void name_proxied_client(ftp::SessionSettings& settings) const;
    [[noreturn]] void run_preauth(ipc::Channel channel, UniqueFd relay_end);
    [[noreturn]] void run_postauth(ipc::Channel channel, const monitor::PostAuthPlan& plan,
                                   const ftp::HandoverState& state);
    [[nodiscard]] static std::vector<int> kept_fds(int control_fd, int channel_fd);

    const daemon::DaemonContext& context_;
    const daemon::ServerRuntime& runtime_;
    Connection connection_;
    std::vector<std::string> connect_lines_;
    // TLSEngine on: the post-auth worker's end of the control relay's socketpair (start_preauth makes the
    // pair; the pre-auth worker keeps the other end). Used when the login happened under TLS.
    UniqueFd relay_postauth_end_;
};

// In a freshly forked child: default signal dispositions (SIGPIPE ignored), nothing blocked.
void reset_signals();

}  // namespace ward::worker
