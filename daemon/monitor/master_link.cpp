#include "daemon/monitor/master_link.hpp"

#include "base/log.hpp"

namespace ward::monitor {

MasterLink::MasterLink(ipc::Channel channel, std::chrono::milliseconds timeout)
    : channel_(std::move(channel)), timeout_(timeout) {
    channel_.set_send_timeout(timeout_);
}

std::optional<LoginRefusal> MasterLink::admit(const std::string& account, const std::string& login_name) {
    const LoginRefusal unavailable{"the master's count", "Login incorrect."};
    if (auto sent = channel_.send(ipc::LoginCountRequest{account, login_name.substr(0, ipc::Limits::user)}); !sent) {
        log::error("cannot ask the master to count this login: ", sent.error().message);
        return unavailable;
    }
    auto received = channel_.receive(timeout_);
    if (!received) {
        log::error("no answer from the master to count this login: ", received.error().message);
        return unavailable;
    }
    const auto* answer = std::get_if<ipc::LoginCountAnswer>(&received->message);
    if (answer == nullptr || received->fd.valid()) {
        log::error("the master answered a login count with ", ipc::type_name(ipc::type_of(received->message)));
        return unavailable;
    }
    if (answer->admitted) {
        return std::nullopt;
    }
    return LoginRefusal{answer->limit, answer->reply};
}

void MasterLink::report(const ipc::SessionEvent& event) {
    if (auto sent = channel_.send(event); !sent) {
        log::warning("cannot tell the master a session event for its metrics: ", sent.error().message);
    }
}

void MasterLink::report(const ipc::SessionActivity& activity) {
    if (auto sent = channel_.send(activity); !sent) {
        log::debug(2, "cannot tell the master this session's activity: ", sent.error().message);
    }
}

}  // namespace ward::monitor
