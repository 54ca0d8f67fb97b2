#pragma once
// Who is connected, as the master knows it (wardctl who / kick, ProFTPD's ftpwho and ftpdctl kick): one
// record per session process, filled only from the master's own facts and its session monitors' messages:
// the accepted peer (or the client a trusted proxy's header named, reported by the monitor that read it) and
// the account a monitor asked to count after checking the password. Nothing here is a worker's word.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace ward::master {

struct SessionRecord {
    pid_t pid = 0;
    std::string client;  // address
    std::uint16_t client_port = 0;
    std::string server;  // the local address and port the session reached
    std::string user;    // empty until the monitor's login count admitted it
    bool proxied = false;
    std::chrono::system_clock::time_point since;
    // The post-auth worker's own account (ipc::WorkerActivity, passed on by its monitor): shown by wardctl who
    // labelled as the worker's word, never used for a decision. transfer_since is the master's clock.
    struct Activity {
        std::string command;
        bool transferring = false;
        std::uint64_t bytes = 0;
        std::uint64_t size = 0;
        std::chrono::system_clock::time_point transfer_since;
    };
    Activity activity;
};

class SessionRegistry {
public:
    void started(SessionRecord record);
    void named_client(pid_t pid, const std::string& address, std::uint16_t port);
    void logged_in(pid_t pid, const std::string& user);
    void activity(pid_t pid, const std::string& command, bool transferring, std::uint64_t bytes, std::uint64_t size,
                  std::chrono::system_clock::time_point now);
    void ended(pid_t pid);
    [[nodiscard]] std::vector<SessionRecord> list() const;
    // kick targets: "user NAME", "host ADDRESS" or "session PID"; an error for anything else.
    [[nodiscard]] Result<std::vector<pid_t>> match(std::string_view target) const;

private:
    std::map<pid_t, SessionRecord> by_pid_;
};

// wardctl who's lines: "PID USER CLIENT STATE SINCE SERVER" for each session, oldest first, then what the
// worker reports: its command and, during a transfer, bytes, rate and percent of the file's size.
[[nodiscard]] std::vector<std::string> who_lines(const std::vector<SessionRecord>& sessions,
                                                 std::chrono::system_clock::time_point now);

}  // namespace ward::master
