#include "daemon/worker/monitor_client.hpp"

#include <unistd.h>

#include <cstring>
#include <utility>

#include "base/log.hpp"

namespace ward::worker {

MonitorClient::MonitorClient(ipc::Channel channel, HookInterest interest, std::vector<std::string> connect_lines)
    : channel_(std::move(channel)), interest_(std::move(interest)), connect_lines_(std::move(connect_lines)) {}

void MonitorClient::monitor_lost(const std::string& why) {
    log::error("session monitor: ", why, "; worker exiting");
    ::_exit(1);
}

ipc::Received MonitorClient::request(const ipc::Message& message) {
    if (auto sent = channel_.send(message); !sent) {
        monitor_lost(sent.error().message);
    }
    auto answer = channel_.receive();
    if (!answer) {
        monitor_lost(answer.error().message);
    }
    return std::move(*answer);
}

ftp::LoginResult MonitorClient::authenticate(std::string_view user, std::string_view password) {
    ipc::AuthRequest message{std::string(user), std::string(password)};
    auto answer = request(message);
    ::explicit_bzero(message.password.data(), message.password.size());
    auto* auth = std::get_if<ipc::AuthAnswer>(&answer.message);
    if (auth == nullptr || answer.fd.valid()) {
        monitor_lost("unexpected answer to an authentication request");
    }
    return ftp::LoginResult{auth->status, auth->reply_text};
}

std::optional<ftp::PostAuthSession> MonitorClient::hand_over(ftp::HandoverState state) {
    // The monitor starts the post-auth worker once this process has gone; nothing here outlives it.
    if (auto sent = channel_.send(ipc::HandoverRequest{std::move(state)}); !sent) {
        monitor_lost(sent.error().message);
    }
    ::_exit(0);
}

// Under TLS this process stays as the relay: the monitor starts the post-auth worker on the relay's other end
// at once (it knows from the signatures it made that this session's control connection is TLS).
Result<UniqueFd> MonitorClient::hand_over_relayed(const ftp::HandoverState& state) {
    if (!relay_end_.valid()) {
        return Error{"no relay socket for a TLS control connection"};
    }
    if (auto sent = channel_.send(ipc::HandoverRequest{state}); !sent) {
        monitor_lost(sent.error().message);
    }
    return std::move(relay_end_);
}

bool MonitorClient::wants_hook(exec::HookPoint point, std::string_view command) const {
    if (point == exec::HookPoint::on_connect) {
        return !connect_lines_.empty();
    }
    return interest_.wants(point, command);
}

std::vector<std::string> MonitorClient::run_hooks(exec::HookPoint point, const exec::CommandEvent& event) {
    if (point == exec::HookPoint::on_connect) {
        return std::exchange(connect_lines_, {});  // ExecOnConnect ran in the monitor before this worker
    }
    auto answer = request(ipc::HookRequest{point, event});
    auto* hooks = std::get_if<ipc::HookAnswer>(&answer.message);
    if (hooks == nullptr || answer.fd.valid()) {
        monitor_lost("unexpected answer to a hook request");
    }
    return std::move(hooks->lines);
}

Result<UniqueFd> MonitorClient::privileged_data_connection(std::uint16_t local_port, const std::string& target_address,
                                                           std::uint16_t target_port) {
    auto answer = request(ipc::DataSocketRequest{local_port, target_address, target_port});
    auto* socket = std::get_if<ipc::DataSocketAnswer>(&answer.message);
    if (socket == nullptr) {
        monitor_lost("unexpected answer to a data socket request");
    }
    if (!socket->ok || !answer.fd.valid()) {
        return Error{socket->error.empty() ? std::string("no socket from the monitor") : socket->error};
    }
    return std::move(answer.fd);
}

Result<std::string> MonitorClient::sign_handshake(const tls::SignRequest& request) {
    auto answer = this->request(ipc::SignatureRequest{request});
    auto* signed_ = std::get_if<ipc::SignatureAnswer>(&answer.message);
    if (signed_ == nullptr || answer.fd.valid()) {
        monitor_lost("unexpected answer to a signature request");
    }
    if (signed_->signature.empty()) {
        return Error{"the monitor refused to sign"};
    }
    return std::move(signed_->signature);
}

void MonitorClient::log_transfer(std::string_view line) {
    if (!ipc::forward_transfer_line(line)) {
        log::warning("TransferLog: the line could not be sent to the session monitor");
    }
}

void MonitorClient::report_activity(std::string_view command, std::uint64_t bytes, std::uint64_t size,
                                    bool transferring) {
    if (!reports_activity_ || ended_) {
        return;
    }
    (void)channel_.send(ipc::WorkerActivity{std::string(command.substr(0, ipc::Limits::activity_command)), bytes,
                                            size, transferring});
}

void MonitorClient::report_transfer(bool incoming, exec::TransferStatus status, std::uint64_t bytes) {
    if (!reports_activity_ || ended_ || status == exec::TransferStatus::none) {
        return;
    }
    (void)channel_.send(ipc::TransferReport{incoming, status, bytes});
}

void MonitorClient::session_ended(std::string_view reason) {
    if (ended_) {
        return;
    }
    ended_ = true;
    const std::string text(reason.substr(0, ipc::Limits::reason));
    (void)channel_.send(ipc::SessionEnd{text});
}

}  // namespace ward::worker
