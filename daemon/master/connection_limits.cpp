#include "daemon/master/connection_limits.hpp"

namespace ward::master {

Admission ConnectionLimits::admit(const std::string& address, Clock::time_point now, unsigned max_clients_per_host) {
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
    if (max_clients_per_host > 0 && sessions_from(address) >= max_clients_per_host) {
        return Admission::max_clients_per_host;
    }
    return Admission::admit;
}

void ConnectionLimits::session_started(pid_t pid, const std::string& address) {
    by_pid_[pid] = address;
    ++by_address_[address];
}

void ConnectionLimits::session_ended(pid_t pid) {
    const auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) {
        return;
    }
    const auto count = by_address_.find(it->second);
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
        case Admission::max_connection_rate: return "MaxConnectionRate";
    }
    return "?";
}

}  // namespace ward::master
