#include "daemon/master/connection_limits.hpp"

#include <set>

namespace ward::master {

Admission ConnectionLimits::admit(const std::string& address, Clock::time_point now, HostLimits host) {
    if (settings_.max_connection_rate > 0) {
        while (!recent_.empty() && now - recent_.front() >= settings_.rate_interval) {
            recent_.pop_front();
        }
        const bool over = recent_.size() >= settings_.max_connection_rate;
        recent_.push_back(now);
        if (over) {
            return Admission::max_connection_rate;
        }
    }
    if (settings_.max_instances > 0 && by_pid_.size() >= settings_.max_instances) {
        return Admission::max_instances;
    }
    if (host.max_clients_per_host > 0 && sessions_from(address) >= host.max_clients_per_host) {
        return Admission::max_clients_per_host;
    }
    if (host.max_connections_per_host > 0 && sessions_from(address) >= host.max_connections_per_host) {
        return Admission::max_connections_per_host;
    }
    return Admission::admit;
}

void ConnectionLimits::session_started(pid_t pid, const std::string& address, const std::string& server,
                                       const std::string& conn_class) {
    by_pid_[pid] = Session{address, server, {}, conn_class};
    ++by_address_[address];
}

LoginCount ConnectionLimits::login(pid_t pid, const std::string& user, const LoginLimits& limits) {
    const auto self = by_pid_.find(pid);
    if (self == by_pid_.end() || !self->second.user.empty() || user.empty()) {
        return LoginCount::max_clients;
    }
    // Only logged-in sessions count, and every count includes the asking session, as ProFTPD's does
    // ("more than N"). MaxHostsPerUser counts distinct client addresses, as ProFTPD documents it.
    unsigned clients = 1;
    unsigned user_sessions = 1;
    unsigned class_sessions = 1;
    std::set<std::string, std::less<>> user_hosts{self->second.address};
    for (const auto& [other_pid, other] : by_pid_) {
        if (other_pid != pid && !self->second.conn_class.empty() && other.conn_class == self->second.conn_class &&
            other.server == self->second.server) {
            ++class_sessions;  // logged in or not, as ProFTPD's scoreboard count of the class
        }
        if (other.user.empty() || other_pid == pid) {
            continue;
        }
        if (other.server == self->second.server && (!limits.clients_of_this_user_only || other.user == user)) {
            ++clients;
        }
        if (other.user == user) {
            ++user_sessions;
            user_hosts.insert(other.address);
        }
    }
    if (limits.max_clients_per_class > 0 && class_sessions > limits.max_clients_per_class) {
        return LoginCount::max_clients_per_class;
    }
    if (limits.max_clients_per_user > 0 && user_sessions > limits.max_clients_per_user) {
        return LoginCount::max_clients_per_user;
    }
    if (limits.max_clients > 0 && clients > limits.max_clients) {
        return LoginCount::max_clients;
    }
    if (limits.max_hosts_per_user > 0 && user_hosts.size() > limits.max_hosts_per_user) {
        return LoginCount::max_hosts_per_user;
    }
    self->second.user = user;
    return LoginCount::admit;
}

Admission ConnectionLimits::proxied_client(pid_t pid, const std::string& address, HostLimits host,
                                           const std::string& conn_class) {
    const auto self = by_pid_.find(pid);
    if (self == by_pid_.end()) {
        return Admission::max_instances;  // not a session the master counts
    }
    if (host.max_clients_per_host > 0 && sessions_from(address) >= host.max_clients_per_host) {
        return Admission::max_clients_per_host;
    }
    if (host.max_connections_per_host > 0 && sessions_from(address) >= host.max_connections_per_host) {
        return Admission::max_connections_per_host;
    }
    const auto old = by_address_.find(self->second.address);
    if (old != by_address_.end() && --old->second == 0) {
        by_address_.erase(old);
    }
    self->second.address = address;
    self->second.conn_class = conn_class;
    ++by_address_[address];
    return Admission::admit;
}

std::string ConnectionLimits::class_of(pid_t pid) const {
    const auto it = by_pid_.find(pid);
    return it == by_pid_.end() ? std::string() : it->second.conn_class;
}

void ConnectionLimits::session_ended(pid_t pid) {
    const auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) {
        return;
    }
    const auto count = by_address_.find(it->second.address);
    if (count != by_address_.end() && --count->second == 0) {
        by_address_.erase(count);
    }
    by_pid_.erase(it);
}

std::size_t ConnectionLimits::sessions_from(const std::string& address) const {
    const auto it = by_address_.find(address);
    return it == by_address_.end() ? 0 : it->second;
}

std::vector<pid_t> ConnectionLimits::session_pids() const {
    std::vector<pid_t> pids;
    pids.reserve(by_pid_.size());
    for (const auto& [pid, address] : by_pid_) {
        pids.push_back(pid);
    }
    return pids;
}

const char* admission_name(Admission admission) noexcept {
    switch (admission) {
        case Admission::admit: return "admitted";
        case Admission::max_instances: return "MaxInstances";
        case Admission::max_clients_per_host: return "MaxClientsPerHost";
        case Admission::max_connections_per_host: return "MaxConnectionsPerHost";
        case Admission::max_connection_rate: return "MaxConnectionRate";
    }
    return "?";
}

}  // namespace ward::master

namespace ward::master {

const char* login_count_name(LoginCount count) noexcept {
    switch (count) {
        case LoginCount::admit: return "admitted";
        case LoginCount::max_clients_per_user: return "MaxClientsPerUser";
        case LoginCount::max_clients: return "MaxClients";
        case LoginCount::max_hosts_per_user: return "MaxHostsPerUser";
        case LoginCount::max_clients_per_class: return "MaxClientsPerClass";
    }
    return "?";
}

}  // namespace ward::master
