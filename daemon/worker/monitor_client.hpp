#pragma once
// The worker's side of the monitor protocol: ftp::SessionHost implemented as request_* calls, each the
// twin of the monitor's answer_* (daemon/monitor/session_monitor.cpp). Calls are synchronous; if the
// monitor is gone or answers out of turn, the worker exits at once: it has nothing to save.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/unique_fd.hpp"
#include "daemon/ftp/session_host.hpp"
#include "daemon/ipc/channel.hpp"
#include "daemon/tls/sign_request.hpp"
#include "daemon/worker/hook_interest.hpp"

namespace ward::worker {

class MonitorClient final : public ftp::SessionHost {
public:
    // connect_lines: the ExecOnConnect output the monitor produced before this worker started.
    MonitorClient(ipc::Channel channel, HookInterest interest, std::vector<std::string> connect_lines);

    ftp::LoginResult authenticate(std::string_view user, std::string_view password) override;
    std::optional<ftp::PostAuthSession> hand_over(ftp::HandoverState state) override;
    Result<UniqueFd> hand_over_relayed(const ftp::HandoverState& state) override;
    // FTPS: the pre-auth worker's end of the relay socketpair (the launcher made it; the post-auth worker gets
    // the other end), returned by hand_over_relayed.
    void set_relay_end(UniqueFd end) noexcept { relay_end_ = std::move(end); }
    [[nodiscard]] int relay_end_fd() const noexcept { return relay_end_.get(); }
    [[nodiscard]] bool wants_hook(exec::HookPoint point, std::string_view command) const override;
    std::vector<std::string> run_hooks(exec::HookPoint point, const exec::CommandEvent& event) override;
    Result<UniqueFd> privileged_data_connection(std::uint16_t local_port, const std::string& target_address,
                                                std::uint16_t target_port) override;
    void log_transfer(std::string_view line) override;
    void session_ended(std::string_view reason) override;
    void report_activity(std::string_view command, std::uint64_t bytes, std::uint64_t size,
                         bool transferring) override;
    void report_transfer(bool incoming, exec::TransferStatus status, std::uint64_t bytes) override;
    // The post-auth worker reports its activity and transfers; the monitor refuses them from a pre-auth one.
    void enable_activity_reports() noexcept { reports_activity_ = true; }

    // A TLS handshake's signature, made by the monitor with the key this process never holds (the
    // daemon/tls/remote_key.hpp key object calls this). An Error only if the monitor refused; it then ends
    // the session.
    Result<std::string> sign_handshake(const tls::SignRequest& request);

    [[nodiscard]] int monitor_fd() const noexcept { return channel_.fd(); }

private:
    ipc::Received request(const ipc::Message& message);
    [[noreturn]] static void monitor_lost(const std::string& why);

    ipc::Channel channel_;
    UniqueFd relay_end_;
    HookInterest interest_;
    std::vector<std::string> connect_lines_;
    bool ended_ = false;
    bool reports_activity_ = false;
};

}  // namespace ward::worker
