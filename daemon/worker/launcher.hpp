#pragma once
// The child half of starting a worker: in a process the monitor has just forked
// (daemon/monitor/forking_launcher.hpp), confine it with sandbox::apply (one ChildSpec per phase) and run the
// FTP session in it. Nothing in a worker runs before its confinement is complete.
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

class WorkerProcess {
public:
    WorkerProcess(const daemon::DaemonContext& context, const daemon::ServerRuntime& runtime, Connection connection,
                  std::vector<std::string> connect_lines);

    // `relay_end` (TLSEngine on): this worker's end of the control relay's socketpair; the pre-auth worker
    // becomes the relay after a login under TLS, and the post-auth worker's control connection is the other end.
    [[noreturn]] void run_preauth(ipc::Channel channel, UniqueFd relay_end);
    [[noreturn]] void run_postauth(ipc::Channel channel, const monitor::PostAuthPlan& plan,
                                   const ftp::HandoverState& state, UniqueFd relay_end);

    [[nodiscard]] bool tls_engine() const noexcept;

private:
    void name_proxied_client(ftp::SessionSettings& settings) const;
    [[nodiscard]] static std::vector<int> kept_fds(int control_fd, int channel_fd);

    const daemon::DaemonContext& context_;
    const daemon::ServerRuntime& runtime_;
    Connection connection_;
    std::vector<std::string> connect_lines_;
};

}  // namespace ward::worker
