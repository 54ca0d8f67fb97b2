#include "daemon/master/proxy_settings.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "base/strings.hpp"
#include "config/values.hpp"

namespace ward::master::proxy {
namespace {

std::optional<Settings::Network> parse_address(std::string_view text) {
    Settings::Network network;
    const std::string copy(text);
    if (::inet_pton(AF_INET, copy.c_str(), network.bytes.data()) == 1) {
        network.bits = 32;
        return network;
    }
    if (::inet_pton(AF_INET6, copy.c_str(), network.bytes.data()) == 1) {
        network.v6 = true;
        network.bits = 128;
        return network;
    }
    return std::nullopt;
}

bool prefix_equal(const Settings::Network& network, const Settings::Network& address) {
    const unsigned whole = network.bits / 8;
    for (unsigned i = 0; i < whole; ++i) {
        if (network.bytes[i] != address.bytes[i]) {
            return false;
        }
    }
    const unsigned rest = network.bits % 8;
    if (rest == 0) {
        return true;
    }
    const auto mask = static_cast<unsigned char>(0xffU << (8 - rest));
    return (network.bytes[whole] & mask) == (address.bytes[whole] & mask);
}

}  // namespace

bool Settings::trusts(const std::string& address) const {
    if (trust_all) {
        return true;
    }
    const auto peer = parse_address(address);
    if (!peer) {
        return false;
    }
    for (const Network& network : trusted) {
        if (network.v6 == peer->v6 && prefix_equal(network, *peer)) {
            return true;
        }
    }
    return false;
}

Result<Settings> settings_for(const config::Server& server) {
    Settings settings;
    const config::Directive* engine = server.get("ProxyProtocolEngine");
    settings.engine = engine != nullptr && config::as_bool(*engine);
    if (const config::Directive* version = server.get("ProxyProtocolVersion")) {
        settings.version = version->args.at(0).back() == '2' ? Version::v2 : Version::v1;
    }
    if (const config::Directive* timeout = server.get("ProxyProtocolTimeout")) {
        settings.timeout = config::as_seconds(*timeout);
    }
    for (const config::Directive* line : server.get_all("ProxyProtocolTrustedProxies")) {
        for (const std::string& arg : line->args) {
            for (const auto entry : split(arg, ',')) {
                if (entry.empty()) {
                    continue;
                }
                if (iequals(entry, "all")) {
                    settings.trust_all = true;
                    continue;
                }
                const auto slash = entry.find('/');
                auto network = parse_address(entry.substr(0, slash));
                if (!network) {  // the registry checked it; a failure here is a bug, and fails closed
                    return Error{str_cat(to_string(line->where), ": ProxyProtocolTrustedProxies: '", entry,
                                         "' is not an address")};
                }
                if (slash != std::string_view::npos) {
                    network->bits = std::min(network->bits,
                                             parse_unsigned<unsigned>(entry.substr(slash + 1)).value_or(network->bits));
                }
                settings.trusted.push_back(*network);
            }
        }
    }
    if (settings.engine && !settings.trust_all && settings.trusted.empty()) {
        return Error{str_cat(to_string(engine->where),
                             ": ProxyProtocolEngine on needs ProxyProtocolTrustedProxies: the addresses of the "
                             "proxies allowed to name the client (ProFTPD trusts any peer; say 'all' for that)")};
    }
    return settings;
}

}  // namespace ward::master::proxy
