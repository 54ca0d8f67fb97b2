#pragma once
// The in-process SessionHost of ftp_session_testd: users and passwords from flags, one real root per
// user, an anonymous read-only root, hooks recorded as JSON lines, and a real privileged_data_connection when
// the test runs as root. Tests only; wardftpd's host is the worker's link to its monitor.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/ftp/session_host.hpp"

namespace ward::ftp::testd {

struct Options {
    std::uint16_t port = 0;
    std::string root;             // real root of every named user
    std::map<std::string, std::string> users;  // name -> password
    std::string anonymous_root;   // empty: no anonymous login
    bool anonymous_write = false;  // otherwise <Limit WRITE> denies everything that writes
    std::string hook_log;         // JSON lines, one per run_hooks call; empty: no hooks
    std::vector<std::string> hook_output;  // lines every on_command/on_connect hook "prints" (sendStdout)
    std::string transfer_log;
    int transfer_log_fd = -1;  // opened from transfer_log by main()
    SessionSettings settings;
    PathRules rules;
};

// Parses the command line; on a bad flag prints why and returns false.
bool parse_options(int argc, char** argv, Options& out);

class TestHost final : public SessionHost {
public:
    TestHost(const Options& options, int control_fd) : options_(options), control_fd_(control_fd) {}

    LoginResult authenticate(std::string_view user, std::string_view password) override;
    std::optional<PostAuthSession> hand_over(HandoverState state) override;
    [[nodiscard]] bool wants_hook(exec::HookPoint point, std::string_view command) const override;
    std::vector<std::string> run_hooks(exec::HookPoint point, const exec::CommandEvent& event) override;
    Result<UniqueFd> privileged_data_connection(std::uint16_t local_port, const std::string& target_address,
                                                std::uint16_t target_port) override;
    void log_transfer(std::string_view line) override;
    void session_ended(std::string_view reason) override;

private:
    const Options& options_;
    int control_fd_;
    unsigned failures_ = 0;
    std::string user_;
    bool anonymous_ = false;
};

}  // namespace ward::ftp::testd
