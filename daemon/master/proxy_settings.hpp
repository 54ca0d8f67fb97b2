#pragma once
// A server's PROXY protocol settings (ProxyProtocolEngine, ProxyProtocolVersion, ProxyProtocolTimeout and
// wardftpd's ProxyProtocolTrustedProxies), read once per configuration. The master asks trusts() of each
// accepted peer: a trusted proxy's connection starts with a header the session process reads
// (proxy_protocol.hpp); any other peer's connection is closed, as nobody else may speak for a client.
#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server.hpp"
#include "daemon/master/proxy_protocol.hpp"

namespace ward::master::proxy {

struct Settings {
    bool engine = false;
    Version version = Version::v1;  // mod_proxy_protocol's default, haproxyV1
    std::chrono::milliseconds timeout{std::chrono::seconds(3)};
    bool trust_all = false;  // ProxyProtocolTrustedProxies all: ProFTPD's own behaviour
    struct Network {
        std::array<unsigned char, 16> bytes{};
        bool v6 = false;
        unsigned bits = 0;
    };
    std::vector<Network> trusted;

    [[nodiscard]] bool trusts(const std::string& address) const;
};

// An error names file:line: ProxyProtocolEngine on without ProxyProtocolTrustedProxies.
[[nodiscard]] Result<Settings> settings_for(const config::Server& server);

}  // namespace ward::master::proxy
