#include "daemon/monitor/proxied_client.hpp"

#include <sys/socket.h>

#include "base/log.hpp"
#include "base/strings.hpp"

namespace ward::monitor {
namespace {

constexpr auto kMasterTimeout = std::chrono::milliseconds(5000);

// Asks the master to count the session under `client`; nullopt = admitted, else the 530 text.
std::optional<std::string> master_refusal(ipc::Channel& link, const ipc::ProxiedClient& client) {
    if (!link.valid()) {
        return std::nullopt;  // -X: the master serves this one session itself and counts nothing
    }
    link.set_send_timeout(kMasterTimeout);
    if (auto sent = link.send(client); !sent) {
        log::error("cannot ask the master to count the proxied client: ", sent.error().message);
        return std::string("Too many connections; try again later");
    }
    auto received = link.receive(kMasterTimeout);
    const auto* answer = received ? std::get_if<ipc::ProxiedClientAnswer>(&received->message) : nullptr;
    if (answer == nullptr || received->fd.valid()) {
        log::error("no usable answer from the master to count the proxied client");
        return std::string("Too many connections; try again later");
    }
    if (answer->admitted) {
        return std::nullopt;
    }
    log::notice(answer->limit, " reached, new connection denied");
    return answer->reply;
}

}  // namespace

bool take_proxied_client(const master::proxy::Settings& settings, AcceptedConnection& connection) {
    const std::string proxy = connection.client_address;
    auto header = master::proxy::read_header(connection.socket.get(), settings.version, settings.timeout);
    if (!header) {
        log::notice("PROXY protocol: bad header from the trusted proxy ", proxy, ": ", header.error().message,
                    "; connection closed");
        return false;
    }
    if (header->proxied) {
        connection.client_address = header->source_address;
        connection.client_port = header->source_port;
        log::set_role(str_cat("session ", connection.client_address));
        log::set_client(connection.client_address);
        log::debug(1, "PROXY protocol: client ", connection.client_address, " port ", connection.client_port,
                   " via proxy ", proxy);
    } else {
        log::debug(1, "PROXY protocol: the proxy ", proxy, " speaks for itself (LOCAL/UNKNOWN)");
    }
    if (auto refusal = master_refusal(connection.master_link,
                                      ipc::ProxiedClient{connection.client_address, connection.client_port})) {
        const std::string reply = str_cat("530 ", *refusal, "\r\n");
        (void)::send(connection.socket.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        return false;
    }
    return true;
}

}  // namespace ward::monitor
