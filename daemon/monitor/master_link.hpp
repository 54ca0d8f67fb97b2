#pragma once
// The monitor's side of its link to the master: LoginAdmission asked over a channel only the session
// process holds (no worker inherits it). The master answers from its own count (daemon/master/login_counts.*).
#include <chrono>

#include "daemon/ipc/channel.hpp"
#include "daemon/monitor/login_admission.hpp"

namespace ward::monitor {

class MasterLink final : public LoginAdmission {
public:
    explicit MasterLink(ipc::Channel channel, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    // Fails closed: a master that does not answer in time refuses the login.
    [[nodiscard]] std::optional<LoginRefusal> admit(const std::string& account, const std::string& login_name) override;
    // Tells the master what this monitor saw (MonitorSetup::report); no answer. A master that cannot take it
    // loses the count, never the session.
    void report(const ipc::SessionEvent& event);
    void report(const ipc::SessionActivity& activity);

private:
    ipc::Channel channel_;
    std::chrono::milliseconds timeout_;
};

}  // namespace ward::monitor
