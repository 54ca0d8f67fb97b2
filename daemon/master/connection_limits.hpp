#pragma once
// The master's admission rules for new connections, checked before anything is forked:
// MaxInstances (sessions at once), MaxClientsPerHost (sessions from one address) and MaxConnectionRate
// (new connections per interval, across the server). Pure bookkeeping: the master supplies the clock.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace ward::master {

struct LimitSettings {
    unsigned max_instances = 0;        // 0 = unlimited
    unsigned max_connection_rate = 0;  // connections per `rate_interval`; 0 = unlimited
    std::chrono::seconds rate_interval{1};
};

enum class Admission : std::uint8_t { admit, max_instances, max_clients_per_host, max_connection_rate };

class ConnectionLimits {
public:
    using Clock = std::chrono::steady_clock;

    explicit ConnectionLimits(LimitSettings settings) : settings_(settings) {}
    void update(LimitSettings settings) { settings_ = settings; }  // on reload; live sessions stay counted

    // Counts the connection attempt toward the rate whatever the answer, as ProFTPD does.
    // max_clients_per_host is the reached server's MaxClientsPerHost (0 = unlimited).
    [[nodiscard]] Admission admit(const std::string& address, Clock::time_point now, unsigned max_clients_per_host = 0);
    void session_started(pid_t pid, const std::string& address);
    void session_ended(pid_t pid);

    [[nodiscard]] std::size_t sessions() const noexcept { return by_pid_.size(); }
    [[nodiscard]] std::vector<pid_t> session_pids() const;
    [[nodiscard]] std::size_t sessions_from(const std::string& address) const;
    [[nodiscard]] const LimitSettings& settings() const noexcept { return settings_; }

private:
    LimitSettings settings_;
    std::deque<Clock::time_point> recent_;  // connection attempts inside the rate window
    std::unordered_map<pid_t, std::string> by_pid_;
    std::map<std::string, unsigned, std::less<>> by_address_;
};

[[nodiscard]] const char* admission_name(Admission admission) noexcept;

}  // namespace ward::master
