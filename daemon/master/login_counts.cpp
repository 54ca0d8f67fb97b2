#include "daemon/master/login_counts.hpp"

#include "base/strings.hpp"
#include "config/values.hpp"
#include "daemon/session_config.hpp"

namespace ward::master {
namespace {

struct LimitText {
    std::string_view directive;
    std::string_view proftpd_reply;
};

constexpr LimitText kMaxClients{"MaxClients", "Sorry, the maximum number of allowed clients (%m) are already connected."};
constexpr LimitText kMaxClientsPerUser{"MaxClientsPerUser",
                                       "Sorry, the maximum number of clients (%m) for this user are already connected."};
constexpr LimitText kMaxHostsPerUser{"MaxHostsPerUser",
                                     "Sorry, the maximum number of hosts (%m) for this user are already connected."};
constexpr LimitText kMaxClientsPerHost{"MaxClientsPerHost",
                                       "Sorry, the maximum number of clients (%m) from your host are already connected."};
constexpr LimitText kMaxConnectionsPerHost{
    "MaxConnectionsPerHost", "Sorry, the maximum number of connections (%m) for your host are already connected."};

unsigned count(const config::Server& server, const config::Context* anon, std::string_view name) {
    const config::Directive* d = daemon::session_directive(server, anon, name);
    return d != nullptr ? static_cast<unsigned>(config::as_unsigned(*d)) : 0U;  // "none" reads as 0
}

constexpr std::string_view kMaxClientsPerClassReply =
    "Sorry, the maximum number of clients (%m) from your class are already connected.";

// ProFTPD's reply text with "%m" replaced by the limit.
std::string with_limit(std::string_view text, std::string_view number) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "%m") == 0) {
            out += number;
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::string reply(const LimitText& limit, const config::Server& server, const config::Context* anon) {
    const config::Directive* d = daemon::session_directive(server, anon, limit.directive);
    const std::string text = d != nullptr && d->args.size() > 1 ? d->args[1] : std::string(limit.proftpd_reply);
    return with_limit(text, d != nullptr ? str_cat(config::as_unsigned(*d)) : std::string("0"));
}

// MaxClientsPerClass class count|none [message]: the first line for the class (ProFTPD compares the name
// exactly), in the server's own context or <Global>.
const config::Directive* class_limit(const config::Server& server, std::string_view conn_class) {
    if (conn_class.empty()) {
        return nullptr;
    }
    for (const config::Directive* d : server.get_all("MaxClientsPerClass")) {
        if (d->args.at(0) == conn_class) {
            return d;
        }
    }
    return nullptr;
}

unsigned class_count(const config::Directive& d) {
    return iequals(d.args.at(1), "none") ? 0U : parse_unsigned<unsigned>(d.args.at(1)).value_or(0U);
}

}  // namespace

HostLimits host_limits(const config::Server& server) {
    return HostLimits{count(server, nullptr, kMaxClientsPerHost.directive),
                      count(server, nullptr, kMaxConnectionsPerHost.directive)};
}

LoginLimits login_limits(const config::Server& server, const config::Context* anon, std::string_view conn_class) {
    LoginLimits limits{count(server, anon, kMaxClients.directive), count(server, anon, kMaxClientsPerUser.directive),
                       count(server, anon, kMaxHostsPerUser.directive), 0, anon != nullptr};
    if (const config::Directive* per_class = class_limit(server, conn_class)) {
        limits.max_clients_per_class = class_count(*per_class);
    }
    return limits;
}

std::string host_refusal(Admission why, const config::Server& server) {
    return reply(why == Admission::max_connections_per_host ? kMaxConnectionsPerHost : kMaxClientsPerHost, server,
                 nullptr);
}

std::string login_refusal(LoginCount why, const config::Server& server, const config::Context* anon,
                          std::string_view conn_class) {
    switch (why) {
        case LoginCount::max_clients_per_class:
            if (const config::Directive* d = class_limit(server, conn_class)) {
                return with_limit(d->args.size() > 2 ? std::string_view(d->args[2]) : kMaxClientsPerClassReply,
                                  str_cat(class_count(*d)));
            }
            return with_limit(kMaxClientsPerClassReply, "0");
        case LoginCount::max_clients_per_user: return reply(kMaxClientsPerUser, server, anon);
        case LoginCount::max_hosts_per_user: return reply(kMaxHostsPerUser, server, anon);
        case LoginCount::max_clients:
        case LoginCount::admit: break;
    }
    return reply(kMaxClients, server, anon);
}

}  // namespace ward::master
