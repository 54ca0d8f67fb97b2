#pragma once
// Which addresses and ports the master listens on, from the servers: with SocketBindTight on, each
// server's own addresses; otherwise the wildcard address of each port (dual-stack "::" when UseIPv6 is
// on, ProFTPD's default), and the server is chosen per connection by the address the client reached.
#include <cstdint>
#include <string>
#include <vector>

#include "config/server.hpp"

namespace ward::master {

struct BindPoint {
    std::string address;
    std::uint16_t port = 0;
    bool operator==(const BindPoint&) const = default;
    bool operator<(const BindPoint& other) const {
        return port != other.port ? port < other.port : address < other.address;
    }
};

[[nodiscard]] std::vector<BindPoint> plan_listeners(const config::ServerSet& servers);

}  // namespace ward::master
