#pragma once
// The master's admission rules, by its own record of every session (never a worker's word). For new
// connections, checked before anything is forked: MaxInstances (sessions at once), MaxClientsPerHost and
// MaxConnectionsPerHost (sessions from one address) and MaxConnectionRate (new connections per interval,
// across the server). For logins, asked by the session's monitor once a password is checked: MaxClients
// (logged-in sessions of the server), MaxClientsPerUser and MaxHostsPerUser, each counting the asking
// session too, as ProFTPD's scoreboard count does; MaxClientsPerClass counts every session of the server whose
// client address is in the same <Class>, logged in or not (ProFTPD's scoreboard records the class at connect). Pure bookkeeping: the master supplies the clock.
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

enum class Admission : std::uint8_t {
    admit,
    max_instances,
    max_clients_per_host,
    max_connections_per_host,
    max_connection_rate,
};

// The reached server's per-connection limits (0 = none).
struct HostLimits {
    unsigned max_clients_per_host = 0;      // MaxClientsPerHost
    unsigned max_connections_per_host = 0;  // MaxConnectionsPerHost
};

// The login limits that apply to a session (its server's, or its <Anonymous> context's); 0 = none.
struct LoginLimits {
    unsigned max_clients = 0;           // MaxClients
    unsigned max_clients_per_user = 0;  // MaxClientsPerUser
    unsigned max_hosts_per_user = 0;    // MaxHostsPerUser
    unsigned max_clients_per_class = 0;  // MaxClientsPerClass for the session's own class
    // An <Anonymous> context's MaxClients counts only the sessions of its own account (ProFTPD's rule).
    bool clients_of_this_user_only = false;
};

enum class LoginCount : std::uint8_t {
    admit,
    max_clients_per_user,
    max_clients,
    max_hosts_per_user,
    max_clients_per_class,
};

class ConnectionLimits {
public:
    using Clock = std::chrono::steady_clock;

    explicit ConnectionLimits(LimitSettings settings) : settings_(settings) {}
    void update(LimitSettings settings) { settings_ = settings; }  // on reload; live sessions stay counted

    // Counts the connection attempt toward the rate whatever the answer, as ProFTPD does.
    [[nodiscard]] Admission admit(const std::string& address, Clock::time_point now, HostLimits host = {});
    // `server` names the server the session reached (its local address and port): MaxClients counts per server.
    // `conn_class`: the <Class> the master found the client address in ("" for none).
    void session_started(pid_t pid, const std::string& address, const std::string& server = {},
                         const std::string& conn_class = {});
    void session_ended(pid_t pid);
    // A session from a trusted proxy names its real client (its PROXY header): the per-host limits are checked
    // against that address and, when admitted, the session counts under it (and its class) from now on.
    [[nodiscard]] Admission proxied_client(pid_t pid, const std::string& address, HostLimits host,
                                           const std::string& conn_class = {});
    // The <Class> a session was counted in ("" for none, or for a session the master does not know).
    [[nodiscard]] std::string class_of(pid_t pid) const;
    // A session's login as `user`: admitted (and counted as the user's from now on) or the limit it passes.
    // A session that is not the master's, or has logged in already, is refused as over MaxClients.
    [[nodiscard]] LoginCount login(pid_t pid, const std::string& user, const LoginLimits& limits);

    [[nodiscard]] std::size_t sessions() const noexcept { return by_pid_.size(); }
    [[nodiscard]] std::vector<pid_t> session_pids() const;
    [[nodiscard]] std::size_t sessions_from(const std::string& address) const;
    [[nodiscard]] const LimitSettings& settings() const noexcept { return settings_; }

private:
    LimitSettings settings_;
    std::deque<Clock::time_point> recent_;  // connection attempts inside the rate window
    struct Session {
        std::string address;
        std::string server;
        std::string user;  // empty until the session has logged in
        std::string conn_class;
    };
    std::unordered_map<pid_t, Session> by_pid_;
    std::map<std::string, unsigned, std::less<>> by_address_;
};

[[nodiscard]] const char* admission_name(Admission admission) noexcept;
[[nodiscard]] const char* login_count_name(LoginCount count) noexcept;  // the directive

}  // namespace ward::master
