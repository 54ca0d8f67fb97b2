#include "daemon/master/listeners.hpp"

#include <algorithm>

#include "config/values.hpp"

namespace ward::master {

std::vector<BindPoint> plan_listeners(const config::ServerSet& servers) {
    const config::Server& main = servers.servers().front();
    const config::Directive* tight = main.get("SocketBindTight");
    const bool bind_tight = tight != nullptr && config::as_bool(*tight);
    const config::Directive* ipv6 = main.get("UseIPv6");
    const std::string wildcard = ipv6 == nullptr || config::as_bool(*ipv6) ? "::" : "0.0.0.0";

    std::vector<BindPoint> points;
    for (const auto& server : servers.servers()) {
        if (server.port() == 0) {
            continue;  // Port 0 disables a server, as in ProFTPD
        }
        if (!bind_tight || server.addresses().empty()) {
            points.push_back({wildcard, server.port()});
            continue;
        }
        for (const auto& address : server.addresses()) {
            points.push_back({address, server.port()});
        }
    }
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    // A wildcard listener on a port already covers that port's specific addresses.
    std::erase_if(points, [&](const BindPoint& p) {
        return p.address != wildcard &&
               std::any_of(points.begin(), points.end(), [&](const BindPoint& q) {
                   return q.port == p.port && q.address == wildcard;
               });
    });
    return points;
}

}  // namespace ward::master
